/**
 * Reading a key family page by page. Forge returns at most 20 entries per query page (the query
 * reference: "up to a maximum of 20"), so every repository that lists a family follows the cursor.
 */
import type { KeyValueStore } from './key-value-store';

export const QUERY_PAGE_SIZE = 20;

/** Every entry under a prefix, in key order, following the cursor to the end. */
export async function queryAll<T>(kv: KeyValueStore, prefix: string): Promise<{ key: string; value: T }[]> {
  return queryUpTo<T>(kv, prefix, Number.POSITIVE_INFINITY);
}

/** The first `limit` entries under a prefix, in key order, reading no page more than needed. */
export async function queryUpTo<T>(
  kv: KeyValueStore,
  prefix: string,
  limit: number,
): Promise<{ key: string; value: T }[]> {
  const out: { key: string; value: T }[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.query<T>(prefix, {
      limit: Math.min(QUERY_PAGE_SIZE, limit - out.length),
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor && out.length < limit);
  return out;
}

/** The values of every entry under a prefix, in key order. */
export async function valuesUnder<T>(kv: KeyValueStore, prefix: string): Promise<T[]> {
  return (await queryAll<T>(kv, prefix)).map((entry) => entry.value);
}
