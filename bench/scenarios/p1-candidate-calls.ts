/**
 * P1: outbound calls (Jira + Kosli + GitHub) to compose and create a candidate, for A apps with C
 * commits EACH (A·C commits in the release, about one Jira issue per ten commits), ours against
 * the original scripts' per-commit strategy, on the same world.
 *
 * The original runs first, then ours (ours never reads "the first unreleased version", so the
 * original's version does not change what ours does). Fix-version writes are counted apart: the
 * original makes one edit per key; ours too below 50 keys, and from 50 keys one bulk edit per 1,000
 * where the app holds Make bulk changes (the fake Jira's app does).
 */
import type { World } from '../../sandbox/world/start-world';
import { growHistory, startPlannedWorld, type HistoryPlan } from '../history';
import {
  fixVersionCalls,
  fixVersionRequests,
  fixVersionWrites,
  round,
  timed,
  until,
  type CallCounts,
} from '../measure';
import { originalScriptsFor } from '../original-baseline';
import { developer } from '../people';

export interface P1Case {
  apps: number;
  commits: number;
}

export interface P1Result {
  apps: number;
  /** Commits per app. */
  commits: number;
  /** Distinct Jira keys in the release. */
  issues: number;
  /** Every outbound call of ours. */
  ours: number;
  ours_fix_version_writes: number;
  /** Requests that wrote fix versions: single edits plus bulk edit submissions. */
  ours_fix_version_requests: number;
  /** Ours less every fix-version call (those requests, bulk task polls, the Make bulk changes check). */
  ours_without_fix_versions: number;
  ours_by_system: CallCounts;
  original: number;
  original_fix_version_writes: number;
  original_without_fix_versions: number;
  original_by_system: CallCounts;
  /** 8 + 2·A·⌈C/100⌉. */
  target: number;
  /** Wall time at zero injected latency on this machine (not a figure; shows the cost of sequential calls). */
  ours_ms: number;
  original_ms: number;
  /** Ours ran past Forge's 25 s resolver limit in the local runtime (then ran on to be counted). */
  ours_hit_resolver_limit: boolean;
}

export const P1_CASES: readonly P1Case[] = [
  { apps: 2, commits: 10 },
  { apps: 2, commits: 100 },
  { apps: 2, commits: 1000 },
  { apps: 10, commits: 10 },
  { apps: 10, commits: 100 },
  { apps: 10, commits: 1000 },
];

export function p1Target({ apps, commits }: P1Case): number {
  return 8 + 2 * apps * Math.ceil(commits / 100);
}

const RESOLVER_LIMIT = 'invocation time limit';

/** Whether the release trail got staging-software: the last upstream call of a create. */
function stagingSoftwareRecorded(world: World): boolean {
  return (
    world.kosli.service.countWhere(
      (e) => e.method === 'POST' && e.route.endsWith('/custom') && e.requestBody.includes('staging-software'),
    ) > 0
  );
}

/**
 * Runs candidate/refresh as the developer. When the local runtime stops waiting at Forge's 25 s
 * limit, the handler runs on (nothing can cancel it); the bench waits for its last upstream call
 * and its storage writes to count the calls the create needs.
 */
async function createCandidate(world: World): Promise<{ hitLimit: boolean }> {
  try {
    const result = await world.invoke(developer(world), 'candidate/refresh', {});
    if (!result.ok) throw new Error(`candidate/refresh: ${result.error.code}: ${result.error.message}`);
    return { hitLimit: false };
  } catch (error) {
    if (!(error instanceof Error && error.message.includes(RESOLVER_LIMIT))) throw error;
    await until(() => stagingSoftwareRecorded(world), 15 * 60_000, 'the create to finish after the resolver limit');
    let storageCalls = -1;
    await until(
      () => {
        const quiet = world.runtime.storage.calls === storageCalls;
        storageCalls = world.runtime.storage.calls;
        return quiet;
      },
      60_000,
      'storage to settle',
    );
    return { hitLimit: true };
  }
}

export async function measureCandidateCalls(cases: readonly P1Case[] = P1_CASES): Promise<P1Result[]> {
  const results: P1Result[] = [];
  for (const c of cases) {
    const plan: HistoryPlan = { apps: c.apps, commitsPerApp: c.commits, commitsPerIssue: 10 };
    const world = await startPlannedWorld(plan);
    try {
      const history = growHistory(world, plan);

      world.resetCalls();
      const original = await timed(() => originalScriptsFor(world).generateJiraRelease());
      if (original.value.keys.length !== history.keys.length) {
        throw new Error(
          `The original found ${original.value.keys.length} keys, the history has ${history.keys.length}`,
        );
      }
      const originalCalls = world.calls();
      const originalWrites = fixVersionWrites(world);

      // Both name their version by UTC time to the second: the same name twice is refused by Jira.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
      world.resetCalls();
      const ours = await timed(() => createCandidate(world));
      const ourCalls = world.calls();
      const ourWrites = fixVersionWrites(world);
      if (ourWrites !== history.keys.length)
        throw new Error(`Ours wrote ${ourWrites} fix versions for ${history.keys.length} keys`);

      results.push({
        apps: c.apps,
        commits: c.commits,
        issues: history.keys.length,
        ours: ourCalls.total,
        ours_fix_version_writes: ourWrites,
        ours_fix_version_requests: fixVersionRequests(world),
        ours_without_fix_versions: ourCalls.total - fixVersionCalls(world),
        ours_by_system: ourCalls,
        original: originalCalls.total,
        original_fix_version_writes: originalWrites,
        original_without_fix_versions: originalCalls.total - originalWrites,
        original_by_system: originalCalls,
        target: p1Target(c),
        ours_ms: round(ours.ms),
        original_ms: round(original.ms),
        ours_hit_resolver_limit: ours.value.hitLimit,
      });
    } finally {
      await world.stop();
    }
  }
  return results;
}
