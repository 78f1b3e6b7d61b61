/**
 * The release lease as the use cases meet it, on the in-memory store and a manual clock: a held
 * lease refuses with the time to try again, a dead holder's lease is taken over once it lapses, and
 * a retry changes the record only under the lease.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployState } from '../../src/release/types';
import { LEASE_SECONDS, tryWithReleaseLock, withReleaseLock } from '../../src/services/release-lock';
import { retryRelease } from '../../src/services/retry-release';
import { rejection } from '../support/errors';
import { givenRelease } from '../support/stored-releases';
import { startUseCases, type UseCaseDeps } from '../support/use-case-deps';

let uc: UseCaseDeps;
beforeEach(async () => {
  uc = await startUseCases();
  await uc.configure();
});
afterEach(() => uc.close());

describe('the release lease', () => {
  it('refuses while held, saying when to act, and is taken over once the dead holder lets it lapse', async () => {
    expect(await uc.deps.store.locks.acquire('100', 'killed-worker', uc.clock.now(), LEASE_SECONDS)).toBe(true);
    uc.clock.advance(30);
    const refused = await rejection(withReleaseLock(uc.deps, '100', async () => 'ran'));
    expect(refused).toMatchObject({
      code: 'DEPLOY_IN_PROGRESS',
      message: expect.stringContaining('you can act in 30 s (at 10:01:00 UTC)'),
    });
    expect(await tryWithReleaseLock(uc.deps, '100', async () => 'ran')).toEqual({
      ran: false,
      expiresAt: '2026-11-02T10:01:00.000Z',
    });

    uc.clock.advance(31);
    expect(await tryWithReleaseLock(uc.deps, '100', async () => 'ran')).toEqual({ ran: true, value: 'ran' });
    expect(await uc.deps.store.locks.held('100')).toBeUndefined();
    expect(await uc.deps.store.locks.renew('100', 'killed-worker', uc.clock.now(), LEASE_SECONDS)).toBe(false);
  });

  it('gives a lapsed lease to exactly one of many contenders', async () => {
    expect(await uc.deps.store.locks.acquire('200', 'crashed', uc.clock.now(), LEASE_SECONDS)).toBe(true);
    uc.clock.advance(LEASE_SECONDS + 1);
    const winners = await Promise.all(
      Array.from({ length: 20 }, (_, i) => uc.deps.store.locks.acquire('200', `w${i}`, uc.clock.now(), LEASE_SECONDS)),
    );
    expect(winners.filter(Boolean)).toHaveLength(1);
  });
});

describe('retry', () => {
  const failedAt = (step: 'dispatch' | 'follow', from: Exclude<DeployState, { kind: 'failed' }>): DeployState => ({
    kind: 'failed',
    step,
    from,
    reason: 'boom',
    transient: false,
    attempts: 1,
    at: '2026-11-02T09:00:00.000Z',
  });

  it('resumes a failed step under the lease and queues the worker', async () => {
    const approved = { kind: 'attested' as const, contentHash: 'h', at: '2026-11-02T08:00:00.000Z' };
    const record = await givenRelease(uc, { deploy: failedAt('dispatch', approved) });
    await retryRelease(uc.deps, uc.as('dev'), record.versionId);
    expect((await uc.deps.store.releases.get('OPS', record.versionId))?.deploy).toEqual(approved);
    expect((await uc.deps.store.audit.list(record.versionId)).map((entry) => entry.detail)).toEqual([
      'Retry of step dispatch requested',
    ]);
    expect(uc.queued.map((q) => q.job.reason)).toEqual(['retry by dev']);
    expect(await uc.deps.store.locks.held(record.versionId)).toBeUndefined();
  });

  it('dispatches anew after a run that concluded unsuccessfully, instead of following it again', async () => {
    const dispatched = {
      kind: 'dispatched' as const,
      contentHash: 'h',
      at: '2026-11-02T08:00:00.000Z',
      runId: 7,
      runUrl: null,
      requestId: 'r',
    };
    const record = await givenRelease(uc, { deploy: failedAt('follow', dispatched) });
    await uc.deps.store.releases.put({ ...record, run: { status: 'completed', conclusion: 'failure' } });
    await retryRelease(uc.deps, uc.as('dev'), record.versionId);
    expect((await uc.deps.store.releases.get('OPS', record.versionId))?.deploy).toEqual({
      kind: 'attested',
      contentHash: 'h',
      at: uc.clock.now(),
    });
  });

  it('changes nothing when the release has not failed, or another worker holds it', async () => {
    const open = await givenRelease(uc);
    expect((await rejection(retryRelease(uc.deps, uc.as('dev'), open.versionId))).code).toBe('CONFLICT');
    const failed = await givenRelease(uc, {
      slot: false,
      deploy: failedAt('dispatch', { kind: 'approved', contentHash: 'h', at: uc.clock.now() }),
    });
    await uc.deps.store.locks.acquire(failed.versionId, 'worker', uc.clock.now(), LEASE_SECONDS);
    expect((await rejection(retryRelease(uc.deps, uc.as('dev'), failed.versionId))).code).toBe('DEPLOY_IN_PROGRESS');
    expect(await uc.deps.store.releases.get('OPS', failed.versionId)).toEqual(failed);
    expect(uc.queued).toEqual([]);
  });
});
