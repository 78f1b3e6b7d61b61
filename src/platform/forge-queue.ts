/**
 * The `DeployQueue` port over Forge async events. Events for one release share a concurrency key,
 * so Forge runs at most one deploy worker per release at a time (the storage lock remains the
 * guarantee; this only avoids pointless contention).
 * @see https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api/
 */
import { PayloadTooBigError, Queue, RateLimitError } from '@forge/events';
import { AppError } from '../errors';
import type { DeployJob, DeployQueue } from '../services/deps';

/** The queue named by the manifest's `consumer` module. */
export const DEPLOY_QUEUE_KEY = 'deploy-queue';

export function forgeDeployQueue(queue: Queue = new Queue({ key: DEPLOY_QUEUE_KEY })): DeployQueue {
  return {
    async push(job: DeployJob, options = {}): Promise<void> {
      try {
        await queue.push({
          body: {
            ...(job.kind ? { kind: job.kind } : {}),
            projectKey: job.projectKey,
            versionId: job.versionId,
            reason: job.reason,
            ...(job.hops ? { hops: job.hops } : {}),
          },
          concurrency: { key: job.versionId, limit: 1 },
          ...(options.delayInSeconds
            ? { delayInSeconds: Math.min(900, Math.max(1, Math.round(options.delayInSeconds))) }
            : {}),
        });
      } catch (error) {
        if (error instanceof RateLimitError) {
          throw new AppError(
            'UPSTREAM_RATE_LIMITED',
            'Too many deploys were queued in the last minute; try again shortly.',
            { cause: error },
          );
        }
        // Refused for its size, the same job is refused every time: not worth another try.
        if (error instanceof PayloadTooBigError) {
          throw new AppError('UPSTREAM_REJECTED', 'The deploy job is larger than Forge queues accept.', {
            cause: error,
          });
        }
        throw new AppError('UPSTREAM_UNAVAILABLE', 'The deploy could not be queued; try again.', { cause: error });
      }
    },
  };
}
