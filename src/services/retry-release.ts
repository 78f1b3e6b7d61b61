/**
 * A person retries a failed deploy step (after fixing the cause); the worker then continues on the queue.
 */
import { AppError } from '../errors';
import { transition } from '../release/deploy-state';
import type { CallContext, Deps } from './deps';
import { withReleaseLock } from './release-lock';
import { loadRelease } from './release-view';

export async function retryRelease(deps: Deps, ctx: CallContext, versionId: string): Promise<void> {
  await withReleaseLock(deps, versionId, async () => {
    const record = await loadRelease(deps, ctx.projectKey, versionId);
    if (record.deploy.kind !== 'failed')
      throw new AppError('CONFLICT', `Release ${record.name} has not failed: there is nothing to retry.`);
    const now = deps.clock.now();
    const runConcluded = record.run?.status === 'completed' && record.run.conclusion !== 'success';
    const deploy = transition(record.deploy, { type: 'retry', runConcluded }, now);
    await deps.store.releases.put({ ...record, deploy, updatedAt: now });
    await deps.store.audit.append(versionId, {
      at: now,
      actor: ctx.actor,
      action: 'deploy.retry',
      detail: `Retry of step ${record.deploy.step} requested`,
    });
  });
  await deps.queue.push({ projectKey: ctx.projectKey, versionId, reason: `retry by ${ctx.actor}` });
}
