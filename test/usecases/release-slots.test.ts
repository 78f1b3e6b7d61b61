/**
 * The project's two slots (the forward candidate, the open rollback) as the scheduled check keeps
 * them, on the in-memory store: a release the app no longer owns frees its own slot and never the
 * other one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduledCheck } from '../../src/services/scheduled-check';
import type { ReleaseRecord } from '../../src/store/records';
import { givenRelease } from '../support/stored-releases';
import { startUseCases, type UseCaseDeps } from '../support/use-case-deps';

let uc: UseCaseDeps;
let candidate: ReleaseRecord;
let rollback: ReleaseRecord;

beforeEach(async () => {
  uc = await startUseCases();
  await uc.configure((config) => {
    config.release.refreshOnSchedule = false;
  });
  candidate = await givenRelease(uc, { name: 'forward' });
  const mark = {
    toVersionId: '1',
    toVersionName: 'earlier',
    fromVersionId: null,
    fromVersionName: null,
    reason: 'broken checkout',
    requestedBy: 'po',
    requestedAt: uc.clock.now(),
  };
  rollback = await givenRelease(uc, { name: 'rollback', rollback: mark });
});
afterEach(() => uc.close());

function releasedInJira(record: ReleaseRecord): void {
  const version = uc.jira.version(record.versionId);
  if (!version) throw new Error(`no version ${record.versionId}`);
  version.released = true;
}

const links = () => uc.as('scheduled-check').links;

describe('release slots', () => {
  it('hold the forward candidate and the rollback side by side, each listed for the scheduled check', async () => {
    expect(await uc.deps.store.slots.openCandidates()).toEqual([{ projectKey: 'OPS', versionId: candidate.versionId }]);
    expect(await uc.deps.store.slots.openRollbacks()).toEqual([{ projectKey: 'OPS', versionId: rollback.versionId }]);
  });

  it('free the rollback slot only, when the rollback version is released in Jira by hand', async () => {
    releasedInJira(rollback);
    const reports = await scheduledCheck(uc.deps, links());
    expect(reports.find((r) => r.versionId === rollback.versionId)?.outcome).toBe('released in Jira');
    expect(await uc.deps.store.slots.rollback('OPS')).toBeUndefined();
    expect(await uc.deps.store.slots.candidate('OPS')).toBe(candidate.versionId);
    expect((await uc.deps.store.audit.list(rollback.versionId)).map((entry) => entry.action)).toEqual([
      'candidate.closed',
    ]);
  });

  it('free the candidate slot only, when the candidate version is released in Jira by hand', async () => {
    releasedInJira(candidate);
    await scheduledCheck(uc.deps, links());
    expect(await uc.deps.store.slots.candidate('OPS')).toBeUndefined();
    expect(await uc.deps.store.slots.rollback('OPS')).toBe(rollback.versionId);
  });
});
