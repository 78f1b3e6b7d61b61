/**
 * A worker dies mid-deploy: the prod run is dispatched, the worker holds the release's lease, and
 * the sandbox stops (what a killed invocation leaves behind is exactly that lease in storage). The
 * sandbox starts again on the same folder, with its scheduled check every 30 s as `npm start` runs
 * it: the release continues once the dead worker's lease runs out, within 2 minutes of the restart,
 * with the one dispatch it had, and approval attestations only on the trails of what shipped.
 * Runs in real time (about a minute): the lease is what it is in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Deps } from '../../src/services/deps';
import { startSandbox, type Sandbox } from '../../sandbox/server/start-sandbox';
import { approvalAttestations, PO1, PO2, prepareCandidate, prodDispatches } from '../support/flow';

const dataDir = mkdtempSync(join(tmpdir(), 'krg-restart-test-'));
let sandbox: Sandbox | undefined;
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it('continues a release whose worker died after dispatch within 2 minutes of the restart, with one dispatch', async () => {
  // Runs never finish on their own before the stop: the worker is mid-deploy when it dies.
  sandbox = await startSandbox({ dataDir, port: 0, workflowDelayMs: 3_600_000, triggerIntervalMs: null });
  const first = sandbox.world;
  const { versionId } = await prepareCandidate(first);
  first.jira.world.setApprover(versionId, PO1, 'APPROVED');
  first.jira.world.setApprover(versionId, PO2, 'APPROVED');

  // The worker attests and dispatches, then the run is in progress.
  const { composeDeps } = await import('../../src/app');
  const { advanceRelease } = await import('../../src/services/deploy-worker');
  const { linksFor } = await import('../../src/services/links');
  const { LEASE_SECONDS } = await import('../../src/services/release-lock');
  const deps: Deps = composeDeps();
  const ctx = {
    projectKey: 'OPS',
    projectId: first.scenario.project.id,
    actor: 'deploy-worker',
    jiraAsUser: null,
    links: linksFor({ siteUrl: sandbox.url, appId: 'a', environmentId: 'e', projectType: 'software' }),
  };
  expect((await advanceRelease(deps, ctx, versionId)).state?.kind).toBe('dispatched');
  expect(prodDispatches(first)).toBe(1);
  // Killed right there, holding its lease.
  expect(await first.store.locks.acquire(versionId, 'killed-worker', new Date().toISOString(), LEASE_SECONDS)).toBe(
    true,
  );
  await sandbox.stop();

  const restartedAt = Date.now();
  sandbox = await startSandbox({ dataDir, port: 0, workflowDelayMs: 2_000, triggerIntervalMs: 30_000 });
  const world = sandbox.world;
  await until('the release', () => world.jira.world.version(versionId)?.released === true, 120_000);
  const seconds = (Date.now() - restartedAt) / 1000;
  expect(seconds).toBeLessThan(120);

  expect(prodDispatches(world)).toBe(1);
  const record = await world.store.releases.get('OPS', versionId);
  expect(record?.deploy.kind).toBe('released');
  expect(approvalAttestations(world, world.config.kosli.releaseFlow, versionId)).toBe(1);
  for (const app of record?.candidate.apps ?? []) {
    // The trail attested is the build prod now runs: what shipped.
    expect(world.github.world.getRef(`tags/running-prod-${app.name}`)).toBe(app.to.commit);
    expect(approvalAttestations(world, app.to.flow, app.to.trail)).toBe(1);
  }
  console.info(`restart-mid-deploy: released ${seconds.toFixed(1)} s after the restart`);
}, 240_000);
