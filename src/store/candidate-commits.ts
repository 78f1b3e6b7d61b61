/**
 * The candidate's commits, oldest first, 200 a value:
 *   commits:<version>:<app>:<chunk>
 * The record holds each app's count, so a rewrite deletes a longer list's stale chunks without
 * reading it back, and the release page reads only the last chunks.
 */
import type { CommitInfo } from '../release/types';
import type { KeyValueStore } from './key-value-store';
import { queryAll } from './paging';

/** Commits a stored value holds (the candidate's and a composition's checkpoints alike): ≤ about 80 KB. */
export const COMMIT_CHUNK = 200;

const chunkKey = (versionId: string, app: string, chunk: number): string =>
  `commits:${versionId}:${app}:${String(chunk).padStart(4, '0')}`;

export class CandidateCommits {
  constructor(private readonly kv: KeyValueStore) {}

  /**
   * Writes an app's commits; `previousCount` (what the record said before) tells which chunks of an
   * earlier, longer list to delete, so nothing is read back.
   */
  async put(versionId: string, app: string, commits: readonly CommitInfo[], previousCount = 0): Promise<void> {
    const chunks = Math.max(1, Math.ceil(commits.length / COMMIT_CHUNK));
    const before = Math.ceil(previousCount / COMMIT_CHUNK);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < chunks; i++)
      writes.push(this.kv.set(chunkKey(versionId, app, i), commits.slice(i * COMMIT_CHUNK, (i + 1) * COMMIT_CHUNK)));
    for (let i = chunks; i < before; i++) writes.push(this.kv.delete(chunkKey(versionId, app, i)));
    await Promise.all(writes);
  }

  /** The newest `limit` of an app's `count` stored commits (oldest first), from the last chunks only. */
  async latest(versionId: string, app: string, count: number, limit: number): Promise<CommitInfo[]> {
    const last = Math.ceil(count / COMMIT_CHUNK) - 1;
    const first = Math.max(0, Math.floor(Math.max(0, count - limit) / COMMIT_CHUNK));
    const chunks = await Promise.all(
      Array.from({ length: Math.max(0, last - first + 1) }, (_, i) =>
        this.kv.get<CommitInfo[]>(chunkKey(versionId, app, first + i)),
      ),
    );
    return chunks.flatMap((chunk) => chunk ?? []).slice(-limit);
  }

  /** Stored commits (oldest first) of chunks `first` … `first + count - 1`, and whether chunks remain after them. */
  async chunks(
    versionId: string,
    app: string,
    commitCount: number,
    first: number,
    count: number,
  ): Promise<{ commits: CommitInfo[]; more: boolean }> {
    const chunks = Math.ceil(commitCount / COMMIT_CHUNK);
    const last = Math.min(chunks, first + count);
    const read = await Promise.all(
      Array.from({ length: Math.max(0, last - first) }, (_, i) =>
        this.kv.get<CommitInfo[]>(chunkKey(versionId, app, first + i)),
      ),
    );
    return { commits: read.flatMap((chunk) => chunk ?? []), more: last < chunks };
  }

  /** All of an app's commits. */
  async all(versionId: string, app: string): Promise<CommitInfo[]> {
    return (await queryAll<CommitInfo[]>(this.kv, `commits:${versionId}:${app}:`)).flatMap((entry) => entry.value);
  }
}
