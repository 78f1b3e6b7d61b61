/**
 * The app's typed errors. Every layer translates what it catches into an AppError once, keeping the
 * original as `cause`; the resolvers turn it into the `{ ok: false, error }` envelope the UI shows.
 * Messages are written for the person reading them in Jira and never contain a token.
 */

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_CONFIGURED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'NOT_AN_APPROVER'
  | 'CANDIDATE_STALE'
  | 'NOTHING_TO_RELEASE'
  | 'NO_PROVENANCE'
  | 'DIVERGED'
  | 'POLICY_FAILED'
  | 'CONFLICT'
  | 'DEPLOY_IN_PROGRESS'
  | 'UPSTREAM_AUTH'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_REJECTED'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_INVALID_RESPONSE'
  | 'INTERNAL';

export type ExternalSystem = 'kosli' | 'jira' | 'github' | 'storage';

export interface AppErrorOptions {
  cause?: unknown;
  system?: ExternalSystem;
  /** The upstream call, e.g. "GET /snapshots/{org}/{env}/-1". */
  operation?: string;
  status?: number;
  /** True when a write may have been applied upstream although we saw no success (5xx or timeout). */
  maybeApplied?: boolean;
  /** Structured detail the UI may show, e.g. per-field validation errors. Never secrets. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly system: ExternalSystem | undefined;
  readonly operation: string | undefined;
  readonly status: number | undefined;
  readonly maybeApplied: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.system = options.system;
    this.operation = options.operation;
    this.status = options.status;
    this.maybeApplied = options.maybeApplied ?? false;
    this.details = options.details;
  }

  /** Upstream faults that a later attempt may get past (the deploy worker retries these). */
  get transient(): boolean {
    return this.code === 'UPSTREAM_UNAVAILABLE' || this.code === 'UPSTREAM_RATE_LIMITED' || this.code === 'CONFLICT';
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Wraps anything thrown into an AppError without losing it. */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError('INTERNAL', `Unexpected error: ${message}`, { cause: value });
}

const BEARER = /(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;

/**
 * Removes every known secret value, and anything shaped like an Authorization header value, from a
 * text that may reach a log line, an error message or the UI.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  return withoutSecrets(text, secrets).replace(BEARER, (_match, scheme: string) => `${scheme} [redacted]`);
}

/**
 * Removes only the known secret values: for ordinary text (a view, a check's findings) where a
 * phrase like "the token cannot see it" must stay as written.
 */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a token that contains another is removed whole. Any length: the settings refuse
  // tokens too short to redact safely, so a short value here is still a secret to hide.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}
