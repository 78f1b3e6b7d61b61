/**
 * Deciding on a release, on the in-memory store (test/support/use-case-deps.ts): the decision binds
 * to the content the person saw, an approval of content staging no longer runs is refused, a stale
 * approval no longer counts after the content changed, and the last approval queues the deploy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/services/decide';
import { fingerprint } from '../support/builders';
import { rejection } from '../support/errors';
import { givenContentChange, givenRelease } from '../support/stored-releases';
import { startUseCases, type UseCaseDeps } from '../support/use-case-deps';

const PO1 = 'po-1';
const PO2 = 'po-2';

let uc: UseCaseDeps;

beforeEach(async () => {
  uc = await startUseCases();
  for (const accountId of [PO1, PO2])
    uc.jira.addUser({ accountId, displayName: accountId, emailAddress: `${accountId}@example.com` });
  await uc.configure((config) => {
    config.kosli.environments = { dev: 'dev', staging: 'staging', prod: 'prod' };
    config.apps = [{ name: 'backend', path: 'apps/backend', buildFlow: 'shop-backend', templateName: 'backend' }];
    config.approval = {
      approvers: [PO1, PO2],
      includeJiraApprovers: false,
      rule: { kind: 'all' },
      noSelfApproval: false,
    };
  });
  uc.kosli.createEnvironment('staging');
  stagingRuns('backend-2');
});
afterEach(() => uc.close());

function stagingRuns(build: string): void {
  uc.kosli.reportSnapshot('staging', [{ name: 'backend', fingerprint: fingerprint(build) }]);
}

describe('decide', () => {
  it('records an approval of the content seen, and the last approval queues the deploy', async () => {
    const record = await givenRelease(uc);
    const input = {
      versionId: record.versionId,
      decision: 'approved' as const,
      contentHash: record.candidate.contentHash,
    };
    expect(await decide(uc.deps, uc.as(PO1), input)).toEqual({ satisfied: false });
    expect(uc.queued).toEqual([]);
    expect(await decide(uc.deps, uc.as(PO2), input)).toEqual({ satisfied: true });
    expect(uc.queued.map((q) => q.job)).toEqual([
      { projectKey: 'OPS', versionId: record.versionId, reason: `approval by ${PO2}` },
    ]);
    // Both at the harness's one instant: their order in the history is not defined, each one's latest is.
    expect(
      (await uc.deps.store.decisions.list(record.versionId)).map((d) => [d.accountId, d.contentHash]).sort(),
    ).toEqual([
      [PO1, record.candidate.contentHash],
      [PO2, record.candidate.contentHash],
    ]);
    expect((await uc.deps.store.decisions.latest(record.versionId)).map((d) => d.accountId).sort()).toEqual([PO1, PO2]);
    expect((await uc.deps.store.audit.list(record.versionId)).map((entry) => entry.action)).toEqual([
      'approval.app.approved',
      'approval.app.approved',
    ]);
  });

  it('refuses a decision on content the person did not see, and records nothing', async () => {
    const record = await givenRelease(uc);
    const error = await rejection(
      decide(uc.deps, uc.as(PO1), { versionId: record.versionId, decision: 'approved', contentHash: 'an-older-hash' }),
    );
    expect(error.code).toBe('CANDIDATE_STALE');
    expect(await uc.deps.store.decisions.list(record.versionId)).toEqual([]);
    expect(await uc.deps.store.audit.list(record.versionId)).toEqual([]);
  });

  it('refuses an approval of content staging no longer runs', async () => {
    const record = await givenRelease(uc);
    stagingRuns('backend-3');
    const error = await rejection(
      decide(uc.deps, uc.as(PO1), {
        versionId: record.versionId,
        decision: 'approved',
        contentHash: record.candidate.contentHash,
      }),
    );
    expect(error).toMatchObject({
      code: 'CANDIDATE_STALE',
      message: expect.stringContaining('Staging no longer runs the content of this release'),
    });
    expect(await uc.deps.store.decisions.list(record.versionId)).toEqual([]);
  });

  it('counts an approval only for the content approved: after a change it is stale until given again', async () => {
    const first = await givenRelease(uc);
    await decide(uc.deps, uc.as(PO1), {
      versionId: first.versionId,
      decision: 'approved',
      contentHash: first.candidate.contentHash,
    });
    uc.clock.advance(60);
    const changed = await givenContentChange(uc, first, { backend: 'backend-3' });
    stagingRuns('backend-3');
    const input = {
      versionId: first.versionId,
      decision: 'approved' as const,
      contentHash: changed.candidate.contentHash,
    };
    expect(await decide(uc.deps, uc.as(PO2), input)).toEqual({ satisfied: false });
    expect(uc.queued).toEqual([]);
    expect(await decide(uc.deps, uc.as(PO1), input)).toEqual({ satisfied: true });
    expect(uc.queued).toHaveLength(1);
  });

  it('needs a reason to decline, an approver to decide, and an open release', async () => {
    const record = await givenRelease(uc);
    const base = { versionId: record.versionId, contentHash: record.candidate.contentHash };
    expect((await rejection(decide(uc.deps, uc.as(PO1), { ...base, decision: 'declined' }))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await rejection(decide(uc.deps, uc.as('someone-else'), { ...base, decision: 'approved' }))).code).toBe(
      'NOT_AN_APPROVER',
    );
    const closed = await givenRelease(uc, {
      slot: false,
      deploy: { kind: 'approved', contentHash: record.candidate.contentHash, at: uc.clock.now() },
    });
    const error = await rejection(
      decide(uc.deps, uc.as(PO1), {
        versionId: closed.versionId,
        contentHash: closed.candidate.contentHash,
        decision: 'approved',
      }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(await uc.deps.store.decisions.list(record.versionId)).toEqual([]);
  });
});
