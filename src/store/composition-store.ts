/**
 * A background composition's progress and checkpoints:
 *   progress:<version>                              what the composition has done (the page's progress bar)
 *   staged:<version>:<run>:list:<app>               an app's finished listing: counts and chunk count
 *   staged:<version>:<run>:list:<app>:<chunk>       its commits, 200 a value
 *   staged:<version>:<run>:lookup:<sha12>           one Kosli look-up: the commits asked about and their keys
 * `<run>` names what runs in staging and prod (and the apps chosen), so a checkpoint of another
 * world is never resumed from. Written only by the holder of the release's lease; all of a
 * release's `staged:` values are deleted once its content is recorded.
 */
import type { CompositionProgress } from '../contract';
import type { AppCommits } from '../release/candidate';
import type { CommitInfo, JiraEvidence } from '../release/types';
import type { KeyValueStore } from './key-value-store';
import { COMMIT_CHUNK } from './candidate-commits';
import { queryAll } from './paging';

/** Deletes at once when a composition is cleaned up. */
const DELETE_CONCURRENCY = 10;

export type { CompositionProgress };

export interface CompositionStatus {
  startedAt: string;
  updatedAt: string;
  /** Consumer runs that worked on it (a failed or killed run is followed by another). */
  attempts: number;
  progress: CompositionProgress | null;
  /** Why the last run stopped, when it failed (scrubbed of tokens). */
  error: string | null;
}

interface ListingHeader {
  baseFound: boolean;
  truncated: boolean;
  count: number;
}

interface SavedLookup {
  asked: string[];
  found: JiraEvidence[];
}

const pad = (n: number): string => String(n).padStart(4, '0');

export class CompositionStore {
  constructor(private readonly kv: KeyValueStore) {}

  status(versionId: string): Promise<CompositionStatus | undefined> {
    return this.kv.get<CompositionStatus>(`progress:${versionId}`);
  }

  async setStatus(versionId: string, status: CompositionStatus): Promise<void> {
    await this.kv.set(`progress:${versionId}`, status);
  }

  async listing(versionId: string, run: string, app: string): Promise<AppCommits | undefined> {
    const header = await this.kv.get<ListingHeader>(`staged:${versionId}:${run}:list:${app}`);
    if (!header) return undefined;
    const chunks = await Promise.all(
      Array.from({ length: Math.ceil(header.count / COMMIT_CHUNK) }, (_, i) =>
        this.kv.get<CommitInfo[]>(`staged:${versionId}:${run}:list:${app}:${pad(i)}`),
      ),
    );
    // A missing chunk (deleted under us) means the listing is read again, never half-used.
    if (chunks.some((chunk) => chunk === undefined)) return undefined;
    return {
      commits: chunks.flatMap((chunk) => chunk ?? []),
      baseFound: header.baseFound,
      truncated: header.truncated,
    };
  }

  /** The chunks first, the header last: a header always names complete chunks. */
  async saveListing(versionId: string, run: string, app: string, list: AppCommits): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < list.commits.length; i += COMMIT_CHUNK) {
      writes.push(
        this.kv.set(
          `staged:${versionId}:${run}:list:${app}:${pad(i / COMMIT_CHUNK)}`,
          list.commits.slice(i, i + COMMIT_CHUNK),
        ),
      );
    }
    await Promise.all(writes);
    const header: ListingHeader = { baseFound: list.baseFound, truncated: list.truncated, count: list.commits.length };
    await this.kv.set(`staged:${versionId}:${run}:list:${app}`, header);
  }

  async lookups(versionId: string, run: string): Promise<{ asked: Set<string>; found: Map<string, JiraEvidence> }> {
    const asked = new Set<string>();
    const found = new Map<string, JiraEvidence>();
    for (const { value } of await queryAll<SavedLookup>(this.kv, `staged:${versionId}:${run}:lookup:`)) {
      for (const sha of value.asked) asked.add(sha);
      for (const evidence of value.found) found.set(evidence.sha, evidence);
    }
    return { asked, found };
  }

  async saveLookup(
    versionId: string,
    run: string,
    asked: readonly string[],
    found: readonly JiraEvidence[],
  ): Promise<void> {
    const first = asked[0];
    if (first === undefined) return;
    const saved: SavedLookup = { asked: [...asked], found: [...found] };
    await this.kv.set(`staged:${versionId}:${run}:lookup:${first.slice(0, 12)}`, saved);
  }

  /** Deletes the progress and every checkpoint of the release, of any run. */
  async clear(versionId: string): Promise<void> {
    const keys = (await queryAll<unknown>(this.kv, `staged:${versionId}:`)).map(({ key }) => key);
    for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
      await Promise.all(keys.slice(i, i + DELETE_CONCURRENCY).map((key) => this.kv.delete(key)));
    }
    await this.kv.delete(`progress:${versionId}`);
  }
}
