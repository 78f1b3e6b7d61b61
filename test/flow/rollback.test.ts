/**
 * Rolling prod back to a released version, through the gate: the rollback's own policy (one
 * approver, a reason on every approval), a `custom:approval-jira` attestation marked as a rollback,
 * the same deploy workflow with the earlier commits, prod verified on exactly those fingerprints,
 * a record on both Jira versions, the rolled-back state in Jira's deployments, and the open forward
 * candidate recomputed. A rollback to an artifact Kosli no longer knows is refused with the reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, PO1, PO2, prodDispatches, untilSettled } from '../support/flow';
import {
  jiraDeploymentStates,
  oneApproverRollbackPolicy,
  prodTags,
  releaseThroughGate,
  untilNextSecond,
} from '../support/releases';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function twoReleases(): Promise<{
  w: World;
  first: string;
  second: string;
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
  const second = await releaseThroughGate(w, {
    backend: 'OPS-13 new search ranking',
    frontend: 'OPS-13 delivery estimate in checkout',
  });
  return { w, first, second, firstTags };
}

describe('rollback', () => {
  it('rolls prod back to the first release under its own policy, marked everywhere, and recomputes the forward candidate', async () => {
    const { w, first, second, firstTags } = await twoReleases();
    expect(prodTags(w)).not.toEqual(firstTags);
    // A forward candidate is open while prod goes back.
    w.simulation.commit('backend', 'OPS-11 search cache');
    await w.simulation.nextReport();
    ok(await w.invoke(DEV, 'staging/promote', {}));
    await w.github.world.settleRuns();
    await w.simulation.nextReport();
    await untilNextSecond();
    const forward = ok(await w.invoke(DEV, 'candidate/refresh', {}));

    expect(errorOf(await w.invoke(DEV, 'release/rollback', { versionId: first, reason: '  ' })).code).toBe(
      'INVALID_INPUT',
    );
    await untilNextSecond();
    const rollback = ok(
      await w.invoke(DEV, 'release/rollback', { versionId: first, reason: 'Checkout errors since the new ranking' }),
    );
    expect(errorOf(await w.invoke(DEV, 'release/rollback', { versionId: first, reason: 'twice' })).code).toBe(
      'CONFLICT',
    );

    const open = ok(await w.invoke(PO1, 'release/get', { versionId: rollback.versionId }));
    expect(open.gate.kind).toBe('rollback');
    // Staging runs newer builds than a rollback ships: that blocks nothing.
    expect(open.environments.some((row) => row.stagingDiffersFromCandidate)).toBe(false);
    expect(open.gate.rollback).toMatchObject({
      toVersionId: first,
      fromVersionId: second,
      reason: 'Checkout errors since the new ranking',
    });
    expect(open.approvals.rule).toMatch(/^At least 1 of the listed approvers/);
    expect(open.artifacts.map((a) => [a.app, a.commit])).toEqual(Object.entries(firstTags));
    expect(ok(await w.invoke(PO1, 'project/overview', {})).openRollback?.versionId).toBe(rollback.versionId);

    // PO2 is no rollback approver; PO1 must say why.
    expect(
      errorOf(
        await w.invoke(PO2, 'release/decide', {
          versionId: rollback.versionId,
          decision: 'approved',
          reason: 'ok',
          contentHash: open.contentHash,
        }),
      ).code,
    ).toBe('NOT_AN_APPROVER');
    expect(
      errorOf(
        await w.invoke(PO1, 'release/decide', {
          versionId: rollback.versionId,
          decision: 'approved',
          contentHash: open.contentHash,
        }),
      ).code,
    ).toBe('INVALID_INPUT');
    ok(
      await w.invoke(PO1, 'release/decide', {
        versionId: rollback.versionId,
        decision: 'approved',
        reason: 'Confirmed with support',
        contentHash: open.contentHash,
      }),
    );
    await untilSettled(w, rollback.versionId);

    const done = ok(await w.invoke(PO1, 'release/get', { versionId: rollback.versionId }));
    expect(done.state).toBe('released');
    expect(done.deploy.verification?.ok).toBe(true);
    expect(prodTags(w)).toEqual(firstTags);
    expect(prodDispatches(w)).toBe(3);
    const rollbackRun = w.github.world.runs.filter((run) => run.inputs['environment'] === 'prod').at(-1);
    expect(JSON.parse(rollbackRun?.inputs['artifacts'] ?? '[]')).toEqual(
      open.artifacts.map((a) => ({ app: a.app, commit: a.commit, fingerprint: a.fingerprint })),
    );

    const attestation = JSON.stringify(
      w.kosli.world.trailAttestationsJson(w.config.kosli.releaseFlow, rollback.versionId, 'release-approval'),
    );
    expect(attestation).toContain('"releaseKind":"rollback"');
    expect(attestation).toContain(`"versionId":"${first}"`);
    expect(attestation).toContain('Checkout errors since the new ranking');

    expect(w.jira.world.relatedWorkOf(first).map((r) => r.title)).toContain(`Restored by rollback ${done.name}`);
    expect(w.jira.world.relatedWorkOf(second).map((r) => r.title)).toContain(`Rolled back by ${done.name}`);
    for (const versionId of [first, second]) {
      const audit = ok(await w.invoke(PO1, 'release/get', { versionId })).audit.map((a) => a.action);
      expect(audit).toContain('Rollback recorded');
    }
    expect(jiraDeploymentStates(w, second, 'production')).toEqual(['rolled_back']);
    expect(ok(await w.invoke(PO1, 'project/overview', {})).openRollback).toBeNull();

    const recomputed = ok(await w.invoke(PO1, 'release/get', { versionId: forward.versionId }));
    expect(recomputed.audit.some((a) => a.detail.startsWith(`Recomputed after rollback ${done.name}`))).toBe(true);
    expect(recomputed.contentHash).not.toBe(forward.contentHash);
  });

  it('refuses a rollback to a release whose artifact Kosli no longer knows, and opens nothing', async () => {
    const { w, first } = await twoReleases();
    const backend = ok(await w.invoke(PO1, 'release/get', { versionId: first })).artifacts.find(
      (a) => a.app === 'backend',
    );
    w.kosli.world.forgetArtifact(backend?.fingerprint ?? '');
    await untilNextSecond();
    const versions = w.jira.world.versionsOf(w.scenario.project.key).length;
    const refused = errorOf(await w.invoke(DEV, 'release/rollback', { versionId: first, reason: 'Checkout errors' }));
    expect(refused.code).toBe('NO_PROVENANCE');
    expect(refused.message).toContain(
      `Kosli no longer knows the backend artifact ${backend?.fingerprint.slice(0, 12)}`,
    );
    expect(w.jira.world.versionsOf(w.scenario.project.key)).toHaveLength(versions);
    expect(ok(await w.invoke(PO1, 'project/overview', {})).openRollback).toBeNull();
  });

  it('refuses a rollback to a version that was never released, and one asked by a non-developer', async () => {
    const { w, second } = await twoReleases();
    expect(errorOf(await w.invoke(DEV, 'release/rollback', { versionId: second, reason: 'nothing to do' })).code).toBe(
      'NOTHING_TO_RELEASE',
    );
    expect(errorOf(await w.invoke(PO1, 'release/rollback', { versionId: second, reason: 'x' })).code).toBe('FORBIDDEN');
  });
});
