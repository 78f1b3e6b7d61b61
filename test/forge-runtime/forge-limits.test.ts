/**
 * Forge's limits in the local runtime: each test goes just past one, shows the runtime refusing the
 * way Forge does (the storage and events APIs' own codes through the REAL SDKs), and shows what the
 * app does about it. Figures and their sources: sandbox/forge-runtime/limits.ts and the README.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FORGE_LIMITS, ForgeLimitError, installForgeRuntime, LocalKvs } from '../../sandbox/forge-runtime';
import { AppError } from '../../src/errors';

// 2 ms per Forge second: the 300 s trigger limit is reached in 0.6 s, the 900 s consumer one in 1.8 s.
const MS_PER_SECOND = 2;
const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: {},
  allowedEgress: [],
  storage: new LocalKvs(),
  timeLimitMsPerSecond: MS_PER_SECOND,
});
const { kvs, ForgeKvsAPIError } = await import('@forge/kvs');
const { Queue, PayloadTooBigError } = await import('@forge/events');
const { forgeKeyValueStore } = await import('../../src/platform/forge-kvs');
const { forgeDeployQueue, DEPLOY_QUEUE_KEY } = await import('../../src/platform/forge-queue');
const { AuditLog } = await import('../../src/store/audit-log');
const { StoredSecrets } = await import('../../src/store/stored-secrets');
const { createSecretSource, MAX_SECRET_LENGTH } = await import('../../src/services/secrets');
const Resolver = (await import('@forge/resolver')).default;

afterAll(() => runtime.uninstall());

const store = forgeKeyValueStore();

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function kvsCode(call: Promise<unknown>): Promise<string> {
  const error = await rejection(call);
  if (!(error instanceof ForgeKvsAPIError)) throw new Error(`expected a ForgeKvsAPIError, got ${String(error)}`);
  return error.code;
}

/** The app's answer to a refusal: permanent, and never worded as "try again". */
async function permanentAppError(call: Promise<unknown>): Promise<AppError> {
  const error = await rejection(call);
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  expect(error.code).toBe('UPSTREAM_REJECTED');
  expect(error.transient).toBe(false);
  expect(error.message).not.toMatch(/try again/i);
  return error;
}

/** A JSON string value whose stored size is exactly `bytes`. */
const valueOfBytes = (bytes: number) => 'x'.repeat(bytes - 2);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

describe('KVS value size (240 KiB, documented)', () => {
  it('stores 240 KiB and refuses one byte more with MAX_SIZE; the app reports a permanent refusal', async () => {
    await kvs.set('limits:value', valueOfBytes(FORGE_LIMITS.kvsValueBytes));
    expect(await kvsCode(kvs.set('limits:value', valueOfBytes(FORGE_LIMITS.kvsValueBytes + 1)))).toBe('MAX_SIZE');
    const error = await permanentAppError(store.set('limits:value', valueOfBytes(FORGE_LIMITS.kvsValueBytes + 1)));
    expect(error.message).toBe(
      'Forge storage refused set limits:value: the value is larger than Forge storage accepts (240 KiB).',
    );
  });
});

describe('KVS keys (500 characters, documented format)', () => {
  it('accepts 500 characters and refuses 501 with KEY_TOO_LONG, and characters outside the format with INVALID_KEY', async () => {
    await kvs.set('k'.repeat(500), 1);
    expect(await kvsCode(kvs.set('k'.repeat(501), 1))).toBe('KEY_TOO_LONG');
    expect(await kvsCode(kvs.set('limits/slash', 1))).toBe('INVALID_KEY');
    expect(await kvsCode(kvs.set('   ', 1))).toBe('INVALID_KEY');
    await permanentAppError(store.get('k'.repeat(501)));
    await permanentAppError(store.set('limits/slash', 1));
  });
});

describe('KVS object depth (31, documented)', () => {
  it('stores a value nested 31 deep and refuses 32 with MAX_DEPTH; the app reports a permanent refusal', async () => {
    await kvs.set('limits:depth', nested(31));
    expect(await kvsCode(kvs.set('limits:depth', nested(32)))).toBe('MAX_DEPTH');
    await permanentAppError(store.set('limits:depth', nested(32)));
  });
});

describe('KVS query page size (20, the strictest documented figure)', () => {
  it('answers 20 per page and refuses 21 with LIST_QUERY_LIMIT_EXCEEDED; the app pages at 20 and reads everything', async () => {
    expect((await kvs.query().limit(20).getMany()).results.length).toBeLessThanOrEqual(20);
    expect(await kvsCode(kvs.query().limit(21).getMany())).toBe('LIST_QUERY_LIMIT_EXCEEDED');
    await permanentAppError(store.query('limits:', { limit: 100 }));
    const audit = new AuditLog(store, () => crypto.randomUUID());
    for (let i = 0; i < 45; i++)
      await audit.append('30001', {
        at: `2025-06-01T10:00:${String(i).padStart(2, '0')}Z`,
        actor: 'po',
        action: 'note',
        detail: `entry ${i}`,
      });
    expect((await audit.list('30001')).map((entry) => entry.detail)).toEqual(
      Array.from({ length: 45 }, (_, i) => `entry ${i}`),
    );
  });
});

describe('secrets (KVS value limits; the app allows tokens of 4096 characters)', () => {
  it('refuses a secret over 240 KiB with MAX_SIZE; the app refuses an over-long token before storing it', async () => {
    expect(await kvsCode(kvs.setSecret('limits:secret', valueOfBytes(FORGE_LIMITS.kvsValueBytes + 1)))).toBe(
      'MAX_SIZE',
    );
    const secrets = createSecretSource(new StoredSecrets(store), () => undefined);
    const error = await rejection(
      secrets.set('LIM', 'githubToken', 'g'.repeat(MAX_SECRET_LENGTH + 1), {
        at: '2025-06-01T10:00:00Z',
        accountId: 'admin',
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await kvs.getSecret('secret:LIM:githubToken')).toBeUndefined();
  });
});

describe('queue event size (100 KB per event for consumers over 55 s, 200 KB per push; documented)', () => {
  const delivered: unknown[] = [];
  runtime.onQueue(DEPLOY_QUEUE_KEY, (event) => {
    delivered.push(event.body);
  });

  it('refuses an event over 100 KB for the 900 s deploy consumer with 413 (the SDK throws PayloadTooBigError)', async () => {
    const queue = new Queue({ key: DEPLOY_QUEUE_KEY });
    await queue.push({ body: { note: 'x'.repeat(90 * 1024) } });
    const error = await rejection(queue.push({ body: { note: 'x'.repeat(FORGE_LIMITS.queueEventBytesLongRunning) } }));
    expect(error).toBeInstanceOf(PayloadTooBigError);
    // Over 200 KB in one push, @forge/events refuses before sending.
    expect(await rejection(queue.push({ body: { note: 'x'.repeat(FORGE_LIMITS.queuePushBytes) } }))).toBeInstanceOf(
      PayloadTooBigError,
    );
    await runtime.drainQueues();
    expect(delivered).toHaveLength(1);
  });

  it('the app reports a deploy job refused for its size as permanent', async () => {
    await permanentAppError(
      forgeDeployQueue().push({
        projectKey: 'P'.repeat(FORGE_LIMITS.queueEventBytesLongRunning),
        versionId: '10001',
        reason: 'approved',
      }),
    );
  });
});

describe('invocation time (25 s resolvers; triggers and consumers as the manifest sets, 300 s and 900 s)', () => {
  const sleepForgeSeconds = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * MS_PER_SECOND));

  it('stops a resolver after 25 s', async () => {
    const handler = new Resolver().define('slow', () => sleepForgeSeconds(26)).getDefinitions();
    const error = await rejection(
      runtime.invokeResolver(handler, { key: 'slow', accountId: 'u', projectKey: 'ABC', projectId: '1' }),
    );
    expect(error).toMatchObject({ code: 'INVOCATION_TIMEOUT' });
  });

  it('lets the scheduled check run 250 s and stops it after its 300 s', async () => {
    await expect(runtime.runScheduledTrigger(() => sleepForgeSeconds(250).then(() => 'done'))).resolves.toBe('done');
    const error = await rejection(runtime.runScheduledTrigger(() => sleepForgeSeconds(310)));
    expect(error).toBeInstanceOf(ForgeLimitError);
    expect(error).toMatchObject({
      code: 'INVOCATION_TIMEOUT',
      message: expect.stringContaining(`${300 * MS_PER_SECOND} ms`),
    });
  });

  it('stops the deploy consumer after its 900 s, and reports it like a consumer that threw', async () => {
    runtime.onQueue('deploy-queue', () => sleepForgeSeconds(910));
    await new Queue({ key: DEPLOY_QUEUE_KEY }).push({ body: { versionId: '10001' } });
    const error = await rejection(runtime.drainQueues());
    expect(error).toBeInstanceOf(AggregateError);
    expect(error instanceof AggregateError && error.errors[0]).toMatchObject({
      code: 'INVOCATION_TIMEOUT',
      message: expect.stringContaining(`${900 * MS_PER_SECOND} ms`),
    });
    expect(runtime.queueDeliveries.at(-1)).toMatchObject({ queueName: DEPLOY_QUEUE_KEY, outcome: 'threw' });
  });
});

describe('resolver payload and response (5 MB each, ASSUMED: no documented figure)', () => {
  const echo = new Resolver().define('echo', ({ payload }: { payload: unknown }) => payload).getDefinitions();
  const big = new Resolver()
    .define('big', () => ({ rows: 'x'.repeat(FORGE_LIMITS.resolverResponseBytes) }))
    .getDefinitions();

  it('refuses a payload over the limit before the resolver runs, and drops an answer over it', async () => {
    const call = { accountId: 'u', projectKey: 'ABC', projectId: '1' };
    await expect(
      runtime.invokeResolver(echo, { ...call, key: 'echo', payload: { text: 'x'.repeat(1024) } }),
    ).resolves.toEqual({ text: 'x'.repeat(1024) });
    expect(
      await rejection(
        runtime.invokeResolver(echo, {
          ...call,
          key: 'echo',
          payload: { text: 'x'.repeat(FORGE_LIMITS.resolverPayloadBytes) },
        }),
      ),
    ).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await rejection(runtime.invokeResolver(big, { ...call, key: 'big' }))).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
  });
});
