/**
 * Prod must end up running exactly what was approved. When it never does, the release fails at the
 * verify step with the mismatch on the page and the Jira version stays unreleased. Time is the
 * worker's clock, passed in, so the 15-minute verification window passes without waiting.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { theWorker } from '../support/worker';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { ok, PO1, PO2, prepareCandidate } from '../support/flow';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

it('fails at verify when prod never runs the approved artifacts, and does not release', async () => {
  const { versionId } = await prepareCandidate(world);
  // The run "succeeds" but deploys nothing: the tags stay where they were.
  world.github.world.executor = () => 'success';
  world.jira.world.setApprover(versionId, PO1, 'APPROVED');
  world.jira.world.setApprover(versionId, PO2, 'APPROVED');

  let now = Date.parse('2026-11-28T10:00:00Z');
  const worker = await theWorker(world, { now: () => new Date(now).toISOString() });

  expect((await worker.advance(versionId)).state?.kind).toBe('dispatched');
  await world.github.world.settleRuns();
  // Kosli sees the deploy with the environment's next report.
  await world.simulation.nextReport();
  expect((await worker.advance(versionId)).state?.kind).toBe('deployed');

  now += 16 * 60_000;
  const failed = await worker.advance(versionId);
  expect(failed.state).toMatchObject({ kind: 'failed', step: 'verify', transient: false });

  const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
  expect(view.state).toBe('failed');
  expect(view.deploy.verification).toMatchObject({ ok: false });
  expect(view.deploy.verification?.mismatches.join(' ')).toContain('backend: prod runs');
  expect(view.deploy.failure?.reason).toContain('Prod does not run the approved content');
  expect(world.jira.world.version(versionId)?.released).toBe(false);
});
