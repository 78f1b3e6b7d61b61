/**
 * Single-flight per release: whoever changes a release record holds its lock. Forge may run a
 * trigger twice and users click twice; the loser changes nothing.
 */
import { AppError } from '../errors';
import type { Deps } from './deps';

/** Long enough for the longest holder (the deploy consumer's 900 s), so a live lock is never taken over. */
export const WORKER_LOCK_TTL_SECONDS = 960;
/**
 * Resolver-led holders (refresh, retry) finish within Forge's 25 s or are killed: a short expiry
 * keeps a killed resolver from blocking the release for a quarter of an hour.
 */
export const ACTION_LOCK_TTL_SECONDS = 120;

/** Runs `work` under the lock; `{ ran: false }` when another holder has it. */
export async function tryWithReleaseLock<T>(
  deps: Deps,
  id: string,
  work: () => Promise<T>,
  ttlSeconds: number = WORKER_LOCK_TTL_SECONDS,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const owner = deps.newId();
  if (!(await deps.store.acquireLock(id, owner, deps.clock.now(), ttlSeconds))) return { ran: false };
  try {
    return { ran: true, value: await work() };
  } finally {
    await deps.store.releaseLock(id, owner);
  }
}

/** Like tryWithReleaseLock, but a held lock is a DEPLOY_IN_PROGRESS error for the caller to show. */
export async function withReleaseLock<T>(deps: Deps, id: string, work: () => Promise<T>): Promise<T> {
  const outcome = await tryWithReleaseLock(deps, id, work, ACTION_LOCK_TTL_SECONDS);
  if (!outcome.ran) throw new AppError('DEPLOY_IN_PROGRESS', 'Another action on this release is running right now; try again in a moment.');
  return outcome.value;
}
