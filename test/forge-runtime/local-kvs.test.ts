/**
 * The local KVS, exercised only through the REAL @forge/kvs SDK (as the app uses it).
 * The runtime is installed before the SDK is imported; see sandbox/forge-runtime/runtime.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';

let now = Date.parse('2025-06-01T10:00:00Z');
const storage = new LocalKvs({ now: () => now });
const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: {},
  allowedEgress: [],
  storage,
});
const { kvs, WhereConditions, ForgeKvsAPIError, MetadataField } = await import('@forge/kvs');

afterAll(() => runtime.uninstall());

let n = 0;
/** A fresh key prefix per test, so tests never see each other's keys. */
let p = '';
beforeEach(() => {
  p = `t${++n}:`;
});

async function kvsError(call: Promise<unknown>): Promise<InstanceType<typeof ForgeKvsAPIError>> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ForgeKvsAPIError)) throw new Error(`expected a ForgeKvsAPIError, got ${String(error)}`);
  return error;
}

describe('get / set / delete', () => {
  it('round-trips JSON values of every kind', async () => {
    const values = {
      obj: { a: 1, nested: { list: [1, 'two', null, true] } },
      str: 'hello',
      num: 42.5,
      yes: false,
      arr: ['x'],
      nil: null,
    };
    for (const [key, value] of Object.entries(values)) await kvs.set(`${p}${key}`, value);
    for (const [key, value] of Object.entries(values)) expect(await kvs.get(`${p}${key}`)).toEqual(value);
  });

  it('answers undefined for a missing key and for a deleted one', async () => {
    expect(await kvs.get(`${p}missing`)).toBeUndefined();
    await kvs.set(`${p}k`, 1);
    await kvs.delete(`${p}k`);
    expect(await kvs.get(`${p}k`)).toBeUndefined();
    await expect(kvs.delete(`${p}k`)).resolves.toBeUndefined();
  });

  it('returns metadata when asked', async () => {
    await kvs.set(`${p}k`, 'v', { ttl: { value: 2, unit: 'MINUTES' } });
    const result = await kvs.get(`${p}k`, { metadataFields: [MetadataField.CREATED_AT, MetadataField.EXPIRE_TIME] });
    expect(result).toEqual({
      key: `${p}k`,
      value: 'v',
      createdAt: now,
      expireTime: new Date(now + 120_000).toISOString(),
    });
  });

  it('refuses keys the real KVS refuses, with its error codes', async () => {
    expect((await kvsError(kvs.set(`${p}a/b`, 1))).code).toBe('INVALID_KEY');
    expect((await kvsError(kvs.set('x'.repeat(501), 1))).code).toBe('KEY_TOO_LONG');
    expect((await kvsError(kvs.set(`${p}big`, 'x'.repeat(241 * 1024)))).code).toBe('MAX_SIZE');
    // The keys the app uses are valid: ISO times and account ids included.
    await kvs.set(`decision:10001:2025-06-01T10:00:00.000Z:557058:f00-ba4`, 1);
  });
});

describe('FAIL_IF_EXISTS', () => {
  it('refuses a second set of the same key with the real KEY_CONFLICT error (409)', async () => {
    await kvs.set(`${p}lock`, { owner: 'a' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    const error = await kvsError(kvs.set(`${p}lock`, { owner: 'b' }, { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(error.code).toBe('KEY_CONFLICT');
    expect(error.responseDetails.status).toBe(409);
    expect(await kvs.get(`${p}lock`)).toEqual({ owner: 'a' });
  });

  it('lets exactly one of many concurrent writers win', async () => {
    storage.latencyMs = 1;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => kvs.set(`${p}race`, i, { keyPolicy: 'FAIL_IF_EXISTS' })),
    );
    storage.latencyMs = 0;
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('allows the key again once it expired or was deleted', async () => {
    await kvs.set(`${p}lock`, 1, { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 15, unit: 'SECONDS' } });
    now += 16_000;
    await kvs.set(`${p}lock`, 2, { keyPolicy: 'FAIL_IF_EXISTS' });
    await kvs.delete(`${p}lock`);
    await kvs.set(`${p}lock`, 3, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(await kvs.get(`${p}lock`)).toBe(3);
  });
});

describe('TTL', () => {
  it('expires a key on read once its ttl has passed', async () => {
    await kvs.set(`${p}short`, 'v', { ttl: { value: 30, unit: 'SECONDS' } });
    now += 29_000;
    expect(await kvs.get(`${p}short`)).toBe('v');
    now += 2_000;
    expect(await kvs.get(`${p}short`)).toBeUndefined();
    expect((await kvs.query().where('key', WhereConditions.beginsWith(p)).getMany()).results).toEqual([]);
  });
});

describe('query', () => {
  it('returns keys with the prefix in key order, 10 by default, paged by cursor', async () => {
    for (const i of [12, 3, 7, 1, 10, 5, 2, 11, 4, 9, 8, 6]) await kvs.set(`${p}item:${String(i).padStart(2, '0')}`, i);
    await kvs.set(`${p}other`, 'not an item');
    const first = await kvs
      .query()
      .where('key', WhereConditions.beginsWith(`${p}item:`))
      .getMany<number>();
    expect(first.results.map((r) => r.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await kvs
      .query()
      .where('key', WhereConditions.beginsWith(`${p}item:`))
      .cursor(first.nextCursor ?? '')
      .getMany<number>();
    expect(second.results.map((r) => r.value)).toEqual([11, 12]);
    expect(second.nextCursor).toBeUndefined();
    const limited = await kvs
      .query()
      .where('key', WhereConditions.beginsWith(`${p}item:`))
      .limit(3)
      .getMany<number>();
    expect(limited.results.map((r) => r.key)).toEqual([`${p}item:01`, `${p}item:02`, `${p}item:03`]);
  });

  it('refuses a limit above 100', async () => {
    expect((await kvsError(kvs.query().limit(101).getMany())).code).toBe('LIST_QUERY_LIMIT_EXCEEDED');
  });
});

describe('secrets', () => {
  it('stores secrets apart: readable with getSecret only, never by get or query', async () => {
    await kvs.setSecret(`${p}token`, 's3cret');
    expect(await kvs.getSecret(`${p}token`)).toBe('s3cret');
    expect(await kvs.get(`${p}token`)).toBeUndefined();
    expect((await kvs.query().where('key', WhereConditions.beginsWith(p)).getMany()).results).toEqual([]);
    await kvs.deleteSecret(`${p}token`);
    expect(await kvs.getSecret(`${p}token`)).toBeUndefined();
  });
});

describe('batch and transaction', () => {
  it('batch-sets, batch-gets (missing keys fail) and batch-deletes', async () => {
    const set = await kvs.batchSet([
      { key: `${p}a`, value: 1 },
      { key: `${p}b`, value: 2 },
    ]);
    expect(set.successfulKeys.map((k) => k.key)).toEqual([`${p}a`, `${p}b`]);
    const got = await kvs.batchGet<number>([{ key: `${p}a` }, { key: `${p}zz` }]);
    expect(got.successfulKeys.map((k) => [k.key, k.value])).toEqual([[`${p}a`, 1]]);
    expect(got.failedKeys).toEqual([{ key: `${p}zz`, error: expect.objectContaining({ code: 'KEY_NOT_FOUND' }) }]);
    await kvs.batchDelete([{ key: `${p}a` }, { key: `${p}b` }]);
    expect(await kvs.get(`${p}a`)).toBeUndefined();
  });

  it('applies a transaction all or nothing', async () => {
    await kvs.set(`${p}old`, 'x');
    await kvs.transact().set(`${p}new`, 'y').delete(`${p}old`).execute();
    expect([await kvs.get(`${p}new`), await kvs.get(`${p}old`)]).toEqual(['y', undefined]);
    const error = await kvsError(kvs.transact().set(`${p}ok`, 1).set(`${p}bad/key`, 2).execute());
    expect(error.code).toBe('INVALID_KEY');
    expect(await kvs.get(`${p}ok`)).toBeUndefined();
  });
});

describe('latency, counting and persistence', () => {
  it('counts calls and adds the configured latency to each', async () => {
    storage.latencyMs = 10;
    const before = storage.calls;
    const started = performance.now();
    await kvs.set(`${p}k`, 1);
    await kvs.get(`${p}k`);
    const elapsed = performance.now() - started;
    storage.latencyMs = 0;
    expect(storage.calls - before).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(19);
  });

  it('persists to a JSON file and loads it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-kvs-'));
    try {
      const file = join(dir, 'kvs.json');
      const first = new LocalKvs({ filePath: file });
      await first.handle('/api/v1/set', { key: 'config:ABC', value: { org: 'acme' } });
      await first.handle('/api/v1/secret/set', { key: 'token', value: 't' });
      first.close();
      const second = new LocalKvs({ filePath: file });
      expect(second.peek('config:ABC')).toEqual({ org: 'acme' });
      expect(await second.handle('/api/v1/secret/get', { key: 'token' })).toEqual({
        status: 200,
        body: expect.objectContaining({ value: 't' }),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
