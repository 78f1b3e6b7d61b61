/**
 * The one place that sends HTTP for the adapters: bounded retries with backoff on 429, 5xx and
 * timeouts, honouring Retry-After; typed errors that name the system and the call; response bodies
 * validated with zod before anything else sees them. The transport itself (Forge `fetch`, or the
 * Forge `requestJira`) is injected by the caller.
 */
import type { z } from 'zod';
import { AppError, type ExternalSystem, redact } from '../errors';

/** The subset of `fetch` the adapters use; Forge's `fetch` and Node's global `fetch` both fit. */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Total attempts, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails as rate limited. */
  maxRetryAfterMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
  timeoutMs: 10_000,
};

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface UpstreamCall {
  system: ExternalSystem;
  /** Names the call in errors, e.g. "GET /snapshots/{org}/{env}/-1". */
  operation: string;
  /**
   * Whether repeating the request is harmless. Non-idempotent writes are retried only on 429 (the
   * server says it did nothing); a 5xx or a timeout on them is reported as `maybeApplied`.
   */
  idempotent: boolean;
  /** What to check when the upstream says 404, e.g. "Kosli environment 'staging' not found in org 'acme'". */
  notFound?: string;
  /** Secret values to strip from any message built here. */
  secrets?: readonly string[];
}

export interface TransportOptions {
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
}

const SYSTEM_LABEL: Record<ExternalSystem, string> = {
  kosli: 'Kosli',
  jira: 'Jira',
  github: 'GitHub',
  storage: 'Forge storage',
};

/** Parses Retry-After as seconds or an HTTP date; returns milliseconds, or undefined. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoff(attempt: number, policy: RetryPolicy): number {
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  // Full jitter keeps concurrent workers from retrying in lockstep.
  return Math.min(policy.maxDelayMs, Math.round(exp / 2 + (Math.random() * exp) / 2));
}

function describe(ctx: UpstreamCall): string {
  return `${SYSTEM_LABEL[ctx.system]} ${ctx.operation}`;
}

async function bodySnippet(response: Response, secrets: readonly string[]): Promise<string> {
  try {
    const text = await response.text();
    return redact(text.slice(0, 300), secrets);
  } catch {
    return '';
  }
}

/** Maps a non-2xx status to a typed error with a sentence saying what to check. */
export async function errorForStatus(response: Response, ctx: UpstreamCall): Promise<AppError> {
  const status = response.status;
  const snippet = await bodySnippet(response, ctx.secrets ?? []);
  const where = describe(ctx);
  const base = { system: ctx.system, operation: ctx.operation, status };
  if (status === 401) {
    return new AppError(
      'UPSTREAM_AUTH',
      `${where} was refused (401): check that the ${SYSTEM_LABEL[ctx.system]} token is set and still valid.`,
      base,
    );
  }
  if (status === 403) {
    return new AppError(
      'UPSTREAM_AUTH',
      `${where} was forbidden (403): the ${SYSTEM_LABEL[ctx.system]} credentials lack a permission this call needs.${snippet ? ` ${snippet}` : ''}`,
      base,
    );
  }
  if (status === 404) {
    return new AppError('UPSTREAM_NOT_FOUND', ctx.notFound ?? `${where} found nothing (404).`, base);
  }
  if (status === 429) {
    return new AppError(
      'UPSTREAM_RATE_LIMITED',
      `${where} is rate limited (429) beyond our retries; the next run will try again.`,
      base,
    );
  }
  if (status >= 500) {
    return new AppError(
      'UPSTREAM_UNAVAILABLE',
      `${where} failed with ${status}; ${SYSTEM_LABEL[ctx.system]} may be unavailable.`,
      {
        ...base,
        maybeApplied: !ctx.idempotent,
      },
    );
  }
  return new AppError('UPSTREAM_REJECTED', `${where} was rejected (${status})${snippet ? `: ${snippet}` : '.'}`, base);
}

/**
 * Sends a request built by `send` (called once per attempt so bodies can be rebuilt), retrying
 * within bounds. Returns the first 2xx/3xx response; throws an AppError otherwise.
 */
export async function sendWithRetry(
  send: (signal: AbortSignal) => Promise<Response>,
  ctx: UpstreamCall,
  options: TransportOptions = {},
): Promise<Response> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= policy.maxAttempts;
    let response: Response;
    try {
      response = await send(AbortSignal.timeout(policy.timeoutMs));
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      if (ctx.idempotent && !last) {
        await sleep(backoff(attempt, policy));
        continue;
      }
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `${describe(ctx)} ${timedOut ? 'timed out' : 'could not be reached'}; ${SYSTEM_LABEL[ctx.system]} may be unavailable.`,
        {
          system: ctx.system,
          operation: ctx.operation,
          cause: sanitizeCause(cause, ctx.secrets),
          maybeApplied: !ctx.idempotent,
        },
      );
    }
    if (response.ok || (response.status >= 300 && response.status < 400)) return response;

    const retryable = response.status === 429 || (response.status >= 500 && ctx.idempotent);
    if (!retryable || last) throw await errorForStatus(response, ctx);

    const hinted = retryAfterMs(response.headers.get('retry-after'));
    if (hinted !== undefined && hinted > policy.maxRetryAfterMs) throw await errorForStatus(response, ctx);
    await response.body?.cancel().catch(() => undefined);
    await sleep(hinted ?? backoff(attempt, policy));
  }
}

/**
 * For calls where a 404 is an answer rather than a fault ("no such version", "no attestation yet"):
 * resolves to `absent` when the call fails with UPSTREAM_NOT_FOUND, and lets every other error through.
 */
export async function absentOn404<T, A>(call: Promise<T> | (() => Promise<T>), absent: A): Promise<T | A> {
  try {
    return await (typeof call === 'function' ? call() : call);
  } catch (error) {
    if (error instanceof AppError && error.code === 'UPSTREAM_NOT_FOUND') return absent;
    throw error;
  }
}

/** Network errors can carry the request (and its headers) in their cause chain: keep only the message. */
function sanitizeCause(cause: unknown, secrets: readonly string[] = []): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  const inner = cause instanceof Error && cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  const error = new Error(redact(`${message}${inner}`, secrets));
  error.name = cause instanceof Error ? cause.name : 'Error';
  return error;
}

/** Reads a JSON body and validates it; a mismatch is an UPSTREAM_INVALID_RESPONSE naming the call. */
export async function readJson<S extends z.ZodType>(
  response: Response,
  schema: S,
  ctx: UpstreamCall,
): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new AppError('UPSTREAM_INVALID_RESPONSE', `${describe(ctx)} returned a body that is not JSON.`, {
      system: ctx.system,
      operation: ctx.operation,
      status: response.status,
      cause: sanitizeCause(cause, ctx.secrets),
    });
  }
  return parseBody(body, schema, ctx);
}

export function parseBody<S extends z.ZodType>(body: unknown, schema: S, ctx: UpstreamCall): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new AppError('UPSTREAM_INVALID_RESPONSE', `${describe(ctx)} returned an unexpected response (${issues}).`, {
    system: ctx.system,
    operation: ctx.operation,
    cause: result.error,
  });
}
