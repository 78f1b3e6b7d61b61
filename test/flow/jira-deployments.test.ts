/**
 * What Jira's Deployments API receives through a release: staging deployments once Kosli's staging
 * snapshot runs the candidate, production only after prod is verified, and a failed deploy as
 * failed. Driven through the real handlers on the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jiraDeploymentsOf, type StoredDeployment } from '../../sandbox/fakes/jira/deployments-api';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { theWorker } from '../support/worker';
import { approveAsBoth, DEV, ok, PO1, PO2, prepareCandidate, untilSettled } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

function received(w: World, type: 'staging' | 'production'): StoredDeployment[] {
  return jiraDeploymentsOf(w.jira.world).filter((d) => (d.data.environment as { type: string }).type === type);
}

describe('deployments reported to Jira', () => {
  it('promote → staging deployment for the candidate issues; release → production only after verification', async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    world.simulation.commit('backend', 'OPS-11 faster search');
    // Kosli reports environments periodically: dev shows the build with its next report.
    await world.simulation.nextReport();
    ok(await world.invoke(DEV, 'staging/promote', {}));
    // Dispatched, not yet running in staging: nothing to report.
    expect(jiraDeploymentsOf(world.jira.world)).toEqual([]);
    await world.github.world.settleRuns();
    // Staging shows the deploy with Kosli's next report.
    await world.simulation.nextReport();
    const created = ok(await world.invoke(DEV, 'candidate/refresh', {}));

    const [staging, ...more] = received(world, 'staging');
    expect(more).toEqual([]);
    expect(staging?.issueKeys).toEqual(['OPS-11']);
    expect(staging?.data).toMatchObject({ state: 'successful', label: created.name, environment: { id: 'staging' } });
    expect(String(staging?.data.url)).toContain('/environments/staging/snapshots/');
    expect(staging?.properties).toEqual({ projectKey: 'OPS', versionId: created.versionId });
    expect(received(world, 'production')).toEqual([]);

    // A refresh of unchanged content reports nothing new.
    ok(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(jiraDeploymentsOf(world.jira.world)).toHaveLength(1);

    await approveAsBoth(world, created.versionId);
    await untilSettled(world, created.versionId);
    const view = ok(await world.invoke(PO1, 'release/get', { versionId: created.versionId }));
    expect(view.state).toBe('released');
    const [prod, ...again] = received(world, 'production');
    expect(again).toEqual([]);
    expect(prod?.issueKeys).toEqual(['OPS-11']);
    expect(prod?.data).toMatchObject({ state: 'successful', label: created.name, url: view.deploy.runUrl });
    // Reported after Kosli verified prod, never at dispatch (the page lists the newest first).
    const log = [...view.audit].reverse().map((entry) => entry.detail);
    const verified = log.findIndex((detail) => detail.startsWith('Prod runs exactly the approved artifacts'));
    const reported = log.findIndex((detail) => detail.startsWith('Reported to Jira: prod successful'));
    const dispatched = log.findIndex((detail) => detail.startsWith('Dispatched'));
    expect(dispatched).toBeGreaterThanOrEqual(0);
    expect(verified).toBeGreaterThan(dispatched);
    expect(reported).toBeGreaterThan(verified);
  });

  it('the next release gets higher sequence numbers in both environments', async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    const first = await prepareCandidate(world, { backend: 'OPS-11 faster search' });
    await approveAsBoth(world, first.versionId);
    await untilSettled(world, first.versionId);
    // Release names are stamped to the second (the default name pattern): the next release is named in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
    const second = await prepareCandidate(world, { frontend: 'OPS-12 fix checkout button' });
    await approveAsBoth(world, second.versionId);
    await untilSettled(world, second.versionId);
    for (const type of ['staging', 'production'] as const) {
      const sequence = received(world, type).map((d) => d.deploymentSequenceNumber);
      expect(sequence).toHaveLength(2);
      expect(sequence[1]).toBeGreaterThan(sequence[0] ?? Infinity);
    }
  });

  it('a failed deploy run is reported as a failed production deployment, a successful retry as successful', async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    const { versionId } = await prepareCandidate(world);
    world.github.world.failNextRun('failure');
    await approveAsBoth(world, versionId);
    await world.drain();
    await world.runTrigger();

    const [failed, ...rest] = received(world, 'production');
    expect(rest).toEqual([]);
    expect(failed?.data.state).toBe('failed');
    expect(failed?.issueKeys).toEqual(['OPS-11', 'OPS-12']);

    ok(await world.invoke(DEV, 'release/retry', { versionId }));
    await untilSettled(world, versionId);
    const states = received(world, 'production').map((d) => d.data.state);
    expect(states).toEqual(['failed', 'successful']);
  });

  it('a report Jira failed to take is sent again with the same deployment key, never as a second deployment', async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    const { versionId } = await prepareCandidate(world, { backend: 'OPS-11 faster search' });
    // Every attempt of the report made when prod is verified fails; the report at release goes through.
    world.jira.service.injectFaults(
      'POST /rest/deployments/0.1/bulk',
      ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })),
    );
    await approveAsBoth(world, versionId);
    await untilSettled(world, versionId);

    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.state).toBe('released');
    expect(view.audit.some((entry) => entry.detail.startsWith('Not reported to Jira (prod successful)'))).toBe(true);
    const prod = received(world, 'production');
    expect(prod.map((d) => [d.deploymentSequenceNumber, d.data.state])).toEqual([[1, 'successful']]);
  });

  it('prod that never runs the approved content is reported failed, never successful', async () => {
    world = await startWorld();
    const { versionId } = await prepareCandidate(world, { backend: 'OPS-11 faster search' });
    // The run "succeeds" but deploys nothing: prod keeps running the old build.
    world.github.world.executor = () => 'success';
    world.jira.world.setApprover(versionId, PO1, 'APPROVED');
    world.jira.world.setApprover(versionId, PO2, 'APPROVED');
    let now = Date.parse('2026-11-28T10:00:00Z');
    const worker = await theWorker(world, { now: () => new Date(now).toISOString() });

    await worker.advance(versionId);
    await world.github.world.settleRuns();
    expect((await worker.advance(versionId)).state?.kind).toBe('deployed');
    expect(received(world, 'production')).toEqual([]);
    now += 16 * 60_000;
    expect((await worker.advance(versionId)).state).toMatchObject({ kind: 'failed', step: 'verify' });
    expect(received(world, 'production').map((d) => d.data.state)).toEqual(['failed']);
  });
});
