/**
 * P3: Jira writes when refreshing a 200-issue candidate that did not change, and after 5 commits
 * with 5 new issues reached staging; ours against the original scripts re-run in the same
 * situations (each in its own world, so each finds only its own release).
 */
import type { World } from '../../sandbox/world/start-world';
import { growHistory, issueKey, startPlannedWorld, type HistoryPlan } from '../history';
import { fixVersionWrites, jiraWrites } from '../measure';
import { originalScriptsFor } from '../original-baseline';
import { developer, ok } from '../people';

export interface P3Options {
  issues: number;
  newIssues: number;
}

export interface WriteCount {
  /** Every Jira request that changed something. */
  writes: number;
  /** Of which issue edits (fix versions). */
  fix_version_writes: number;
}

export interface P3Result {
  issues: number;
  new_issues: number;
  unchanged: { ours: WriteCount; original: WriteCount; target: number };
  after_new_issues: { ours: WriteCount; original: WriteCount; target: number };
}

export const P3_DEFAULTS: P3Options = { issues: 200, newIssues: 5 };

function counted(world: World): WriteCount {
  return { writes: jiraWrites(world), fix_version_writes: fixVersionWrites(world) };
}

/** `count` more commits, one new issue each, on the first app, then staging runs them. */
function addIssues(world: World, from: number, count: number): void {
  const app = world.config.apps[0]?.name;
  if (!app) throw new Error('The world has no app');
  let head = '';
  for (let i = 0; i < count; i++) head = world.simulation.commit(app, `${issueKey(from + i)} follow-up ${i + 1}`).sha;
  world.simulation.place('staging', { [app]: head });
}

/**
 * Waits until Jira's search sees the last edits (the fake lags them by `searchLagMs`, as Jira's
 * index does): refreshes are minutes apart in real use, so each finds the previous one's fix
 * versions. Without it the original's existing-keys search misses them and rewrites every issue.
 */
async function searchCaughtUp(world: World): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, world.jira.world.searchLagMs + 20));
}

/** Runs `setup`, then counts the Jira writes of `refresh` in the two situations. */
async function writesOf(
  plan: HistoryPlan,
  options: P3Options,
  refresh: (world: World) => Promise<void>,
): Promise<{ unchanged: WriteCount; after: WriteCount }> {
  const world = await startPlannedWorld(plan, { spareIssues: options.newIssues });
  try {
    growHistory(world, plan);
    await refresh(world);
    await searchCaughtUp(world);
    world.resetCalls();
    await refresh(world);
    const unchanged = counted(world);
    addIssues(world, options.issues, options.newIssues);
    await searchCaughtUp(world);
    world.resetCalls();
    await refresh(world);
    return { unchanged, after: counted(world) };
  } finally {
    await world.stop();
  }
}

export async function measureRefreshWrites(options: P3Options = P3_DEFAULTS): Promise<P3Result> {
  // Two apps, one issue per commit.
  const plan: HistoryPlan = { apps: 2, commitsPerApp: options.issues / 2, commitsPerIssue: 1 };
  const ours = await writesOf(plan, options, async (world) => {
    ok(await world.invoke(developer(world), 'candidate/refresh', {}));
  });
  const original = await writesOf(plan, options, async (world) => {
    await originalScriptsFor(world).generateJiraRelease();
  });
  return {
    issues: options.issues,
    new_issues: options.newIssues,
    unchanged: { ours: ours.unchanged, original: original.unchanged, target: 0 },
    after_new_issues: { ours: ours.after, original: original.after, target: options.newIssues },
  };
}
