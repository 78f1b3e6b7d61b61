/**
 * "Where does this issue run?" through the real resolver: an issue in staging (candidate), the same
 * issue in prod after the release, an issue in no release, and the upstream budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueContextView } from '../../src/contract';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { approveAsBoth, DEV, errorOf, ok, prepareCandidate, untilSettled } from '../support/flow';

let world: World;
let versionId: string;
beforeAll(async () => {
  world = await startWorld();
  world.github.world.settleAfterMs = 20;
  ({ versionId } = await prepareCandidate(world));
  // Jira indexes the candidate's fix-version edits asynchronously: a person opens the issue panel
  // once its search sees them.
  await new Promise((resolve) => setTimeout(resolve, world.jira.world.searchLagMs + 20));
});
afterAll(() => world.stop());

function env(view: IssueContextView, role: 'dev' | 'staging' | 'prod') {
  const found = view.environments.find((e) => e.role === role);
  if (!found) throw new Error(`no ${role} row`);
  return found;
}

describe('issue context', () => {
  it('an issue of the candidate runs in dev and staging (verified), not yet in prod, and shows its release', async () => {
    world.resetCalls();
    const view = ok(await world.invoke(DEV, 'issue/context', { issueKey: 'OPS-11' }));
    // One Jira read as the user and the three snapshots: the rest is stored state.
    expect(world.calls().total).toBeLessThanOrEqual(4);
    expect(view.release).toMatchObject({ versionId, state: 'open', released: false });
    expect(view.release?.approval.summary).toContain('Awaiting approval: 0 of 2');
    expect(view.release?.releasePageUrl).toContain(versionId);
    expect(env(view, 'staging')).toMatchObject({ status: 'running', sinceSource: 'verified' });
    expect(env(view, 'staging').apps).toEqual([
      expect.objectContaining({ app: 'backend', exact: true, compliant: true }),
    ]);
    expect(env(view, 'dev').status).toBe('running');
    expect(env(view, 'prod')).toMatchObject({ status: 'not-running', since: null });
    expect(env(view, 'prod').summary).toContain('not in');
  });

  it('after the release the issue runs in prod, since Kosli verified it', async () => {
    await approveAsBoth(world, versionId);
    await untilSettled(world, versionId);
    const view = ok(await world.invoke(DEV, 'issue/context', { issueKey: 'OPS-12' }));
    expect(view.release).toMatchObject({ state: 'released', released: true });
    expect(view.release?.deploy).toContain('Released');
    expect(env(view, 'prod')).toMatchObject({ status: 'running', sinceSource: 'verified' });
    expect(env(view, 'prod').apps.map((a) => a.app)).toEqual(['frontend']);
  });

  it('says plainly when an issue is in no tracked release, and refuses an unknown issue', async () => {
    const untracked = ok(await world.invoke(DEV, 'issue/context', { issueKey: 'OPS-13' }));
    expect(untracked.release).toBeNull();
    expect(untracked.environments).toEqual([]);
    expect(untracked.notes.join(' ')).toContain('no evidence');
    expect(errorOf(await world.invoke(DEV, 'issue/context', { issueKey: 'OPS-999' })).code).toBe('NOT_FOUND');
    expect(errorOf(await world.invoke(DEV, 'issue/context', { issueKey: 'not a key' })).code).toBe('INVALID_INPUT');
  });
});
