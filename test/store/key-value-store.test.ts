/**
 * One suite of the KeyValueStore port, run on the real @forge/kvs over the local Forge runtime and on
 * the in-memory store of the fast use-case tests: what the repositories rely on must hold alike on
 * both (the in-memory store is only worth its speed if it behaves as the real one).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';
import type { KeyValueStore } from '../../src/store/key-value-store';
import { MemoryKeyValueStore } from '../support/memory-kvs';
import { rejection } from '../support/errors';

let now = Date.parse('2026-06-01T10:00:00Z');
const clock = () => now;
const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: {},
  allowedEgress: [],
  storage: new LocalKvs({ now: clock }),
});
const { forgeKeyValueStore } = await import('../../src/platform/forge-kvs');
afterAll(() => runtime.uninstall());

const stores: [string, KeyValueStore][] = [
  ['Forge KVS (local runtime)', forgeKeyValueStore()],
  ['in memory', new MemoryKeyValueStore(clock)],
];

describe.each(stores)('the KeyValueStore port: %s', (_name, store) => {
  it('round-trips JSON values, answers undefined for a missing key, and hands out copies', async () => {
    expect(await store.set('config:ABC', { org: 'acme', envs: ['staging'], gone: undefined })).toBe(true);
    const read = await store.get<{ envs: string[] }>('config:ABC');
    expect(read).toEqual({ org: 'acme', envs: ['staging'] });
    read?.envs.push('prod');
    expect(await store.get('config:ABC')).toEqual({ org: 'acme', envs: ['staging'] });
    await store.delete('config:ABC');
    expect(await store.get('config:ABC')).toBeUndefined();
    await store.delete('config:ABC');
  });

  it('ifAbsent answers false for a live key; a plain set overwrites', async () => {
    expect(await store.set('lock:deploy:1', { owner: 'a' }, { ifAbsent: true })).toBe(true);
    expect(await store.set('lock:deploy:1', { owner: 'b' }, { ifAbsent: true })).toBe(false);
    expect(await store.get('lock:deploy:1')).toEqual({ owner: 'a' });
    expect(await store.set('lock:deploy:1', { owner: 'c' })).toBe(true);
    expect(await store.get('lock:deploy:1')).toEqual({ owner: 'c' });
  });

  it('expires a value after ttlSeconds on the clock, which frees an ifAbsent key and hides it from queries', async () => {
    await store.set('lock:deploy:2', 'held', { ifAbsent: true, ttlSeconds: 60 });
    now += 59_000;
    expect(await store.set('lock:deploy:2', 'other', { ifAbsent: true })).toBe(false);
    expect((await store.query('lock:deploy:2')).results).toHaveLength(1);
    now += 2_000;
    expect((await store.query('lock:deploy:2')).results).toEqual([]);
    expect(await store.get('lock:deploy:2')).toBeUndefined();
    expect(await store.set('lock:deploy:2', 'other', { ifAbsent: true })).toBe(true);
  });

  it('queries a prefix in key order, 10 a page by default, up to 20, following the cursor', async () => {
    for (let i = 24; i >= 0; i--) await store.set(`audit:7:${String(i).padStart(2, '0')}`, i);
    await store.set('audit:70:00', 'another release');
    const first = await store.query<number>('audit:7:');
    expect(first.results.map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const second = await store.query<number>('audit:7:', { limit: 20, cursor: first.nextCursor });
    expect(second.results.map((r) => r.value)).toEqual(Array.from({ length: 15 }, (_, i) => i + 10));
    expect(second.nextCursor).toBeUndefined();
    expect(second.results[0]).toEqual({ key: 'audit:7:10', value: 10 });
  });

  it('refuses a page over 20, a value over 240 KiB and a key Forge does not accept, with the same permanent error', async () => {
    expect(await rejection(store.query('audit:', { limit: 21 }))).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      system: 'storage',
      operation: 'query audit:*',
      status: 400,
      message:
        'Forge storage refused query audit:*: the query asks for more entries per page than Forge storage returns.',
    });
    expect(await rejection(store.set('big', 'x'.repeat(240 * 1024)))).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      message: 'Forge storage refused set big: the value is larger than Forge storage accepts (240 KiB).',
    });
    expect(await store.get('big')).toBeUndefined();
    expect(await rejection(store.set('bad/key', 1))).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      operation: 'set bad/key',
      message: 'Forge storage refused set bad/key: the key has characters Forge storage does not accept.',
    });
  });

  it('keeps secrets apart from values and out of queries', async () => {
    await store.setSecret('secret:ABC:githubToken', 'ghp_secret_value_1234');
    expect(await store.getSecret('secret:ABC:githubToken')).toBe('ghp_secret_value_1234');
    expect(await store.get('secret:ABC:githubToken')).toBeUndefined();
    expect((await store.query('secret:')).results).toEqual([]);
    await store.deleteSecret('secret:ABC:githubToken');
    expect(await store.getSecret('secret:ABC:githubToken')).toBeUndefined();
  });
});
