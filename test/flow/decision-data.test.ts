/**
 * The data behind the decision panel, through the real handlers: per-commit evidence, whose turn it
 * is, what changed since a stale approval, superseded decisions, and the approve-and-deploy comment
 * travelling to the Kosli attestation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, ok, PO1, PO2, prepareCandidate, untilSettled } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function promoteAndRefresh(w: World) {
  // Kosli reports periodically: dev shows the new builds, then staging the deploy, each with its next report.
  await w.simulation.nextReport();
  ok(await w.invoke(DEV, 'staging/promote', {}));
  await w.github.world.settleRuns();
  await w.simulation.nextReport();
  return ok(await w.invoke(DEV, 'candidate/refresh', {}));
}

describe('decision data', () => {
  it('lists every commit of an app with its pull request and Jira keys, and counts the reviewed ones', async () => {
    world = await startWorld();
    world.simulation.commit('backend', 'OPS-11 faster search');
    world.simulation.commit('backend', 'Tidy logging');
    world.simulation.commit('backend', 'OPS-12 fix checkout button');
    const { versionId } = await promoteAndRefresh(world);
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    const backend = view.artifacts.find((a) => a.app === 'backend');
    expect(backend?.commits.map((c) => c.title)).toEqual([
      'OPS-12 fix checkout button',
      'Tidy logging',
      'OPS-11 faster search',
    ]);
    expect(backend?.commits.map((c) => c.jiraKeys)).toEqual([['OPS-12'], [], ['OPS-11']]);
    expect(backend?.pullRequests).toHaveLength(3);
    expect(
      backend?.commits.every((c) => c.pullRequests.length === 1 && c.pullRequests[0]?.approvers.length === 1),
    ).toBe(true);
    expect(backend?.reviewedCommits).toBe(3);
    expect(view.untracked.map((c) => c.title)).toEqual(['Tidy logging']);
  });

  it('says whose turn it is and whether an approval is the last one, on the page and on the card', async () => {
    world = await startWorld();
    const { versionId, contentHash } = await prepareCandidate(world);
    const first = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(first.approvals.progress).toMatchObject({
      approved: 0,
      needed: 2,
      waitingFor: ['Paula Product', 'Omar Owner'],
      myTurn: true,
    });
    expect(first.approvals.me.lastApproval).toBe(false);
    ok(await world.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash }));

    const omar = ok(await world.invoke(PO2, 'release/get', { versionId }));
    expect(omar.approvals.progress).toMatchObject({ approved: 1, needed: 2, waitingFor: ['Omar Owner'], myTurn: true });
    expect(omar.approvals.me.lastApproval).toBe(true);
    const card = ok(await world.invoke(PO2, 'project/overview', {})).openCandidate;
    expect(card?.approvals).toMatchObject({ approved: 1, needed: 2, waitingFor: ['Omar Owner'], myTurn: true });
    expect(card?.issues).toMatchObject({ total: 2 });
    expect(ok(await world.invoke(DEV, 'project/overview', {})).openCandidate?.approvals?.myTurn).toBe(false);
  });

  it('marks a decline that a later approval replaced as superseded, and a valid decline blocks', async () => {
    world = await startWorld();
    const { versionId, contentHash } = await prepareCandidate(world);
    const declined = ok(
      await world.invoke(PO2, 'release/decide', {
        versionId,
        decision: 'declined',
        reason: 'Not shipping this.',
        contentHash,
      }),
    );
    expect(declined.approvals.progress.declinedBy).toMatchObject([
      { displayName: 'Omar Owner', reason: 'Not shipping this.' },
    ]);
    expect(declined.approvals.outstanding[0]).toBe('Declined by Omar Owner: Not shipping this.');
    const approved = ok(await world.invoke(PO2, 'release/decide', { versionId, decision: 'approved', contentHash }));
    expect(approved.approvals.decisions.map((d) => [d.decision, d.superseded])).toEqual([
      ['approved', false],
      ['declined', true],
    ]);
    expect(approved.approvals.progress.declinedBy).toEqual([]);
  });

  it('says exactly what changed since a stale approval: apps, new commits, issues, when and by whom', async () => {
    world = await startWorld();
    const { versionId, contentHash } = await prepareCandidate(world);
    ok(await world.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash }));
    world.simulation.commit('backend', 'Bump a dependency');
    world.simulation.commit('backend', 'OPS-13 delivery estimate');
    await promoteAndRefresh(world);
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.approvals.me.stale).toBe(true);
    expect(view.approvals.changes).toHaveLength(1);
    const change = view.approvals.changes[0];
    expect(change).toMatchObject({
      fromHash: contentHash,
      decidedBy: ['Paula Product'],
      changedBy: 'Dana Developer',
      addedKeys: ['OPS-13'],
      removedKeys: [],
      known: true,
    });
    expect(change?.apps).toMatchObject([{ name: 'backend', change: 'changed', addedCommits: 2 }]);
    expect(change?.changedAt).not.toBeNull();
  });

  it('puts the approve-and-deploy comment in the decision, the audit and the Kosli approval attestation', async () => {
    world = await startWorld();
    world.github.world.settleAfterMs = 20;
    const { versionId, contentHash } = await prepareCandidate(world);
    ok(await world.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash }));
    const last = ok(
      await world.invoke(PO2, 'release/decide', {
        versionId,
        decision: 'approved',
        reason: 'Checked the search numbers with support',
        contentHash,
      }),
    );
    expect(last.approvals.decisions[0]).toMatchObject({
      displayName: 'Omar Owner',
      reason: 'Checked the search numbers with support',
    });
    await untilSettled(world, versionId);
    const released = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(released.state).toBe('released');
    expect(released.audit.map((a) => a.detail)).toContain(
      `Approved with comment: Checked the search numbers with support (content ${contentHash.slice(0, 12)})`,
    );
    const [attestation] = world.kosli.world.trailAttestationsJson(
      world.config.kosli.releaseFlow,
      versionId,
      'release-approval',
    );
    expect(attestation?.['attestation_data']).toMatchObject({
      contentHash,
      approvers: [
        { accountId: PO1, status: 'APPROVED' },
        { accountId: PO2, status: 'APPROVED', comment: 'Checked the search numbers with support' },
      ],
    });
  });
});
