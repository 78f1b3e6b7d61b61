/**
 * What Forge storage's refusals mean (/platform/forge/storage-reference/handling-errors-kvs), as the
 * app's error. The same request is refused again every time, so these are never "try again". Shared
 * by the Forge KVS seam and the in-memory store of the fast use-case tests, so both refuse alike.
 */
import { AppError } from '../errors';

const REFUSALS: Readonly<Record<string, string>> = {
  MAX_SIZE: 'the value is larger than Forge storage accepts (240 KiB)',
  MAX_DEPTH: 'the value is nested deeper than Forge storage accepts',
  KEY_TOO_LONG: 'the key is longer than Forge storage accepts (500 characters)',
  KEY_TOO_SHORT: 'the key is empty',
  INVALID_KEY: 'the key has characters Forge storage does not accept',
  LIST_QUERY_LIMIT_EXCEEDED: 'the query asks for more entries per page than Forge storage returns',
};

/** The store refused `operation` with `code` (a 4xx other than 429); the key is named, values never are. */
export function storageRefusal(operation: string, code: string, status: number, cause?: unknown): AppError {
  const reason = REFUSALS[code] ?? `it answered ${code}`;
  return new AppError('UPSTREAM_REJECTED', `Forge storage refused ${operation}: ${reason}.`, {
    cause,
    system: 'storage',
    operation,
    status,
  });
}
