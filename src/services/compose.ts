/**
 * Composing a candidate from what runs: the two snapshots, each changed app's commits from GitHub
 * and their Jira keys from Kosli. A resolver composes inline only what fits its 25 s; a larger
 * composition is handed to the queue consumer, which composes the same way with progress and
 * checkpoints, so a crash resumes where the last one stopped.
 */
import { composeCandidate, planRelease, type AppCommits, type AppRange } from '../release/candidate';
import type { ProjectConfig } from '../release/config';
import { selectApps, type HeldBackApp } from '../release/partial';
import type { Selection } from '../release/refresh-plan';
import type { Candidate, EnvironmentSnapshot, JiraEvidence } from '../release/types';
import type { GitHubClient, PageProgress } from '../github/types';
import type { CompositionProgress } from '../contract';
import { limiter } from '../http/bounded';
import { CRITERIA_CONCURRENCY, MAX_COMMITS_PER_CALL } from '../kosli/client';
import type { KosliClient } from '../kosli/types';
import { latestSnapshot } from './project-clients';

/** Commits per app beyond which an ordinary (non-first) release is refused as implausible. */
const RANGE_LIMIT = 5000;

export type { Selection };

export interface Running {
  staging: EnvironmentSnapshot;
  prod: EnvironmentSnapshot;
  /** Every app whose staging artifact differs from prod's, chosen or not. */
  ranges: AppRange[];
}

export interface Composed {
  candidate: Candidate;
  commits: Map<string, AppCommits>;
  evidence: Map<string, JiraEvidence>;
  staging: EnvironmentSnapshot;
  prod: EnvironmentSnapshot;
  /** Apps that differ but are not chosen (partial release), and the choice itself. */
  heldBack: HeldBackApp[];
  selection: Selection;
}

/** Where a resumable composition keeps what it has read (the consumer's; none inline). */
export interface CompositionCheckpoints {
  listing(app: string): Promise<AppCommits | undefined>;
  saveListing(app: string, commits: AppCommits): Promise<void>;
  /** Every look-up saved so far: the commits asked about, and what Kosli knew of them. */
  lookups(): Promise<{ asked: Set<string>; found: Map<string, JiraEvidence> }>;
  saveLookup(asked: readonly string[], found: readonly JiraEvidence[]): Promise<void>;
}

export interface ComposeOptions {
  /**
   * Compose only when the apps' listings hold at most this many pages in all; otherwise stop once
   * every first page is read (GitHub names the last page there) and throw ComposeInBackground.
   */
  inlinePageLimit?: number;
  onProgress?: (progress: CompositionProgress) => void;
  checkpoints?: CompositionCheckpoints;
}

/** Thrown by an inline composition too large for a resolver: the caller hands it to the consumer. */
export class ComposeInBackground extends Error {
  constructor(readonly pages: number) {
    super(`The candidate's commit listings hold ${pages} pages: composed in the background.`);
    this.name = 'ComposeInBackground';
  }
}

export async function readRunning(config: ProjectConfig, kosli: KosliClient): Promise<Running> {
  const [staging, prod] = await Promise.all([
    latestSnapshot(config, kosli, 'staging'),
    latestSnapshot(config, kosli, 'prod'),
  ]);
  return { staging, prod, ranges: planRelease(config.apps, staging, prod) };
}

export function choose(
  ranges: readonly AppRange[],
  selection: Selection,
): { chosen: AppRange[]; heldBack: HeldBackApp[] } {
  return selectApps(ranges, selection?.apps ?? null, selection?.by ?? '');
}

/**
 * Stops every listing after its first page when the listings' pages add up to more than `limit`:
 * each waits until all have reported, so no app reads on while another finds the total too large.
 */
function pageGate(apps: number, limit: number): { firstPage(pages: number | null): Promise<void>; gaveUp(): void } {
  let reported = 0;
  let total = 0;
  let open: () => void = () => undefined;
  const everyone = new Promise<void>((resolve) => (open = resolve));
  const report = () => {
    reported += 1;
    if (reported >= apps) open();
  };
  return {
    async firstPage(pages) {
      // Without a rel="last" the listing is followed page by page: counted as the limit's worth.
      total += pages ?? limit + 1;
      report();
      if (total <= limit) await everyone;
      if (total > limit) throw new ComposeInBackground(total);
    },
    gaveUp: report,
  };
}

/** Reads what runs and composes the candidate: 2 snapshot reads, ⌈C/100⌉ commit pages per app, ⌈C/100⌉ Kosli lookups. */
export async function composeFromWorld(
  config: ProjectConfig,
  kosli: KosliClient,
  github: GitHubClient,
  selection: Selection,
  known: Running | undefined,
  options: ComposeOptions = {},
): Promise<Composed> {
  const { staging, prod, ranges: differing } = known ?? (await readRunning(config, kosli));
  const { chosen: ranges, heldBack } = choose(differing, selection);
  const { checkpoints, onProgress } = options;
  const resumed = checkpoints
    ? await checkpoints.lookups()
    : { asked: new Set<string>(), found: new Map<string, JiraEvidence>() };
  const progress: CompositionProgress = {
    apps: ranges.length,
    appsListed: 0,
    pagesRead: 0,
    pagesTotal: 0,
    commits: 0,
    lookupsDone: 0,
    lookupsTotal: 0,
    keysFound: 0,
  };
  const tell = () => onProgress?.({ ...progress });
  const gate = options.inlinePageLimit === undefined ? null : pageGate(ranges.length, options.inlinePageLimit);
  // Kosli is asked about each full hundred of commits as soon as an app's listing ends, so the
  // lookups overlap the other apps' GitHub pages and still number ⌈commits/100⌉.
  const seen = new Set<string>(resumed.asked);
  const keys = new Set<string>();
  const foundKeys = (evidence: Iterable<JiraEvidence>) => {
    for (const e of evidence) for (const k of e.keys) if (k.exists) keys.add(k.key);
    progress.keysFound = keys.size;
  };
  foundKeys(resumed.found.values());
  const waiting: string[] = [];
  const lookups: Promise<Map<string, JiraEvidence>>[] = [];
  // One call per hundred commits (what Kosli answers at most), each saved as it lands; at most as many
  // at once as one bulk call of the Kosli client would make.
  const bounded = limiter(CRITERIA_CONCURRENCY);
  let stopped = false;
  const lookUp = (count: number) => {
    for (const asked of batches(waiting.splice(0, count))) {
      progress.lookupsTotal += 1;
      const lookup = bounded(async () => {
        // After a failure nothing new starts: the composition ends once what is in flight has.
        if (stopped) throw new Error('composition stopped');
        return kosli.jiraEvidence(config.kosli.sourceFlow, asked);
      }).then(async (result) => {
        await checkpoints?.saveLookup(asked, [...result.values()]);
        progress.lookupsDone += 1;
        foundKeys(result.values());
        tell();
        return result;
      });
      lookup.catch(() => (stopped = true)); // observed below, once every listing has ended
      lookups.push(lookup);
    }
  };
  const listOne = async (range: AppRange): Promise<AppCommits> => {
    const saved = await checkpoints?.listing(range.app.name);
    if (saved) {
      const pages = Math.max(1, Math.ceil(saved.commits.length / MAX_COMMITS_PER_CALL));
      progress.pagesRead += pages;
      progress.pagesTotal += pages;
      return saved;
    }
    let counted = 0;
    const list = await commitsFor(
      github,
      range,
      config.release.firstReleaseCommitLimit,
      async ({ read, total }: PageProgress) => {
        if (read === 1) {
          progress.pagesTotal += total ?? 1;
          counted = total ?? 1;
          await gate?.firstPage(total);
        } else if (total === null || total > counted) {
          progress.pagesTotal += (total ?? read) - counted;
          counted = total ?? read;
        }
        progress.pagesRead += 1;
        tell();
      },
    ).catch((error: unknown) => {
      if (counted === 0) gate?.gaveUp();
      throw error;
    });
    await checkpoints?.saveListing(range.app.name, list);
    return list;
  };
  const listed = await Promise.allSettled(
    ranges.map(async (range) => {
      const list = await listOne(range);
      for (const commit of list.commits) {
        if (seen.has(commit.sha)) continue;
        seen.add(commit.sha);
        waiting.push(commit.sha);
      }
      progress.appsListed += 1;
      progress.commits += list.commits.length;
      lookUp(waiting.length - (waiting.length % MAX_COMMITS_PER_CALL));
      tell();
      return list;
    }),
  );
  const listingFailure = listed.find((outcome) => outcome.status === 'rejected');
  if (listingFailure) stopped = true;
  else lookUp(waiting.length);
  // Every started call ends before the composition does, so nothing runs on unobserved (or writes a
  // checkpoint after a failed run's successor began); the first failure is the one reported.
  const looked = await Promise.allSettled(lookups);
  const failure = listingFailure ?? looked.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  const commitLists = listed.map((outcome) =>
    outcome.status === 'fulfilled' ? outcome.value : { commits: [], baseFound: false, truncated: false },
  );
  const evidence = new Map<string, JiraEvidence>([
    ...resumed.found,
    ...looked.flatMap((outcome) => (outcome.status === 'fulfilled' ? [...outcome.value] : [])),
  ]);
  const commits = new Map(
    ranges.map((range, i) => [range.app.name, commitLists[i] ?? { commits: [], baseFound: false, truncated: false }]),
  );
  return {
    candidate: composeCandidate(ranges, commits, evidence),
    commits,
    evidence,
    staging,
    prod,
    heldBack,
    selection,
  };
}

function batches(shas: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < shas.length; i += MAX_COMMITS_PER_CALL) out.push(shas.slice(i, i + MAX_COMMITS_PER_CALL));
  return out;
}

function commitsFor(
  github: GitHubClient,
  range: AppRange,
  firstReleaseLimit: number,
  onPage: (progress: PageProgress) => Promise<void>,
): Promise<AppCommits> {
  const from = range.from;
  const since = from?.commitTimestamp != null ? new Date(from.commitTimestamp * 1000).toISOString() : null;
  return github
    .commitsTouchingPath({
      head: range.to.commit,
      base: from?.commit ?? null,
      path: range.app.path,
      since,
      limit: from ? RANGE_LIMIT : firstReleaseLimit,
      onPage,
    })
    .then((found) => ({ commits: found.commits, baseFound: found.baseFound, truncated: found.truncated }));
}
