/**
 * The release page's resolvers through the real handler: what a product owner sees, who may
 * decide, and how decisions go stale when the content changes. Bad payloads change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, exportFile, ok, PO1, PO2, prepareCandidate } from '../support/flow';

let world: World;
let versionId: string;

beforeAll(async () => {
  world = await startWorld();
  versionId = (await prepareCandidate(world)).versionId;
});
afterAll(() => world.stop());

describe('release page', () => {
  it('shows provenance, environments, issues and approvals in one call', async () => {
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.artifacts.map((a) => a.app)).toEqual(['backend', 'frontend']);
    expect(view.artifacts.every((a) => a.compliance === 'COMPLIANT' && a.fingerprint.length === 64)).toBe(true);
    expect(view.artifacts[0]?.pullRequests[0]?.approvers.length).toBeGreaterThan(0);
    expect(view.environments.map((e) => e.stagingDiffersFromProd)).toEqual([true, true]);
    expect(view.issues.map((i) => [i.key, i.summary, i.issueType])).toEqual([
      ['OPS-11', 'Faster product search', 'Story'],
      ['OPS-12', 'Checkout button misaligned on mobile', 'Bug'],
    ]);
    expect(view.approvals.approvers.map((a) => a.displayName)).toEqual(['Paula Product', 'Omar Owner']);
    expect(view.audit.map((a) => a.action)).toContain('Candidate created');
    expect(view.audit.map((a) => a.actor)).toContain('Dana Developer');
    expect(view.warnings).toEqual([]);
  });

  it('refuses a decision from someone who is not an approver, and records nothing', async () => {
    const view = ok(await world.invoke(DEV, 'release/get', { versionId }));
    expect(view.approvals.me.eligible).toBe(false);
    const error = errorOf(
      await world.invoke(DEV, 'release/decide', { versionId, decision: 'approved', contentHash: view.contentHash }),
    );
    expect(error.code).toBe('NOT_AN_APPROVER');
    expect(ok(await world.invoke(PO1, 'release/get', { versionId })).approvals.decisions).toEqual([]);
  });

  it('needs a reason to decline', async () => {
    const view = ok(await world.invoke(PO2, 'release/get', { versionId }));
    const error = errorOf(
      await world.invoke(PO2, 'release/decide', { versionId, decision: 'declined', contentHash: view.contentHash }),
    );
    expect(error.code).toBe('INVALID_INPUT');
  });

  it('validates payloads: wrong types, unknown fields, another project’s version', async () => {
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    const bad: unknown[] = [
      { versionId: 42, decision: 'approved', contentHash: view.contentHash },
      { versionId, decision: 'maybe', contentHash: view.contentHash },
      { versionId, decision: 'approved', contentHash: view.contentHash, accountId: PO2 },
      { versionId, decision: 'approved', contentHash: 'abc' },
    ];
    for (const payload of bad) {
      // @ts-expect-error deliberately malformed payloads, as a tampered client would send
      expect(errorOf(await world.invoke(PO1, 'release/decide', payload)).code).toBe('INVALID_INPUT');
    }
    const other = world.jira.world.addVersion({ project: 'OPS', name: 'not ours' });
    expect(errorOf(await world.invoke(PO1, 'release/get', { versionId: other.id })).code).toBe('NOT_FOUND');
    expect(ok(await world.invoke(PO1, 'release/get', { versionId })).approvals.decisions).toEqual([]);
  });

  it('records an eligible approval for the caller, and marks it stale when the content changes', async () => {
    const before = ok(await world.invoke(PO1, 'release/get', { versionId }));
    const after = ok(
      await world.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash: before.contentHash }),
    );
    expect(after.approvals.decisions).toMatchObject([
      { accountId: PO1, decision: 'approved', valid: true, source: 'app' },
    ]);
    expect(after.approvals.satisfied).toBe(false);

    world.simulation.commit('backend', 'OPS-13 delivery estimate');
    await world.simulation.nextReport();
    ok(await world.invoke(DEV, 'staging/promote', {}));
    await world.github.world.settleRuns();
    // Kosli sees the deploy with the environment's next report.
    await world.simulation.nextReport();
    ok(await world.invoke(DEV, 'candidate/refresh', {}));

    const changed = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(changed.contentHash).not.toBe(before.contentHash);
    expect(changed.approvals.decisions[0]).toMatchObject({ accountId: PO1, valid: false });
    expect(changed.approvals.approvers.find((a) => a.accountId === PO1)?.current).toBeNull();
    const stale = errorOf(
      await world.invoke(PO2, 'release/decide', { versionId, decision: 'approved', contentHash: before.contentHash }),
    );
    expect(stale.code).toBe('CANDIDATE_STALE');
  });

  it('counts native Jira approvals and shows them stale after a change until changed again in Jira', async () => {
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    world.jira.world.setApprover(versionId, PO2, 'APPROVED');
    const seen = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(seen.approvals.approvers.find((a) => a.accountId === PO2)).toMatchObject({
      jiraStatus: 'APPROVED',
      current: 'approved',
    });
    expect(seen.contentHash).toBe(view.contentHash);
  });

  it('exports release notes and the audit record', async () => {
    const notes = await exportFile(world, PO1, versionId, 'notes');
    expect(notes.mimeType).toBe('text/markdown');
    expect(notes.content).toContain('### Story');
    expect(notes.content).toContain('OPS-11');
    const audit = await exportFile(world, PO1, versionId, 'audit');
    const record: unknown = JSON.parse(audit.content);
    expect(record).toMatchObject({ kind: 'kosli-release-gate/audit-record', release: { versionId } });
  });
});

describe('promote', () => {
  it('dispatches nothing and names the failing rule when staging policies refuse an artifact', async () => {
    world.simulation.commit('frontend', 'no ticket here');
    await world.simulation.nextReport();
    const runsBefore = world.github.world.runs.length;
    const error = errorOf(await world.invoke(DEV, 'staging/promote', {}));
    expect(error.code).toBe('POLICY_FAILED');
    expect(error.message).toContain('frontend');
    expect(error.message).toContain('trail-compliant');
    expect(world.github.world.runs.length).toBe(runsBefore);
  });
});
