/**
 * The release lock over the real @forge/kvs on the local runtime: one holder at a time, and an
 * expired lock is taken over by exactly one of many contenders (a second contender must not delete
 * the first one's fresh lock).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';

const storage = new LocalKvs({ latencyMs: 1 });
const runtime = await installForgeRuntime({ jiraBaseUrl: 'http://127.0.0.1:9', egress: {}, allowedEgress: [], storage });
const { forgeKeyValueStore } = await import('../../src/platform/forge-kvs');
const { ReleaseStore } = await import('../../src/store/release-store');
afterAll(() => runtime.uninstall());

let sequence = 0;
const store = new ReleaseStore(forgeKeyValueStore(), () => `id-${++sequence}`);

describe('release lock', () => {
  it('has one holder until it is released', async () => {
    const now = '2026-11-28T10:00:00.000Z';
    expect(await store.acquireLock('100', 'a', now, 60)).toBe(true);
    expect(await store.acquireLock('100', 'b', now, 60)).toBe(false);
    await store.releaseLock('100', 'b');
    expect(await store.acquireLock('100', 'c', now, 60)).toBe(false);
    await store.releaseLock('100', 'a');
    expect(await store.acquireLock('100', 'c', now, 60)).toBe(true);
  });

  it('lets exactly one of 20 contenders take over an expired lock, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const version = `2${round}`;
      expect(await store.acquireLock(version, 'crashed', '2026-11-28T10:00:00.000Z', 60)).toBe(true);
      const later = '2026-11-28T10:05:00.000Z';
      // Staggered starts interleave the contenders' reads, deletes and writes differently each round.
      const contender = async (i: number) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 7 + round * 3) % 6));
        return store.acquireLock(version, `w${i}`, later, 60);
      };
      const winners = await Promise.all(Array.from({ length: 20 }, (_, i) => contender(i)));
      expect(winners.filter(Boolean)).toHaveLength(1);
    }
  });
});
