/**
 * P4: outbound calls of one scheduled run with nothing to do: the project has 20 unreleased
 * versions (ours, the open candidate with no approval yet, and 19 that are not ours). The
 * original's counterpart is release-to-prod's approval check (its cron is commented out upstream;
 * this is what one run of it costs).
 */
import { growHistory, startPlannedWorld } from '../history';
import { type CallCounts } from '../measure';
import { originalScriptsFor } from '../original-baseline';
import { developer, ok } from '../people';

export interface P4Options {
  otherVersions: number;
}

export interface P4Result {
  ours: number;
  ours_by_system: CallCounts;
  ours_storage_calls: number;
  original: number;
  /** What the original's check concluded about the first unreleased version. */
  original_outcome: string;
  open_versions: number;
  target: number;
}

export const P4_DEFAULTS: P4Options = { otherVersions: 19 };

export async function measureTriggerCalls(options: P4Options = P4_DEFAULTS): Promise<P4Result> {
  const plan = { apps: 2, commitsPerApp: 10, commitsPerIssue: 5 };
  const world = await startPlannedWorld(plan);
  try {
    growHistory(world, plan);
    ok(await world.invoke(developer(world), 'candidate/refresh', {}));
    for (let i = 1; i <= options.otherVersions; i++)
      world.jira.world.addVersion({ project: world.scenario.project.key, name: `other-team-${i}` });
    const open = world.jira.world.versionsOf(world.scenario.project.key).filter((v) => !v.released).length;

    // A first run fills the user cache, as every run after the first finds it.
    await world.runTrigger();
    world.resetCalls();
    const storageBefore = world.runtime.storage.calls;
    await world.runTrigger();
    const ours = world.calls();
    const storageCalls = world.runtime.storage.calls - storageBefore;

    world.resetCalls();
    const outcome = await originalScriptsFor(world).checkApprovedRelease();
    return {
      ours: ours.total,
      ours_by_system: ours,
      ours_storage_calls: storageCalls,
      original: world.calls().total,
      original_outcome: outcome,
      open_versions: open,
      target: 3,
    };
  } finally {
    await world.stop();
  }
}
