/**
 * A rollback keeps the guarantees of a forward release: racing approvals and triggers dispatch it
 * exactly once, and a fault at any deploy step is survived by later runs with one dispatch and one
 * approval attestation on the rollback's trail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { faultCases, letDispatchGraceExpire } from '../support/deploy-faults';
import { approvalAttestations, DEV, ok, PO1, prodDispatches, untilSettled } from '../support/flow';
import { oneApproverRollbackPolicy, prodTags, releaseThroughGate, untilNextSecond } from '../support/releases';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const REASON = 'Checkout errors since the new ranking';

/** Two releases, then a rollback to the first, open for approval. */
async function openRollback(): Promise<{
  w: World;
  versionId: string;
  contentHash: string;
  firstTags: Record<string, string | undefined>;
}> {
  const w = await startWorld({ adjustConfig: oneApproverRollbackPolicy(PO1) });
  world = w;
  w.github.world.settleAfterMs = 10;
  const first = await releaseThroughGate(w, {
    backend: 'OPS-11 faster search',
    frontend: 'OPS-12 fix checkout button',
  });
  const firstTags = prodTags(w);
  await releaseThroughGate(w, {
    backend: 'OPS-13 new search ranking',
    frontend: 'OPS-13 delivery estimate in checkout',
  });
  await untilNextSecond();
  const { versionId, contentHash } = ok(await w.invoke(DEV, 'release/rollback', { versionId: first, reason: REASON }));
  return { w, versionId, contentHash, firstTags };
}

function assertRolledBackOnce(w: World, versionId: string, firstTags: Record<string, string | undefined>): void {
  expect(w.jira.world.version(versionId)?.released).toBe(true);
  // Two forward releases and the rollback.
  expect(prodDispatches(w)).toBe(3);
  expect(approvalAttestations(w, w.config.kosli.releaseFlow, versionId)).toBe(1);
  expect(prodTags(w)).toEqual(firstTags);
}

describe('rollback single flight', () => {
  // 50 racing calls on two cores after two whole releases: a load test by design, so it gets more than the default 20 s.
  it('50 concurrent approvals and trigger runs dispatch the rollback exactly once', async () => {
    const { w, versionId, contentHash, firstTags } = await openRollback();
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? w.invoke(PO1, 'release/decide', { versionId, decision: 'approved', reason: REASON, contentHash })
        : w.runtime.runScheduledTrigger(() => w.app.scheduledCheck()),
    );
    await Promise.all(calls);
    await untilSettled(w, versionId);
    assertRolledBackOnce(w, versionId, firstTags);
  }, 90_000);
});

describe('rollback faults at each step', () => {
  it.each(faultCases)(
    '$name: later runs still roll back, with one dispatch and one attestation',
    async ({ service, operation, faults }) => {
      const { w, versionId, contentHash, firstTags } = await openRollback();
      service(w).injectFaults(operation, ...faults);
      ok(await w.invoke(PO1, 'release/decide', { versionId, decision: 'approved', reason: REASON, contentHash }));
      await w.drain();
      for (let i = 0; i < 8 && !w.jira.world.version(versionId)?.released; i++) {
        await letDispatchGraceExpire(w, versionId);
        await w.runTrigger();
      }
      assertRolledBackOnce(w, versionId, firstTags);
    },
    60_000,
  );
});
