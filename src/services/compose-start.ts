/**
 * A candidate too large to compose within a resolver's 25 s: the resolver creates the version (or
 * marks the open one) as composing and queues the composition for the consumer (900 s), so the
 * release page opens at once and shows the progress. Creation keeps its order: pending name →
 * version → record → audit → slot → clear name; the job is queued only after the lease is let go,
 * so the consumer does not find the release held by the resolver that queued it.
 */
import type { RefreshResult } from '../contract';
import { AppError } from '../errors';
import { versionName, type ProjectConfig } from '../release/config';
import { mayChangeContent } from '../release/refresh-plan';
import { newReleaseRecord, uncomposedCandidate, type ComposingMark, type ReleaseRecord } from '../store/records';
import { adoptVersionOfFailedCreate, createVersion } from './candidate-version';
import type { Selection } from './compose';
import type { CallContext, Deps } from './deps';
import { withReleaseLock } from './release-lock';
import { refreshResult } from './refresh-result';

/**
 * Listings of more GitHub pages than this in all (about 12,000 commits) are composed by the
 * consumer. Measured on the bench's 100 ms a call: 120 pages and their 120 Kosli look-ups take
 * about 4 s, which leaves the resolver's 25 s for its Jira writes and a slow upstream.
 */
export const INLINE_PAGE_LIMIT = 120;

/** A composition not heard from for this long (a killed consumer, a lost queue event) is queued again. */
export const COMPOSITION_STALE_SECONDS = 120;

export function composingResult(record: ReleaseRecord): RefreshResult {
  return refreshResult(record, { contentHash: record.candidate.contentHash, composing: true });
}

export async function queueComposition(
  deps: Deps,
  projectKey: string,
  versionId: string,
  reason: string,
): Promise<void> {
  await deps.queue.push({ kind: 'candidate', projectKey, versionId, reason });
}

export async function startComposition(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  owned: string | undefined,
  selection: Selection,
  pages: number,
): Promise<RefreshResult> {
  const mark: ComposingMark = { since: deps.clock.now(), by: ctx.actor, selection };
  const started = owned
    ? await withReleaseLock(deps, owned, () => markComposing(deps, ctx, owned, mark, pages))
    : await withReleaseLock(deps, `project-${ctx.projectKey}`, async () => {
        const raced = await deps.store.slots.candidate(ctx.projectKey);
        if (raced) return withReleaseLock(deps, raced, () => markComposing(deps, ctx, raced, mark, pages));
        return createComposing(deps, ctx, config, mark, pages);
      });
  await queueComposition(deps, ctx.projectKey, started.versionId, `composition of ${pages} pages of commits`);
  return started;
}

async function createComposing(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  mark: ComposingMark,
  pages: number,
): Promise<RefreshResult> {
  const now = mark.since;
  const version =
    (await adoptVersionOfFailedCreate(deps, ctx)) ??
    (await createVersion(deps, ctx, versionName(config.release.namePattern, now), now));
  return withReleaseLock(deps, version.id, async () => {
    const identity = {
      versionId: version.id,
      projectKey: ctx.projectKey,
      projectId: ctx.projectId,
      name: version.name,
    };
    await deps.store.compositions.setStatus(version.id, {
      startedAt: now,
      updatedAt: now,
      attempts: 0,
      progress: null,
      error: null,
    });
    await deps.store.releases.put({
      ...newReleaseRecord(identity, now),
      candidate: uncomposedCandidate(),
      selection: mark.selection,
      composing: mark,
    });
    await deps.store.audit.append(version.id, {
      at: now,
      actor: ctx.actor,
      action: 'candidate.created',
      detail: `Version ${version.name} created; its content (${pages} pages of commits) is being composed in the background.`,
    });
    // From here on the app owns this version and never creates another.
    await deps.store.slots.setCandidate(ctx.projectKey, version.id);
    await deps.store.slots.setPendingVersion(ctx.projectKey, null);
    return refreshResult(
      { versionId: version.id, name: version.name },
      { created: true, changed: true, contentHash: '', composing: true },
    );
  });
}

async function markComposing(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  mark: ComposingMark,
  pages: number,
): Promise<RefreshResult> {
  const record = await deps.store.releases.owned(ctx.projectKey, versionId);
  if (record.composing) return composingResult(record);
  // What runs changed: a dispatch that may have started a run is settled before the content may change.
  if (!mayChangeContent(record)) {
    throw new AppError(
      'DEPLOY_IN_PROGRESS',
      `Release ${record.name} is already deploying the approved content; it cannot change now.`,
    );
  }
  await deps.store.compositions.setStatus(versionId, {
    startedAt: mark.since,
    updatedAt: mark.since,
    attempts: 0,
    progress: null,
    error: null,
  });
  await deps.store.releases.put({ ...record, composing: mark, updatedAt: mark.since });
  await deps.store.audit.append(versionId, {
    at: mark.since,
    actor: ctx.actor,
    action: 'candidate.composing',
    detail: `What runs in staging or prod changed: the new content (${pages} pages of commits) is being composed in the background. Approvals and deploys wait until it is recorded.`,
  });
  return composingResult({ ...record, composing: mark });
}

/** Failed runs after which only a person's refresh tries the composition again (not the scheduled check). */
const AUTOMATIC_ATTEMPTS = 5;

/**
 * A composition that failed, or whose consumer has not been heard from for a while (killed, or its
 * queue event lost), is queued again; it resumes from its checkpoints. Returns whether it was.
 * `byPerson`: a refresh someone asked for, which tries again however often it failed.
 */
export async function resumeIfStalled(deps: Deps, record: ReleaseRecord, byPerson: boolean): Promise<boolean> {
  const status = await deps.store.compositions.status(record.versionId);
  const heardFrom = Date.parse(status?.updatedAt ?? record.composing?.since ?? record.updatedAt);
  const stalled = Date.parse(deps.clock.now()) - heardFrom > COMPOSITION_STALE_SECONDS * 1000;
  if (!stalled && !status?.error) return false;
  if (!byPerson && status?.error && status.attempts >= AUTOMATIC_ATTEMPTS) return false;
  if (await deps.store.locks.held(record.versionId)) return false;
  await queueComposition(
    deps,
    record.projectKey,
    record.versionId,
    status?.error ? 'retry after a failed composition' : 'resume a stalled composition',
  );
  return true;
}

/** Nothing is approved, declined or deployed while the content is still being composed. */
export function refuseWhileComposing(record: ReleaseRecord): void {
  if (!record.composing) return;
  throw new AppError(
    'CONFLICT',
    `Release ${record.name}'s content is still being composed: decisions open once it is recorded (the release page shows the progress).`,
  );
}
