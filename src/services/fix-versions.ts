/**
 * Fix versions: the release's Jira version added to each of its issues that does not have it from the
 * app yet, bounded in time by the invocation's limit, resumable from a precise remainder. Many issues
 * go through Jira's bulk edit where the app holds Make bulk changes; the rest one edit at a time.
 */
import { addedKeys } from '../release/candidate';
import { mapBounded } from '../http/bounded';
import { absentOn404, realSleep } from '../http/transport';
import { BULK_EDIT_MAX_ISSUES, type BulkTask } from '../jira/types';
import { FIXED_PER_CHUNK } from '../store/candidate-keys';
import type { ReleaseRecord } from '../store/records';
import type { CallContext, Deps } from './deps';

/**
 * Share of the invocation's time limit after which fix-version writes stop and leave the rest to the
 * next run (25 s for a resolver: about 17 s; the scheduled check's 300 s: 210 s). The deadline is
 * measured from the invocation's start, so reading and composing count against it.
 */
const FIX_VERSION_SHARE = 0.7;
/** Fix-version edits at once: Jira's burst limits punish more; 429 Retry-After is honoured by the transport. */
const FIX_VERSION_CONCURRENCY = 6;
/** A resolver's limit, when the caller does not say. */
const RESOLVER_LIMIT_SECONDS = 25;
/**
 * Pending keys from which the bulk edit is used. Below it single edits finish as soon (49 edits, 6 at
 * once, are 9 round trips; a bulk edit is a permission check, a submission and a task Jira starts
 * after a moment and that is polled), need no global permission, and a small refresh's delta
 * (usually a handful of keys) keeps its one call per key.
 */
export const BULK_EDIT_THRESHOLD = 50;
/** Waits between polls of running bulk tasks: Jira works through about a thousand issues in seconds. */
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 4_000;

function fixVersionDeadline(deps: Deps, ctx: CallContext): number {
  const started = Date.parse(ctx.invocation?.startedAt ?? deps.clock.now());
  return started + (ctx.invocation?.limitSeconds ?? RESOLVER_LIMIT_SECONDS) * 1000 * FIX_VERSION_SHARE;
}

/** A bulk task this run follows; `keys` when this run submitted it (a task from an earlier run has none). */
interface FollowedTask {
  taskId: string;
  keys?: readonly string[];
}

/** One invocation's writing: the record as it is now, and what was written which way. */
class FixVersionRun {
  readonly bulkWritten: string[] = [];
  readonly singleWritten: string[] = [];
  /** Issues bulk tasks reported as not edited (failed, missing or hidden): they stay pending. */
  notEdited = 0;
  private readonly remaining: Set<string>;

  constructor(
    private readonly deps: Deps,
    private readonly ctx: CallContext,
    private current: ReleaseRecord,
    pending: readonly string[],
    private readonly deadline: number,
  ) {
    this.remaining = new Set(pending);
  }

  get pending(): string[] {
    return [...this.remaining];
  }

  get written(): string[] {
    return [...this.bulkWritten, ...this.singleWritten];
  }

  timeLeft(): number {
    return this.deadline - Date.parse(this.deps.clock.now());
  }

  /** Appends the keys to the fixed chunks and the record, dropping ended tasks from it. */
  async markWritten(
    keys: readonly string[],
    way: 'bulk' | 'single',
    endedTasks: readonly string[] = [],
  ): Promise<void> {
    const fresh = keys.filter((key) => this.remaining.delete(key));
    if (fresh.length === 0 && endedTasks.length === 0) return;
    const { bulkTasks = [], ...counts } = this.current.fixVersions;
    const chunks =
      fresh.length === 0
        ? counts.chunks
        : await this.deps.store.keys.addFixed(this.current.versionId, counts.chunks, fresh);
    const tasks = bulkTasks.filter((id) => !endedTasks.includes(id));
    (way === 'bulk' ? this.bulkWritten : this.singleWritten).push(...fresh);
    await this.save({
      chunks,
      written: counts.written + fresh.length,
      pending: this.remaining.size,
      ...(tasks.length > 0 ? { bulkTasks: tasks } : {}),
    });
  }

  async rememberTasks(taskIds: readonly string[]): Promise<void> {
    await this.save({
      ...this.current.fixVersions,
      bulkTasks: [...(this.current.fixVersions.bulkTasks ?? []), ...taskIds],
    });
  }

  private async save(fixVersions: ReleaseRecord['fixVersions']): Promise<void> {
    this.current = { ...this.current, fixVersions };
    await this.deps.store.releases.put(this.current);
  }

  /** Polls the tasks until each has ended or the deadline comes; returns those still running. */
  async follow(tasks: readonly FollowedTask[], firstWaitMs: number): Promise<FollowedTask[]> {
    let running = [...tasks];
    for (
      let wait = firstWaitMs;
      running.length > 0 && this.timeLeft() > 0;
      wait = Math.min(Math.max(wait * 2, FIRST_POLL_MS), MAX_POLL_MS)
    ) {
      if (wait > 0) await realSleep(Math.min(wait, this.timeLeft()));
      // A task Jira no longer knows (its progress is kept 14 days) has ended without telling: its keys stay pending.
      const polled = await Promise.all(
        running.map(async (task) => ({
          task,
          progress: await absentOn404(() => this.deps.jiraAsApp.bulkTask(task.taskId), undefined),
        })),
      );
      const ended = polled.filter(({ progress }) => progress?.state !== 'running');
      const edited = await Promise.all(ended.map(({ task, progress }) => this.editedKeys(task, progress)));
      await this.markWritten(
        edited.flat(),
        'bulk',
        ended.map(({ task }) => task.taskId),
      );
      running = polled.filter(({ progress }) => progress?.state === 'running').map(({ task }) => task);
    }
    return running;
  }

  /** The keys an ended task edited: all it was given when it says so, else Jira's ids looked up. */
  private async editedKeys(task: FollowedTask, progress: BulkTask | undefined): Promise<string[]> {
    if (!progress) return [];
    this.notEdited += Object.keys(progress.failedIssues).length + progress.invalidOrInaccessibleCount;
    if (task.keys && progress.state === 'complete' && progress.editedIssueIds.length === task.keys.length)
      return [...task.keys];
    if (progress.editedIssueIds.length === 0) return [];
    const keys = await this.deps.jiraAsApp.issueKeysByIds(progress.editedIssueIds);
    return [...keys.values()];
  }

  /** Submits bulk edits of up to BULK_EDIT_MAX_ISSUES keys each and follows them to the deadline. */
  async writeInBulk(keys: readonly string[]): Promise<void> {
    const submitted: FollowedTask[] = [];
    let failure: unknown;
    try {
      for (let from = 0; from < keys.length && this.timeLeft() > 0; from += BULK_EDIT_MAX_ISSUES) {
        const batch = keys.slice(from, from + BULK_EDIT_MAX_ISSUES);
        submitted.push({
          taskId: await this.deps.jiraAsApp.bulkAddFixVersion(batch, this.current.versionId),
          keys: batch,
        });
      }
    } catch (error) {
      failure = error;
    }
    // Remembered before polling: a task still running at the deadline is polled by the next run, not resubmitted.
    if (submitted.length > 0) {
      await this.rememberTasks(submitted.map((task) => task.taskId));
      await this.follow(submitted, FIRST_POLL_MS);
    }
    if (failure !== undefined) throw failure;
  }

  /** Edits the issues a few at once, recording each FIXED_PER_CHUNK as it completes. */
  async writeOneByOne(keys: readonly string[]): Promise<void> {
    for (let from = 0; from < keys.length; from += FIXED_PER_CHUNK) {
      const batch: string[] = [];
      let failure: unknown;
      try {
        await mapBounded(keys.slice(from, from + FIXED_PER_CHUNK), FIX_VERSION_CONCURRENCY, async (key) => {
          if (this.timeLeft() < 0) return;
          await this.deps.jiraAsApp.addFixVersion(key, this.current.versionId);
          batch.push(key);
        });
      } catch (error) {
        failure = error;
      }
      await this.markWritten(batch, 'single');
      if (failure !== undefined) throw failure;
      if (batch.length < Math.min(FIXED_PER_CHUNK, keys.length - from)) return;
    }
  }

  async audit(singleReason: string): Promise<void> {
    const left = this.remaining.size;
    const tail = `${this.notEdited > 0 ? `; ${this.notEdited} Jira could not edit, to retry` : ''}${left > 0 ? `; ${left} more to add` : ''}`;
    for (const [keys, way] of [
      [this.bulkWritten, "through Jira's bulk edit"],
      [this.singleWritten, `one issue at a time (${singleReason})`],
    ] as const) {
      if (keys.length === 0) continue;
      const shown = keys.length > 20 ? `${keys.slice(0, 20).join(', ')} and ${keys.length - 20} more` : keys.join(', ');
      await this.deps.store.audit.append(this.current.versionId, {
        at: this.deps.clock.now(),
        actor: this.ctx.actor,
        action: 'jira.fixVersions',
        detail: `Added to the release ${way}: ${shown}${tail}`,
      });
    }
  }
}

/** Whether the app may use Jira's bulk edit: the global Make bulk changes permission, asked as the app. */
async function mayBulkEdit(deps: Deps): Promise<boolean> {
  const held = await deps.jiraAsApp.myPermissions(['BULK_CHANGE']);
  return held.BULK_CHANGE === true;
}

/**
 * Adds the release's fix version to the issues that do not have it from the app yet: first the bulk
 * tasks an earlier run left running are polled (nothing new is sent while one still runs); then, from
 * BULK_EDIT_THRESHOLD pending keys and with Make bulk changes, bulk edits of up to 1,000 issues;
 * otherwise single edits, a few at once. Keys count as written only once Jira reports them edited,
 * so a fault, a crash or the deadline leaves a precise remainder for the next refresh or scheduled check.
 */
export async function writeFixVersions(
  deps: Deps,
  ctx: CallContext,
  record: ReleaseRecord,
  issueKeys?: readonly string[],
): Promise<string[]> {
  if (record.fixVersions.pending === 0) return [];
  const deadline = fixVersionDeadline(deps, ctx);
  const [keys, fixed] = await Promise.all([
    issueKeys ?? deps.store.keys.issueKeys(record),
    deps.store.keys.fixed(record.versionId, record.fixVersions.chunks),
  ]);
  const run = new FixVersionRun(deps, ctx, record, addedKeys(fixed, keys), deadline);
  let singleReason = `fewer than ${BULK_EDIT_THRESHOLD} to add`;
  try {
    const earlier = record.fixVersions.bulkTasks ?? [];
    const stillRunning =
      earlier.length > 0
        ? await run.follow(
            earlier.map((taskId) => ({ taskId })),
            0,
          )
        : [];
    const pending = run.pending;
    if (stillRunning.length === 0 && pending.length > 0 && run.timeLeft() > 0) {
      const bulk = pending.length >= BULK_EDIT_THRESHOLD && (await mayBulkEdit(deps));
      if (pending.length >= BULK_EDIT_THRESHOLD && !bulk)
        singleReason = "the app lacks Jira's Make bulk changes permission";
      await (bulk ? run.writeInBulk(pending) : run.writeOneByOne(pending));
    }
  } finally {
    await run.audit(singleReason);
  }
  return run.written;
}
