/**
 * The `KeyValueStore` port over Forge KVS. `ifAbsent` is KVS's atomic `keyPolicy: FAIL_IF_EXISTS`
 * (@forge/kvs ≥ 1.3.0): the loser gets a `ForgeKvsAPIError` with code `KEY_CONFLICT` (HTTP 409),
 * which is the normal "already taken" answer here, not a failure.
 * @see https://developer.atlassian.com/platform/forge/storage-reference/storage-api-basic/
 */
import { ForgeKvsAPIError, kvs, WhereConditions, type PolicySetOptions } from '@forge/kvs';
import { AppError } from '../errors';
import type { KeyValueStore, QueryPage, SetOptions } from '../store/key-value-store';
import { storageRefusal } from './storage-refusal';

function isKeyConflict(error: unknown): boolean {
  return error instanceof ForgeKvsAPIError && (error.code === 'KEY_CONFLICT' || error.responseDetails.status === 409);
}

/** Translates a storage failure once; the key is named, values and secrets never are. */
function storageError(operation: string, error: unknown): AppError {
  const status = error instanceof ForgeKvsAPIError ? error.responseDetails.status : undefined;
  const base = { cause: error, system: 'storage' as const, operation, status };
  if (status === 429)
    return new AppError('UPSTREAM_RATE_LIMITED', `Forge storage ${operation} was rate limited; try again.`, base);
  if (error instanceof ForgeKvsAPIError && status !== undefined && status >= 400 && status < 500)
    return storageRefusal(operation, error.code, status, error);
  return new AppError('UPSTREAM_UNAVAILABLE', `Forge storage ${operation} failed; try again.`, base);
}

async function attempt<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageError(operation, error);
  }
}

function policy(options: SetOptions | undefined): PolicySetOptions | undefined {
  if (!options?.ifAbsent && options?.ttlSeconds === undefined) return undefined;
  return {
    keyPolicy: options.ifAbsent ? 'FAIL_IF_EXISTS' : 'OVERRIDE',
    ...(options.ttlSeconds === undefined ? {} : { ttl: { value: options.ttlSeconds, unit: 'SECONDS' } }),
  };
}

export function forgeKeyValueStore(): KeyValueStore {
  return {
    get: <T>(key: string) => attempt(`get ${key}`, () => kvs.get<T>(key)),

    async set<T>(key: string, value: T, options?: SetOptions): Promise<boolean> {
      const setOptions = policy(options);
      try {
        await (setOptions ? kvs.set(key, value, setOptions) : kvs.set(key, value));
        return true;
      } catch (error) {
        if (options?.ifAbsent && isKeyConflict(error)) return false;
        throw storageError(`set ${key}`, error);
      }
    },

    delete: (key) => attempt(`delete ${key}`, () => kvs.delete(key)),

    async query<T>(prefix: string, options: { limit?: number; cursor?: string } = {}): Promise<QueryPage<T>> {
      let query = kvs.query();
      if (prefix !== '') query = query.where('key', WhereConditions.beginsWith(prefix));
      if (options.limit !== undefined) query = query.limit(options.limit);
      if (options.cursor !== undefined) query = query.cursor(options.cursor);
      const page = await attempt(`query ${prefix}*`, () => query.getMany<T>());
      return { results: page.results.map(({ key, value }) => ({ key, value })), nextCursor: page.nextCursor };
    },

    async getSecret(key: string): Promise<string | undefined> {
      const value = await attempt(`getSecret ${key}`, () => kvs.getSecret<unknown>(key));
      if (value === undefined || typeof value === 'string') return value;
      throw new AppError('INTERNAL', `The secret ${key} is not a string.`, {
        system: 'storage',
        operation: `getSecret ${key}`,
      });
    },

    setSecret: (key, value) => attempt(`setSecret ${key}`, () => kvs.setSecret(key, value)),

    deleteSecret: (key) => attempt(`deleteSecret ${key}`, () => kvs.deleteSecret(key)),
  };
}
