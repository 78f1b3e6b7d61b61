/**
 * forgeKeyValueStore() over the REAL @forge/kvs, against the local Forge runtime: what only the SDK
 * shows. The port's behaviour itself (round trips, ifAbsent, ttl, paging, secrets, refusals) is one
 * suite run on this store and on the in-memory one: test/store/key-value-store.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';
import { AppError } from '../../src/errors';

const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: {},
  allowedEgress: [],
  storage: new LocalKvs(),
});
const { forgeKeyValueStore } = await import('../../src/platform/forge-kvs');
const { kvs, ForgeKvsAPIError } = await import('@forge/kvs');

afterAll(() => runtime.uninstall());

const store = forgeKeyValueStore();

describe('forgeKeyValueStore', () => {
  it('answers false for ifAbsent on a taken key, where raw kvs throws the real conflict error', async () => {
    expect(await store.set('lock:deploy:10001', { owner: 'a' }, { ifAbsent: true })).toBe(true);
    expect(await store.set('lock:deploy:10001', { owner: 'b' }, { ifAbsent: true })).toBe(false);
    const raw: unknown = await kvs
      .set('lock:deploy:10001', 'x', { keyPolicy: 'FAIL_IF_EXISTS' })
      .catch((e: unknown) => e);
    expect(raw instanceof ForgeKvsAPIError && raw.code).toBe('KEY_CONFLICT');
  });

  it('translates a storage refusal into a permanent AppError, naming the operation and keeping the cause', async () => {
    const error: unknown = await store.set('bad/key', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      system: 'storage',
      operation: 'set bad/key',
      status: 400,
      transient: false,
    });
    expect(error instanceof AppError && error.cause instanceof ForgeKvsAPIError && error.cause.code).toBe(
      'INVALID_KEY',
    );
  });
});
