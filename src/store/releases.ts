/**
 * The release records, and a summary of each that sorts newest first:
 *   release:<project>:<version>                     the record (ReleaseRecord); written only by the
 *                                                   holder of the release's lock
 *   summary:<project>:<inverted creation time>:<version>  its line on the project page (ReleaseSummaryRecord)
 * The summary key inverts the creation time, so the project page reads its latest releases in one
 * query page and no value lists them all.
 */
import { AppError } from '../errors';
import type { KeyValueStore } from './key-value-store';
import { queryUpTo, valuesUnder, QUERY_PAGE_SIZE } from './paging';
import { summarise, type ReleaseRecord, type ReleaseSummaryRecord } from './records';
import { newestFirst } from './newest-first-log';

/** Releases the project page lists (one query page). */
const RECENT_RELEASES = QUERY_PAGE_SIZE;

function summaryKey(record: Pick<ReleaseRecord, 'projectKey' | 'versionId' | 'createdAt'>): string {
  return `summary:${record.projectKey}:${newestFirst(record.createdAt)}:${record.versionId}`;
}

export class Releases {
  constructor(private readonly kv: KeyValueStore) {}

  get(projectKey: string, versionId: string): Promise<ReleaseRecord | undefined> {
    return this.kv.get<ReleaseRecord>(`release:${projectKey}:${versionId}`);
  }

  /** The record of a release the caller knows the app owns (its slot names it): missing is a fault. */
  async owned(projectKey: string, versionId: string): Promise<ReleaseRecord> {
    const record = await this.get(projectKey, versionId);
    if (!record) throw new AppError('INTERNAL', `The app's record of version ${versionId} is missing.`);
    return record;
  }

  /** Writes the record and, alongside, its summary. */
  async put(record: ReleaseRecord): Promise<void> {
    await Promise.all([
      this.kv.set(`release:${record.projectKey}:${record.versionId}`, record),
      this.kv.set(summaryKey(record), summarise(record)),
    ]);
  }

  /** The project's latest `limit` releases, newest first (the project page's: one query page). */
  async recent(projectKey: string, limit = RECENT_RELEASES): Promise<ReleaseSummaryRecord[]> {
    return (await queryUpTo<ReleaseSummaryRecord>(this.kv, `summary:${projectKey}:`, limit)).map(
      (entry) => entry.value,
    );
  }

  /** Every record, optionally of one project (questions asked across projects: the JQL functions). */
  all(projectKey?: string): Promise<ReleaseRecord[]> {
    return valuesUnder<ReleaseRecord>(this.kv, projectKey === undefined ? 'release:' : `release:${projectKey}:`);
  }
}
