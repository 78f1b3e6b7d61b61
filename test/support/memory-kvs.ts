/**
 * The KeyValueStore port in memory, behaving as the app sees Forge KVS through src/platform/forge-kvs.ts
 * on the local runtime (sandbox/forge-runtime/local-kvs.ts): values round-trip as JSON; a missing key
 * is undefined; `ifAbsent` on a live key answers false; ttls expire on the injected clock; queries go
 * by key prefix in key order, 10 a page unless asked (1 to 20), with an opaque cursor; secrets live
 * apart and no query returns them; keys, value sizes and depths past Forge's limits are refused with
 * the same AppError. test/store/key-value-store.test.ts runs one suite on both stores.
 */
import { FORGE_LIMITS, jsonBytes } from '../../sandbox/forge-runtime/limits';
import { storageRefusal } from '../../src/platform/storage-refusal';
import type { KeyValueStore, QueryPage, SetOptions } from '../../src/store/key-value-store';

const DEFAULT_QUERY_LIMIT = 10;

interface Entry {
  json: string;
  expiresAt: number | undefined;
}

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depth(child)), 0);
}

function keyRefusal(key: string): string | undefined {
  if (key.length === 0) return 'KEY_TOO_SHORT';
  if (key.length > FORGE_LIMITS.kvsKeyLength) return 'KEY_TOO_LONG';
  if (!FORGE_LIMITS.kvsKeyFormat.test(key)) return 'INVALID_KEY';
  return undefined;
}

function valueRefusal(value: unknown): string | undefined {
  if (value === undefined) return 'INVALID_REQUEST';
  if (jsonBytes(value) > FORGE_LIMITS.kvsValueBytes) return 'MAX_SIZE';
  if (depth(value) > FORGE_LIMITS.kvsObjectDepth) return 'MAX_DEPTH';
  return undefined;
}

export class MemoryKeyValueStore implements KeyValueStore {
  /** Storage calls made, as LocalKvs counts them. */
  calls = 0;
  private readonly entries = new Map<string, Entry>();
  private readonly secrets = new Map<string, Entry>();

  /** `now`: epoch milliseconds, the clock ttls expire on. */
  constructor(private readonly now: () => number = Date.now) {}

  async get<T>(key: string): Promise<T | undefined> {
    return this.read<T>(this.entries, `get ${key}`, key);
  }

  async set<T>(key: string, value: T, options: SetOptions = {}): Promise<boolean> {
    this.calls++;
    const refused = keyRefusal(key) ?? valueRefusal(value);
    if (refused) throw storageRefusal(`set ${key}`, refused, 400);
    if (options.ifAbsent && this.live(this.entries, key)) return false;
    this.entries.set(key, {
      json: JSON.stringify(value),
      expiresAt: options.ttlSeconds === undefined ? undefined : this.now() + options.ttlSeconds * 1000,
    });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.remove(this.entries, `delete ${key}`, key);
  }

  async query<T>(prefix: string, options: { limit?: number; cursor?: string } = {}): Promise<QueryPage<T>> {
    this.calls++;
    const limit = options.limit ?? DEFAULT_QUERY_LIMIT;
    if (limit < 1 || limit > FORGE_LIMITS.kvsQueryLimit)
      throw storageRefusal(`query ${prefix}*`, 'LIST_QUERY_LIMIT_EXCEEDED', 400);
    const after = options.cursor === undefined ? undefined : Buffer.from(options.cursor, 'base64url').toString('utf8');
    const keys = [...this.entries.keys()]
      .filter((key) => key.startsWith(prefix) && (after === undefined || key > after) && this.live(this.entries, key))
      .sort();
    const page = keys.slice(0, limit);
    const results = page.flatMap((key) => {
      const entry = this.entries.get(key);
      return entry ? [{ key, value: JSON.parse(entry.json) as T }] : [];
    });
    const last = page.at(-1);
    return {
      results,
      nextCursor:
        keys.length > limit && last !== undefined ? Buffer.from(last, 'utf8').toString('base64url') : undefined,
    };
  }

  async getSecret(key: string): Promise<string | undefined> {
    return this.read<string>(this.secrets, `getSecret ${key}`, key);
  }

  async setSecret(key: string, value: string): Promise<void> {
    this.calls++;
    const refused = keyRefusal(key) ?? valueRefusal(value);
    if (refused) throw storageRefusal(`setSecret ${key}`, refused, 400);
    this.secrets.set(key, { json: JSON.stringify(value), expiresAt: undefined });
  }

  async deleteSecret(key: string): Promise<void> {
    this.remove(this.secrets, `deleteSecret ${key}`, key);
  }

  /** The stored value of a key, bypassing the port (as LocalKvs.peek); for test assertions. */
  peek(key: string): unknown {
    return this.value(this.entries, key);
  }

  private read<T>(map: Map<string, Entry>, operation: string, key: string): T | undefined {
    this.calls++;
    const refused = keyRefusal(key);
    if (refused) throw storageRefusal(operation, refused, 400);
    return this.value<T>(map, key);
  }

  private remove(map: Map<string, Entry>, operation: string, key: string): void {
    this.calls++;
    const refused = keyRefusal(key);
    if (refused) throw storageRefusal(operation, refused, 400);
    map.delete(key);
  }

  /** A fresh copy of the live value (JSON, as the real store returns it), or undefined. */
  private value<T>(map: Map<string, Entry>, key: string): T | undefined {
    const entry = this.live(map, key);
    return entry ? (JSON.parse(entry.json) as T) : undefined;
  }

  private live(map: Map<string, Entry>, key: string): Entry | undefined {
    const entry = map.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }
}
