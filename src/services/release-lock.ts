/**
 * Single-flight per release: whoever changes a release record holds its lease. Forge may run a
 * trigger twice and users click twice; the loser changes nothing.
 *
 * A lease, not a long lock: it is short and the holder renews it while it works (a heartbeat), so a
 * worker that died (a killed invocation, a stopped sandbox) blocks its release for at most one
 * lease, and the next check or queued event continues from the last recorded step.
 */
import { AppError } from '../errors';
import type { Deps } from './deps';

/** How long a lease lasts without renewal: a dead holder's release continues after at most this. */
export const LEASE_SECONDS = 60;
/** A live holder renews this often, well within the lease, so a slow storage call cannot lose it. */
export const HEARTBEAT_MS = 20_000;

/** What the work can ask of its lease. */
export interface Lease {
  /** False once a renewal found the lease taken over: the holder must stop before its next write. */
  held(): boolean;
}

export type LeaseOutcome<T> = { ran: true; value: T } | { ran: false; expiresAt: string | null };

/** Runs `work` under the release's lease, renewing it until the work ends; `{ ran: false }` when another holder has it. */
export async function tryWithReleaseLock<T>(
  deps: Deps,
  id: string,
  work: (lease: Lease) => Promise<T>,
): Promise<LeaseOutcome<T>> {
  const owner = deps.newId();
  if (!(await deps.store.locks.acquire(id, owner, deps.clock.now(), LEASE_SECONDS))) {
    return { ran: false, expiresAt: (await deps.store.locks.held(id))?.expiresAt ?? null };
  }
  let held = true;
  let renewal: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewal = renewal
      .then(async () => {
        if (held) held = await deps.store.locks.renew(id, owner, deps.clock.now(), LEASE_SECONDS);
      })
      .catch(() => undefined); // a failed renewal is retried on the next beat; the lease still has time
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return { ran: true, value: await work({ held: () => held }) };
  } finally {
    clearInterval(heartbeat);
    // A renewal in flight must land before the release, or it would write the lease back.
    await renewal;
    await deps.store.locks.release(id, owner);
  }
}

/** Like tryWithReleaseLock, but a held lease is a DEPLOY_IN_PROGRESS error that says when to try again. */
export async function withReleaseLock<T>(deps: Deps, id: string, work: () => Promise<T>): Promise<T> {
  const outcome = await tryWithReleaseLock(deps, id, work);
  if (!outcome.ran) throw new AppError('DEPLOY_IN_PROGRESS', leaseHeldMessage(outcome.expiresAt, deps.clock.now()));
  return outcome.value;
}

/** Seconds until a held lease runs out (0 when it already has), for re-queue delays and messages. */
export function leaseSecondsLeft(expiresAt: string | null, nowIso: string): number {
  if (expiresAt === null) return 0;
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.parse(nowIso)) / 1000));
}

function leaseHeldMessage(expiresAt: string | null, nowIso: string): string {
  const seconds = leaseSecondsLeft(expiresAt, nowIso);
  const when = seconds > 0 ? `in ${seconds} s (at ${expiresAt?.slice(11, 19) ?? ''} UTC)` : 'in a few seconds';
  return `Another action on this release is running right now. It holds the release for at most ${LEASE_SECONDS} s at a time and renews that while it works; if it has stopped, you can act ${when}.`;
}
