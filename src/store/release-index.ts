/**
 * Every release record of every project, for questions asked across projects (the JQL functions).
 * Reads the same `release:<project>:<version>` keys the ReleaseStore writes; never writes.
 */
import type { KeyValueStore } from './key-value-store';
import type { ReleaseRecord } from './release-store';

/** Forge storage returns at most 20 entries per query page (the same figure as the ReleaseStore's). */
const QUERY_PAGE_SIZE = 20;

export class ReleaseIndex {
  constructor(private readonly kv: KeyValueStore) {}

  /** All release records, optionally of one project, following the cursor to the end. */
  async all(projectKey?: string): Promise<ReleaseRecord[]> {
    const prefix = projectKey === undefined ? 'release:' : `release:${projectKey}:`;
    const out: ReleaseRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.query<ReleaseRecord>(prefix, { limit: QUERY_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      out.push(...page.results.map((r) => r.value));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}
