/**
 * forgeDeployQueue() over the REAL @forge/events Queue, delivered by the local runtime.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, type AsyncEvent } from '../../sandbox/forge-runtime';

const runtime = await installForgeRuntime({ jiraBaseUrl: 'http://127.0.0.1:9', egress: {}, allowedEgress: [] });
const { forgeDeployQueue, DEPLOY_QUEUE_KEY } = await import('../../src/platform/forge-queue');

afterAll(() => runtime.uninstall());

describe('forgeDeployQueue', () => {
  it('pushes a deploy job to the deploy queue, keyed by release for one worker at a time', async () => {
    const events: AsyncEvent[] = [];
    runtime.onQueue(DEPLOY_QUEUE_KEY, (event) => {
      events.push(event);
    });
    await forgeDeployQueue().push({ projectKey: 'ABC', versionId: '10001', reason: 'approved' });
    await runtime.drainQueues();
    expect(events).toEqual([
      expect.objectContaining({
        queueName: 'deploy-queue',
        body: { projectKey: 'ABC', versionId: '10001', reason: 'approved' },
        concurrency: { key: '10001', limit: 1 },
      }),
    ]);
  });

  it('pushes a re-queued job with its delay and hop count (Forge caps a delay at 900 s)', async () => {
    const events: AsyncEvent[] = [];
    runtime.onQueue(DEPLOY_QUEUE_KEY, (event) => {
      events.push(event);
    });
    await forgeDeployQueue().push(
      { projectKey: 'ABC', versionId: '10002', reason: 'waiting', hops: 3 },
      { delayInSeconds: 10 },
    );
    await forgeDeployQueue().push(
      { projectKey: 'ABC', versionId: '10003', reason: 'waiting' },
      { delayInSeconds: 5000 },
    );
    await runtime.drainQueues();
    expect(events.map((e) => [e.body, e.delayInSeconds])).toEqual([
      [{ projectKey: 'ABC', versionId: '10002', reason: 'waiting', hops: 3 }, 10],
      [{ projectKey: 'ABC', versionId: '10003', reason: 'waiting' }, 900],
    ]);
  });
});
