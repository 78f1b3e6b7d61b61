/**
 * Approvals only for what ships. Staging moved after the candidate was computed: an approval
 * given in the app for the old content is refused with the reason, and a policy satisfied by
 * approvals of the old content (native Jira approvals, found by the worker) attests nothing on any
 * Kosli trail and dispatches nothing: the release goes back to open with the approvals stale.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { theWorker } from '../support/worker';
import { startWorld, type World } from '../../sandbox/world/start-world';
import {
  approvalAttestations,
  errorOf,
  ok,
  PO1,
  PO2,
  prepareCandidate,
  prodDispatches,
  promoteToStaging,
} from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** A new backend build reaches staging; the stored candidate still holds the old one. */
const moveStaging = (w: World): Promise<void> => promoteToStaging(w, { backend: 'OPS-13 late change' });

describe('approvals only for what ships', () => {
  it('refuses an app approval of content staging no longer runs, and records nothing', async () => {
    const w = (world = await startWorld());
    const { versionId } = await prepareCandidate(w);
    const seen = ok(await w.invoke(PO1, 'release/get', { versionId }));
    await moveStaging(w);

    const refused = errorOf(
      await w.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash: seen.contentHash }),
    );
    expect(refused.code).toBe('CANDIDATE_STALE');
    expect(refused.message).toMatch(
      /Staging no longer runs the content of this release \(backend: staging runs [0-9a-f]{12}, approved [0-9a-f]{12}\)/,
    );
    expect(await w.store.decisions.list(versionId)).toEqual([]);
    // A decline is still heard: it blocks nothing that could ship.
    ok(
      await w.invoke(PO2, 'release/decide', {
        versionId,
        decision: 'declined',
        reason: 'not this one',
        contentHash: seen.contentHash,
      }),
    );
  });

  it('the worker checks staging before attesting: no approval attestation on any trail, no dispatch', async () => {
    const w = (world = await startWorld());
    const { versionId } = await prepareCandidate(w);
    const before = await w.store.releases.get(w.scenario.project.key, versionId);
    const oldBuilds = before?.candidate.apps.map((app) => ({ flow: app.to.flow, trail: app.to.trail })) ?? [];
    expect(oldBuilds).toHaveLength(2);
    w.jira.world.setApprover(versionId, PO1, 'APPROVED');
    w.jira.world.setApprover(versionId, PO2, 'APPROVED');
    await moveStaging(w);

    // The worker, as the queue consumer runs it.
    const outcome = await (await theWorker(w)).advance(versionId);

    expect(outcome.state?.kind).toBe('open');
    expect(approvalAttestations(w, w.config.kosli.releaseFlow, versionId)).toBe(0);
    for (const build of oldBuilds) expect(approvalAttestations(w, build.flow, build.trail)).toBe(0);
    const after = await w.store.releases.get(w.scenario.project.key, versionId);
    for (const app of after?.candidate.apps ?? []) expect(approvalAttestations(w, app.to.flow, app.to.trail)).toBe(0);
    expect(prodDispatches(w)).toBe(0);
    expect(after?.candidate.contentHash).not.toBe(before?.candidate.contentHash);
    const stale = (await w.store.audit.list(versionId)).find((entry) => entry.action === 'deploy.stale');
    expect(stale?.detail).toMatch(
      /^Staging no longer runs the approved content \(backend: staging runs [0-9a-f]{12}, approved [0-9a-f]{12}\): nothing was attested or dispatched/,
    );
    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(view.approvals.satisfied).toBe(false);
  });
});
