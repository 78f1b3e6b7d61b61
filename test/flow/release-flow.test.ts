/**
 * The whole release through the real handlers on the local runtime and the fakes: promote, create
 * the candidate, approve, deploy, verify prod, release in Jira — once with approvals given in the
 * app, once with approvals given in Jira's own release screen and found by the scheduled trigger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { approveAsBoth, ok, PO1, PO2, prepareCandidate, prodDispatches, untilSettled } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function expectReleased(w: World, versionId: string): Promise<void> {
  const final = ok(await w.invoke(PO1, 'release/get', { versionId }));
  expect(final.deploy.failure).toBeNull();
  expect(final.state).toBe('released');
  expect(final.deploy.verification?.ok).toBe(true);
  expect(w.jira.world.version(versionId)?.released).toBe(true);
  for (const artifact of final.artifacts) {
    expect(w.github.world.getRef(`tags/running-prod-${artifact.app}`)).toBe(artifact.commit);
  }
  expect(prodDispatches(w)).toBe(1);
  expect(w.jira.world.relatedWorkOf(versionId).map((r) => r.title)).toContain(`Deploy run ${final.deploy.runId}`);
}

describe('release flow', () => {
  it('approved in the app: the queue deploys, prod is verified, the version is released', async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    const created = await prepareCandidate(world);
    expect(created.created).toBe(true);
    expect(created.addedKeys).toEqual(['OPS-11', 'OPS-12']);
    await approveAsBoth(world, created.versionId);
    // Prod's report comes with Kosli's next periodic report, maybe after the queue's chain ended.
    await untilSettled(world, created.versionId);
    await expectReleased(world, created.versionId);
  });

  it("approved in Jira's release screen: the next scheduled run deploys", async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    const created = await prepareCandidate(world);
    world.jira.world.setApprover(created.versionId, PO1, 'APPROVED');
    world.jira.world.setApprover(created.versionId, PO2, 'APPROVED');
    await world.runTrigger();
    await expectReleased(world, created.versionId);
    const view = ok(await world.invoke(PO1, 'release/get', { versionId: created.versionId }));
    expect(view.approvals.decisions.map((d) => d.source)).toEqual(['jira', 'jira']);
  });
});
