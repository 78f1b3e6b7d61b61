/**
 * The release lease over the real @forge/kvs on the local runtime: one holder at a time, renewed
 * only by its holder, and an expired lease is taken over by exactly one of many contenders (a
 * second contender must not delete the first one's fresh lease). What a person who meets a held
 * lease is told: test/usecases/release-lease.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';

const storage = new LocalKvs({ latencyMs: 1 });
const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: {},
  allowedEgress: [],
  storage,
});
const { forgeKeyValueStore } = await import('../../src/platform/forge-kvs');
const { createStore } = await import('../../src/store');
afterAll(() => runtime.uninstall());

let sequence = 0;
const store = createStore(forgeKeyValueStore(), () => `id-${++sequence}`);

describe('release lock', () => {
  it('has one holder until it is released', async () => {
    const now = '2026-11-28T10:00:00.000Z';
    expect(await store.locks.acquire('100', 'a', now, 60)).toBe(true);
    expect(await store.locks.acquire('100', 'b', now, 60)).toBe(false);
    await store.locks.release('100', 'b');
    expect(await store.locks.acquire('100', 'c', now, 60)).toBe(false);
    await store.locks.release('100', 'a');
    expect(await store.locks.acquire('100', 'c', now, 60)).toBe(true);
  });

  it('lets exactly one of 20 contenders take over an expired lock, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const version = `2${round}`;
      expect(await store.locks.acquire(version, 'crashed', '2026-11-28T10:00:00.000Z', 60)).toBe(true);
      const later = '2026-11-28T10:05:00.000Z';
      // Staggered starts interleave the contenders' reads, deletes and writes differently each round.
      const contender = async (i: number) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 7 + round * 3) % 6));
        return store.locks.acquire(version, `w${i}`, later, 60);
      };
      const winners = await Promise.all(Array.from({ length: 20 }, (_, i) => contender(i)));
      expect(winners.filter(Boolean)).toHaveLength(1);
    }
  });

  it('is a lease: its holder renews it, nobody else can, and a lapsed one cannot be renewed', async () => {
    const at = (seconds: number) => new Date(Date.parse('2026-11-28T10:00:00.000Z') + seconds * 1000).toISOString();
    expect(await store.locks.acquire('300', 'worker', at(0), 60)).toBe(true);
    expect(await store.locks.renew('300', 'intruder', at(20), 60)).toBe(false);
    expect(await store.locks.renew('300', 'worker', at(20), 60)).toBe(true);
    expect((await store.locks.held('300'))?.expiresAt).toBe(at(80));
    // Renewed, so still held at 70 s; a dead holder's lease lapses and is taken over once.
    expect(await store.locks.acquire('300', 'next', at(70), 60)).toBe(false);
    expect(await store.locks.acquire('300', 'next', at(81), 60)).toBe(true);
    expect(await store.locks.renew('300', 'worker', at(82), 60)).toBe(false);
    expect((await store.locks.held('300'))?.owner).toBe('next');
  });
});
