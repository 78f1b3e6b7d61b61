/**
 * The UI's only way to the backend: one typed call per resolver key, over `invoke` from
 * `@forge/bridge`. The `Result` envelope is unwrapped here so views deal with data or a UiError.
 */
import { invoke } from '@forge/bridge';
import type { ErrorCode, FieldErrors, PayloadOf, ResolverKey, Result, ResultOf } from '../../../src/contract';

/** Backend codes, plus UNREACHABLE when the call never got an answer. */
export type UiErrorCode = ErrorCode | 'UNREACHABLE';

export class UiError extends Error {
  readonly code: UiErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: UiErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UiError';
    this.code = code;
    this.details = details;
  }

  /** Per-field messages of an INVALID_INPUT refusal, keyed by dotted path (`apps.1.path`). */
  get fieldErrors(): FieldErrors {
    const fields = this.details?.['fields'];
    const errors: FieldErrors = {};
    if (isRecord(fields)) {
      for (const [path, message] of Object.entries(fields)) {
        if (typeof message === 'string') errors[path] = message;
      }
    }
    return errors;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toUiError(error: unknown): UiError {
  if (error instanceof UiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UiError('INTERNAL', `Something went wrong in the page: ${message}`, undefined, { cause: error });
}

/**
 * Calls a resolver. The result type comes from the shared contract, which the resolvers are checked
 * against and deployed with; the envelope itself is still checked, since a crashed or missing resolver
 * answers with something else.
 */
export async function call<K extends ResolverKey>(key: K, payload: PayloadOf<K>): Promise<ResultOf<K>> {
  const response = await invoke<Result<ResultOf<K>>>(key, payload).catch((error: unknown) => {
    throw new UiError(
      'UNREACHABLE',
      'The app could not reach its backend. Check your connection and reload the page.',
      undefined,
      {
        cause: error,
      },
    );
  });
  const checked: unknown = response;
  if (!isRecord(checked) || typeof checked['ok'] !== 'boolean' || !('ok' in response)) {
    throw new UiError(
      'INTERNAL',
      `The app's backend gave an unexpected answer to "${key}". Reload the page; if it persists, tell your Jira administrator.`,
    );
  }
  if (response.ok) return response.data;
  throw new UiError(response.error.code, response.error.message, response.error.details);
}
