/**
 * An append-only log that reads newest first, a page at a time. Forge KVS queries return keys in
 * ascending order only (`kvs.query()` of @forge/kvs 1.6 has `where`, `limit` and `cursor`, no sort:
 * sorting is the Custom Entity Store's), so each entry's key holds its time inverted
 * (`<prefix><LATEST - ms>:<id>`): the newest sort first, and "the latest 100" is 5 query pages of
 * 20 whatever the log's length. The random id keeps entries of the same millisecond apart.
 */
import type { KeyValueStore } from './key-value-store';
import { QUERY_PAGE_SIZE } from './paging';

/** Later than any time in ms (year 2286), so `LATEST - ms` is 13 digits and sorts newest first. */
const LATEST = 9_999_999_999_999;

/** `at` (ISO) as a key part that sorts newest first. */
export function newestFirst(at: string): string {
  return String(LATEST - Date.parse(at)).padStart(13, '0');
}

export interface LogPage<T> {
  entries: T[];
  /** The store's cursor for the next page; undefined at the oldest entry. */
  nextCursor: string | undefined;
}

export class NewestFirstLog<T extends { at: string }> {
  constructor(
    private readonly kv: KeyValueStore,
    /** The log's key prefix, ending with its separator (`audit:<version>:`). */
    private readonly prefix: string,
    private readonly newId: () => string,
  ) {}

  async append(entry: T): Promise<void> {
    await this.kv.set(`${this.prefix}${newestFirst(entry.at)}:${this.newId().slice(0, 8)}`, entry);
  }

  /** Up to `limit` entries, newest first, from `cursor` (a page's `nextCursor`) on. */
  async page(limit: number, cursor?: string): Promise<LogPage<T>> {
    const entries: T[] = [];
    let next = cursor;
    do {
      const page = await this.kv.query<T>(this.prefix, {
        limit: Math.min(QUERY_PAGE_SIZE, limit - entries.length),
        ...(next ? { cursor: next } : {}),
      });
      entries.push(...page.results.map((r) => r.value));
      next = page.nextCursor;
    } while (next && entries.length < limit);
    return { entries, nextCursor: next };
  }

  /** Every entry, oldest first: for the few readers that need the whole log (never a page view). */
  async all(): Promise<T[]> {
    const entries: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.page(QUERY_PAGE_SIZE, cursor);
      entries.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    return entries.reverse();
  }
}
