/**
 * The consumer's side of a large candidate: composes it under the release's lease, with progress
 * the release page shows and checkpoints a crashed or failed run resumes from, records it exactly
 * as a refresh does, then writes its fix versions within the consumer's time. Also finishes the
 * fix versions a resolver left when its own time ran out.
 */
import { createHash } from 'node:crypto';
import { AppError, redact, toAppError } from '../errors';
import type { CompositionProgress, CompositionStatus } from '../store/composition-store';
import type { ReleaseRecord } from '../store/records';
import type { CompositionCheckpoints, Running, Selection } from './compose';
import type { CallContext, Deps } from './deps';
import { writeFixVersions } from './fix-versions';
import { refreshHeld } from './refresh-candidate';
import { tryWithReleaseLock } from './release-lock';

/** Progress is written at most this often (each write is a storage call the page then reads). */
const PROGRESS_EVERY_MS = 1000;

export type CandidateJobOutcome =
  | { ran: false; leaseExpiresAt: string | null }
  | { ran: true; did: 'composed' | 'fix versions' | 'nothing to do'; pendingFixVersions: number };

export async function finishCandidate(deps: Deps, ctx: CallContext, versionId: string): Promise<CandidateJobOutcome> {
  const outcome = await tryWithReleaseLock(deps, versionId, async () => {
    const record = await deps.store.releases.get(ctx.projectKey, versionId);
    if (!record) throw new AppError('NOT_FOUND', `No release ${versionId} in ${ctx.projectKey}.`);
    let did: 'composed' | 'fix versions' | 'nothing to do' = 'nothing to do';
    if (record.composing) {
      await composeStaged(deps, ctx, record);
      did = 'composed';
    } else if (record.fixVersions.pending > 0) {
      await writeFixVersions(deps, ctx, record);
      did = 'fix versions';
    }
    const after = did === 'nothing to do' ? record : await deps.store.releases.get(ctx.projectKey, versionId);
    return { did, pendingFixVersions: after?.fixVersions.pending ?? 0 };
  });
  return outcome.ran ? { ran: true, ...outcome.value } : { ran: false, leaseExpiresAt: outcome.expiresAt };
}

async function composeStaged(deps: Deps, ctx: CallContext, record: ReleaseRecord): Promise<void> {
  const { versionId } = record;
  const now = deps.clock.now();
  const before = await deps.store.compositions.status(versionId);
  const status: CompositionStatus = {
    startedAt: before?.startedAt ?? now,
    updatedAt: now,
    attempts: (before?.attempts ?? 0) + 1,
    progress: before?.progress ?? null,
    error: null,
  };
  await deps.store.compositions.setStatus(versionId, status);
  const progress = progressWriter(deps, versionId, status);
  try {
    await refreshHeld(deps, ctx, versionId, (running, selection) => ({
      checkpoints: checkpointsFor(deps, versionId, runKey(running, selection)),
      onProgress: progress.report,
    }));
    await progress.settle();
  } catch (error) {
    await progress.settle();
    await deps.store.compositions.setStatus(versionId, {
      ...progress.last(),
      error: redact(toAppError(error).message, deps.log.secrets()),
      updatedAt: deps.clock.now(),
    });
    throw error;
  }
  await deps.store.compositions.clear(versionId);
}

/** Names what runs (both environments' fingerprints of the chosen apps): checkpoints of another world are not reused. */
function runKey(running: Running, selection: Selection): string {
  const ranges = running.ranges.map((range) => [range.app.name, range.to.fingerprint, range.from?.fingerprint ?? null]);
  return createHash('sha256')
    .update(JSON.stringify({ ranges, apps: selection?.apps ?? null }))
    .digest('hex')
    .slice(0, 12);
}

function checkpointsFor(deps: Deps, versionId: string, run: string): CompositionCheckpoints {
  return {
    listing: (app) => deps.store.compositions.listing(versionId, run, app),
    saveListing: (app, list) => deps.store.compositions.saveListing(versionId, run, app, list),
    lookups: () => deps.store.compositions.lookups(versionId, run),
    saveLookup: (asked, found) => deps.store.compositions.saveLookup(versionId, run, asked, found),
  };
}

/**
 * Writes the latest progress at most once a second, in order. A failed progress write is dropped:
 * the bar is information, and the next write carries the newer figures anyway.
 */
function progressWriter(deps: Deps, versionId: string, status: CompositionStatus) {
  let current = status;
  let lastWrite = 0;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    const snapshot = current;
    writing = writing.then(() => deps.store.compositions.setStatus(versionId, snapshot)).catch(() => undefined);
  };
  return {
    report(progress: CompositionProgress): void {
      const now = deps.clock.now();
      current = { ...current, progress, updatedAt: now };
      if (Date.parse(now) - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = Date.parse(now);
      write();
    },
    async settle(): Promise<void> {
      write();
      await writing;
    },
    last: (): CompositionStatus => current,
  };
}
