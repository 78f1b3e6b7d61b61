/**
 * The deploy gate under pressure: concurrent approvals and triggers dispatch exactly once; a fault
 * at any step is survived by later runs without a second dispatch or a duplicate attestation; a
 * failed run leaves the version unreleased with the reason on the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { faultCases, letDispatchGraceExpire } from '../support/deploy-faults';
import {
  approvalAttestations,
  approveAsBoth,
  DEV,
  errorOf,
  ok,
  PO1,
  PO2,
  prepareCandidate,
  prodDispatches,
  untilSettled,
} from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function freshWorld(): Promise<World> {
  world = await startWorld();
  world.github.world.settleAfterMs = 10;
  return world;
}

function assertReleasedOnce(w: World, versionId: string): void {
  expect(w.jira.world.version(versionId)?.released).toBe(true);
  expect(prodDispatches(w)).toBe(1);
  expect(approvalAttestations(w, w.config.kosli.releaseFlow, versionId)).toBe(1);
  for (const app of w.config.apps) {
    const trail = w.github.world.getRef(`tags/running-prod-${app.name}`);
    expect(trail).toBeDefined();
    expect(approvalAttestations(w, app.buildFlow, trail ?? '')).toBe(1);
  }
}

describe('single flight', () => {
  // 50 racing calls on two cores: a load test by design, so it gets more than the default 20 s.
  it('50 concurrent approvals and trigger runs on a satisfied release dispatch exactly once', async () => {
    const w = await freshWorld();
    const { versionId } = await prepareCandidate(w);
    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    ok(await w.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash: view.contentHash }));
    // PO2's approval in Jira's own release screen satisfies the policy for the trigger as well.
    w.jira.world.setApprover(versionId, PO2, 'APPROVED');
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? w.invoke(PO2, 'release/decide', { versionId, decision: 'approved', contentHash: view.contentHash })
        : w.runtime.runScheduledTrigger(() => w.app.scheduledCheck()),
    );
    await Promise.all(calls);
    await untilSettled(w, versionId);
    assertReleasedOnce(w, versionId);
  }, 60_000);
});

describe('faults at each step', () => {
  it.each(faultCases)(
    '$name: later runs still release, with one dispatch and one attestation',
    async ({ service, operation, faults }) => {
      const w = await freshWorld();
      const { versionId } = await prepareCandidate(w);
      service(w).injectFaults(operation, ...faults);
      await approveAsBoth(w, versionId);
      await w.drain();
      for (let i = 0; i < 8 && !w.jira.world.version(versionId)?.released; i++) {
        await letDispatchGraceExpire(w, versionId);
        await w.runTrigger();
      }
      assertReleasedOnce(w, versionId);
    },
  );
});

describe('failures that need a person', () => {
  it('a failed deploy run leaves the version unreleased with the reason on the page; retry dispatches anew', async () => {
    const w = await freshWorld();
    const { versionId } = await prepareCandidate(w);
    w.github.world.failNextRun('failure');
    await approveAsBoth(w, versionId);
    await w.drain();
    await w.runTrigger();
    const failed = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(failed.state).toBe('failed');
    expect(failed.deploy.failure?.reason).toContain('failure');
    expect(failed.deploy.failure?.transient).toBe(false);
    expect(w.jira.world.version(versionId)?.released).toBe(false);

    expect(errorOf(await w.invoke(PO1, 'release/retry', { versionId })).code).toBe('FORBIDDEN');
    ok(await w.invoke(DEV, 'release/retry', { versionId }));
    await untilSettled(w, versionId);
    expect(w.jira.world.version(versionId)?.released).toBe(true);
    expect(prodDispatches(w)).toBe(2);
  });

  it('a run refused by Kosli (no approval attestation) fails the deploy: the workflow asserts first', async () => {
    const w = await freshWorld();
    const { versionId } = await prepareCandidate(w);
    // Break the gate: the attestation type refuses data, so prod's has-release-approval cannot hold.
    w.kosli.service.injectFaults('POST /api/v2/attestations/{org}/{flow}/trail/{trail}/custom', {
      kind: 'status',
      status: 400,
      body: { message: 'schema' },
    });
    await approveAsBoth(w, versionId);
    await w.drain();
    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(view.state).toBe('failed');
    expect(view.deploy.failure?.step).toBe('attest');
    expect(prodDispatches(w)).toBe(0);
  });
});
