/**
 * @forge/events Queue.push through the local runtime: delivered to the registered consumer the way
 * Forge invokes a consumer function, asynchronously, with retries and concurrency keys.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { installForgeRuntime, type AsyncEvent } from '../../sandbox/forge-runtime';

const runtime = await installForgeRuntime({ jiraBaseUrl: 'http://127.0.0.1:9', egress: {}, allowedEgress: [] });
const { Queue, InvocationError, InvocationErrorCode, InternalServerError } = await import('@forge/events');
const { default: api, route } = await import('@forge/api');

afterAll(() => runtime.uninstall());

let received: { event: AsyncEvent; context: unknown }[] = [];
beforeEach(() => {
  received = [];
  runtime.onQueue('test-queue', (event, context) => {
    received.push({ event, context });
  });
});

describe('queue delivery', () => {
  it('delivers a pushed event to the consumer, after push returns, as an AsyncEvent', async () => {
    const { jobId } = await new Queue({ key: 'test-queue' }).push({ body: { versionId: '10001' } });
    expect(received).toEqual([]);
    await runtime.drainQueues();
    expect(received).toEqual([
      {
        event: { body: { versionId: '10001' }, queueName: 'test-queue', jobId, eventId: expect.any(String) },
        context: { installContext: runtime.installContext },
      },
    ]);
  });

  it('refuses a push to a queue without a consumer (the SDK throws its error)', async () => {
    await expect(new Queue({ key: 'nobody-listens' }).push({ body: {} })).rejects.toBeInstanceOf(InternalServerError);
  });

  it('invokes again with retryContext when the consumer returns an InvocationError', async () => {
    const attempts: AsyncEvent[] = [];
    runtime.onQueue('retry-queue', (event) => {
      attempts.push(event);
      if (attempts.length < 3)
        return new InvocationError({
          retryAfter: 5,
          retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
          retryData: { step: attempts.length },
        });
      return undefined;
    });
    await new Queue({ key: 'retry-queue' }).push({ body: { n: 1 } });
    await runtime.drainQueues();
    expect(attempts.map((e) => e.retryContext)).toEqual([
      undefined,
      { retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: { step: 1 } },
      { retryCount: 2, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: { step: 2 } },
    ]);
    expect(runtime.queueDeliveries.filter((d) => d.queueName === 'retry-queue').map((d) => d.outcome)).toEqual([
      'retry',
      'retry',
      'done',
    ]);
  });

  it('runs events that share a concurrency key one at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    runtime.onQueue('serial-queue', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    const queue = new Queue({ key: 'serial-queue' });
    await queue.push([1, 2, 3].map((n) => ({ body: { n }, concurrency: { key: 'release-10001', limit: 1 } })));
    await runtime.drainQueues();
    expect(maxRunning).toBe(1);
    expect(runtime.queueDeliveries.filter((d) => d.queueName === 'serial-queue')).toHaveLength(3);
  });

  it('reports a consumer that throws from drainQueues()', async () => {
    runtime.onQueue('failing-queue', () => {
      throw new Error('boom');
    });
    await new Queue({ key: 'failing-queue' }).push({ body: {} });
    await expect(runtime.drainQueues()).rejects.toThrow(/1 queue consumer invocation\(s\) threw/);
    await expect(runtime.drainQueues()).resolves.toBeUndefined();
  });

  it('runs consumers without a user: asUser() fails there', async () => {
    runtime.onQueue('user-queue', () => api.asUser().requestJira(route`/rest/api/3/myself`));
    await new Queue({ key: 'user-queue' }).push({ body: {} });
    const failure: unknown = await runtime.drainQueues().catch((error: unknown) => error);
    expect(failure instanceof AggregateError && String(failure.errors[0])).toMatch(/outside a user invocation/);
  });
});
