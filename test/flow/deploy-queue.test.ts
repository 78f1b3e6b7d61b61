/**
 * The deploy consumer never sleeps in its invocation and never drops a job: a release waiting on a
 * run is re-queued with a delay, a release another worker holds is re-queued for just after that
 * worker's lease runs out, and a chain of re-queued jobs is bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { PO1, PO2, prepareCandidate, prodDispatches, untilSettled } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function approvedInJira(): Promise<{
  w: World;
  versionId: string;
  job: { body: { projectKey: string; versionId: string; reason: string } };
}> {
  const w = (world = await startWorld());
  const { versionId } = await prepareCandidate(w);
  w.jira.world.setApprover(versionId, PO1, 'APPROVED');
  w.jira.world.setApprover(versionId, PO2, 'APPROVED');
  return { w, versionId, job: { body: { projectKey: 'OPS', versionId, reason: 'test' } } };
}

describe('the deploy consumer', () => {
  it('re-queues a release whose run is in progress with a delay, and the later job releases it', async () => {
    const { w, versionId, job } = await approvedInJira();
    const started = Date.now();
    const answer = await w.app.deployConsumer(job);
    expect(answer).toEqual({ ok: true, state: 'dispatched', requeuedInSeconds: 10 });
    expect(Date.now() - started).toBeLessThan(10_000);
    await w.github.world.settleRuns();
    await untilSettled(w, versionId);
    expect(w.jira.world.version(versionId)?.released).toBe(true);
    expect(prodDispatches(w)).toBe(1);
    const hops = w.runtime.queueDeliveries.filter((d) => d.body['versionId'] === versionId).map((d) => d.body['hops']);
    expect(hops[0]).toBe(1);
  });

  it('re-queues a job that finds the release leased for just after the lease, in a bounded chain', async () => {
    const { w, versionId, job } = await approvedInJira();
    const { LEASE_SECONDS } = await import('../../src/services/release-lock');
    const { MAX_HOPS } = await import('../../src/jobs/deploy-consumer');
    expect(await w.store.locks.acquire(versionId, 'another-worker', new Date().toISOString(), LEASE_SECONDS)).toBe(
      true,
    );

    const answer = await w.app.deployConsumer(job);
    expect(answer).toMatchObject({ ok: true, state: 'leased' });
    expect(answer.requeuedInSeconds).toBeGreaterThan(LEASE_SECONDS - 10);
    expect(answer.requeuedInSeconds).toBeLessThanOrEqual(LEASE_SECONDS + 2);
    // This runtime delivers delayed jobs at once: each finds the lease again, until the chain ends.
    await w.drain();
    const hops = w.runtime.queueDeliveries.filter((d) => d.body['versionId'] === versionId).map((d) => d.body['hops']);
    expect(hops.at(-1)).toBe(MAX_HOPS);
    expect(prodDispatches(w)).toBe(0);

    // The holder lets go: the next job (here the scheduled check's) deploys.
    await w.store.locks.release(versionId, 'another-worker');
    w.github.world.settleAfterMs = 10;
    for (let i = 0; i < 3 && !w.jira.world.version(versionId)?.released; i++) await w.runTrigger();
    expect(w.jira.world.version(versionId)?.released).toBe(true);
    expect(prodDispatches(w)).toBe(1);
  });

  it('the scheduled check reports a held release in neutral words and schedules a look after the lease', async () => {
    const { w, versionId } = await approvedInJira();
    const { LEASE_SECONDS } = await import('../../src/services/release-lock');
    expect(await w.store.locks.acquire(versionId, 'another-worker', new Date().toISOString(), LEASE_SECONDS)).toBe(
      true,
    );
    const before = w.runtime.queueDeliveries.length;
    const out = await w.runtime.runScheduledTrigger(() => w.app.scheduledCheck());
    expect(JSON.stringify(out)).toMatch(
      /deploy in progress \(a worker holds the release for up to \d+ s more; checking again then\)/,
    );
    expect(JSON.stringify(out)).not.toMatch(/locked/i);
    await w.drain();
    expect(w.runtime.queueDeliveries.length).toBeGreaterThan(before);
  });
});
