/**
 * A composition the consumer stopped working on (killed, its queue event lost, or failed) is queued
 * again, on the manual clock: after 2 minutes without news, at once after a failure, never while a
 * worker holds the release; the scheduled check gives up after 5 failed runs, a person never does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeIfStalled } from '../../src/services/compose-start';
import type { ReleaseRecord } from '../../src/store/records';
import { givenRelease } from '../support/stored-releases';
import { startUseCases, type UseCaseDeps } from '../support/use-case-deps';

let uc: UseCaseDeps;
let record: ReleaseRecord;

beforeEach(async () => {
  uc = await startUseCases();
  await uc.configure();
  const given = await givenRelease(uc, { name: 'large' });
  record = { ...given, composing: { since: uc.clock.now(), by: 'dev0001', selection: null } };
  await uc.deps.store.releases.put(record);
  await uc.deps.store.compositions.setStatus(record.versionId, {
    startedAt: uc.clock.now(),
    updatedAt: uc.clock.now(),
    attempts: 1,
    progress: null,
    error: null,
  });
});
afterEach(() => uc.close());

const queuedJobs = () => uc.queued.map((q) => q.job).filter((job) => job.kind === 'candidate');

describe('a stalled composition', () => {
  it('is left alone while its consumer reports, and queued again after 2 minutes without news', async () => {
    uc.clock.advance(119);
    expect(await resumeIfStalled(uc.deps, record, false)).toBe(false);
    uc.clock.advance(2);
    expect(await resumeIfStalled(uc.deps, record, false)).toBe(true);
    expect(queuedJobs()).toEqual([
      expect.objectContaining({ kind: 'candidate', projectKey: 'OPS', versionId: record.versionId }),
    ]);
  });

  it('is never queued while a worker holds the release', async () => {
    uc.clock.advance(600);
    expect(await uc.deps.store.locks.acquire(record.versionId, 'worker', uc.clock.now(), 60)).toBe(true);
    expect(await resumeIfStalled(uc.deps, record, true)).toBe(false);
    expect(queuedJobs()).toEqual([]);
  });

  it('is queued at once after a failure; after 5 failed runs only a person queues it', async () => {
    const failed = async (attempts: number) =>
      uc.deps.store.compositions.setStatus(record.versionId, {
        startedAt: uc.clock.now(),
        updatedAt: uc.clock.now(),
        attempts,
        progress: null,
        error: 'Kosli did not answer.',
      });
    await failed(4);
    expect(await resumeIfStalled(uc.deps, record, false)).toBe(true);
    await failed(5);
    expect(await resumeIfStalled(uc.deps, record, false)).toBe(false);
    expect(await resumeIfStalled(uc.deps, record, true)).toBe(true);
    expect(queuedJobs()).toHaveLength(2);
  });
});
