/**
 * The storage port the app's repositories use. Production: Forge KVS (src/platform/forge-kvs.ts).
 * Flow tests and the sandbox run the real @forge/kvs against the local Forge runtime; the fast
 * use-case tests run on test/support/memory-kvs.ts, which a shared suite holds to the same behaviour.
 */

export interface SetOptions {
  /** Fail (return false) when the key already exists: Forge KVS keyPolicy FAIL_IF_EXISTS. */
  ifAbsent?: boolean;
  /** Expire the key after this many seconds (Forge KVS ttl). */
  ttlSeconds?: number;
}

export interface QueryPage<T> {
  results: { key: string; value: T }[];
  nextCursor: string | undefined;
}

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Returns false only when `ifAbsent` was asked and the key exists. */
  set<T>(key: string, value: T, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, in key order. */
  query<T>(prefix: string, options?: { limit?: number; cursor?: string }): Promise<QueryPage<T>>;
  getSecret(key: string): Promise<string | undefined>;
  setSecret(key: string, value: string): Promise<void>;
  deleteSecret(key: string): Promise<void>;
}
