/**
 * forgeKeyValueStore() over the REAL @forge/kvs, against the local Forge runtime.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';
import { AppError } from '../../src/errors';

let now = Date.parse('2025-06-01T10:00:00Z');
const storage = new LocalKvs({ now: () => now });
const runtime = await installForgeRuntime({ jiraBaseUrl: 'http://127.0.0.1:9', egress: {}, allowedEgress: [], storage });
const { forgeKeyValueStore } = await import('../../src/platform/forge-kvs');
const { kvs, ForgeKvsAPIError } = await import('@forge/kvs');

afterAll(() => runtime.uninstall());

const store = forgeKeyValueStore();

describe('forgeKeyValueStore', () => {
  it('round-trips values and answers undefined for missing keys', async () => {
    expect(await store.set('config:ABC', { org: 'acme', envs: ['staging', 'prod'] })).toBe(true);
    expect(await store.get('config:ABC')).toEqual({ org: 'acme', envs: ['staging', 'prod'] });
    await store.delete('config:ABC');
    expect(await store.get('config:ABC')).toBeUndefined();
  });

  it('set with ifAbsent answers false when the key exists, while raw kvs throws the real conflict error', async () => {
    expect(await store.set('lock:deploy:10001', { owner: 'a' }, { ifAbsent: true })).toBe(true);
    expect(await store.set('lock:deploy:10001', { owner: 'b' }, { ifAbsent: true })).toBe(false);
    const raw: unknown = await kvs.set('lock:deploy:10001', 'x', { keyPolicy: 'FAIL_IF_EXISTS' }).catch((e: unknown) => e);
    expect(raw instanceof ForgeKvsAPIError && raw.code).toBe('KEY_CONFLICT');
    expect(await store.get('lock:deploy:10001')).toEqual({ owner: 'a' });
    // Without ifAbsent, the last write wins.
    expect(await store.set('lock:deploy:10001', { owner: 'c' })).toBe(true);
    expect(await store.get('lock:deploy:10001')).toEqual({ owner: 'c' });
  });

  it('expires a value after ttlSeconds, which frees an ifAbsent key', async () => {
    await store.set('lock:deploy:10002', 'held', { ifAbsent: true, ttlSeconds: 900 });
    now += 899_000;
    expect(await store.set('lock:deploy:10002', 'other', { ifAbsent: true })).toBe(false);
    now += 2_000;
    expect(await store.get('lock:deploy:10002')).toBeUndefined();
    expect(await store.set('lock:deploy:10002', 'other', { ifAbsent: true })).toBe(true);
  });

  it('queries a prefix in key order, paged with limit and cursor', async () => {
    for (const at of ['03', '01', '02']) await store.set(`audit:10001:2025-06-01T10:00:${at}Z:x`, at);
    await store.set('audit:10002:2025-06-01T10:00:00Z:x', 'other release');
    const first = await store.query<string>('audit:10001:', { limit: 2 });
    expect(first.results.map((r) => r.value)).toEqual(['01', '02']);
    const second = await store.query<string>('audit:10001:', { limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ results: [{ key: 'audit:10001:2025-06-01T10:00:03Z:x', value: '03' }], nextCursor: undefined });
  });

  it('keeps secrets apart from values', async () => {
    await store.setSecret('token:ABC:github', 'ghp_secret');
    expect(await store.getSecret('token:ABC:github')).toBe('ghp_secret');
    expect(await store.get('token:ABC:github')).toBeUndefined();
    expect((await store.query('token:')).results).toEqual([]);
    await store.deleteSecret('token:ABC:github');
    expect(await store.getSecret('token:ABC:github')).toBeUndefined();
  });

  it('translates a storage refusal into a permanent AppError, naming the operation and keeping the cause', async () => {
    const error: unknown = await store.set('bad/key', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', system: 'storage', operation: 'set bad/key', status: 400, transient: false });
    expect(error instanceof AppError && error.cause instanceof ForgeKvsAPIError && error.cause.code).toBe('INVALID_KEY');
  });
});
