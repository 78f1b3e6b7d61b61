/**
 * Fix versions: the release's Jira version added to each of its issues that does not have it from the
 * app yet, bounded in time by the invocation's limit, resumable from a precise remainder.
 */
import { addedKeys } from '../release/candidate';
import { mapBounded } from '../http/bounded';
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

function fixVersionDeadline(deps: Deps, ctx: CallContext): number {
  const started = Date.parse(ctx.invocation?.startedAt ?? deps.clock.now());
  return started + (ctx.invocation?.limitSeconds ?? RESOLVER_LIMIT_SECONDS) * 1000 * FIX_VERSION_SHARE;
}

/**
 * Adds the release's fix version to the issues that do not have it from the app yet, a few at once,
 * recording each batch of FIXED_PER_CHUNK as it completes, so that a fault, a crash or the deadline
 * leaves a precise remainder for the next refresh or scheduled check.
 */
export async function writeFixVersions(deps: Deps, ctx: CallContext, record: ReleaseRecord, issueKeys?: readonly string[]): Promise<string[]> {
  if (record.fixVersions.pending === 0) return [];
  const deadline = fixVersionDeadline(deps, ctx);
  const [keys, fixed] = await Promise.all([issueKeys ?? deps.store.keys.issueKeys(record), deps.store.keys.fixed(record.versionId, record.fixVersions.chunks)]);
  const pending = addedKeys(fixed, keys);
  const written: string[] = [];
  let current = record;
  let failure: unknown;
  for (let from = 0; from < pending.length && failure === undefined; from += FIXED_PER_CHUNK) {
    const batch: string[] = [];
    try {
      await mapBounded(pending.slice(from, from + FIXED_PER_CHUNK), FIX_VERSION_CONCURRENCY, async (key) => {
        if (Date.parse(deps.clock.now()) > deadline) return;
        await deps.jiraAsApp.addFixVersion(key, record.versionId);
        batch.push(key);
      });
    } catch (error) {
      failure = error;
    }
    if (batch.length === 0) break;
    const chunks = await deps.store.keys.addFixed(record.versionId, current.fixVersions.chunks, batch);
    written.push(...batch);
    current = { ...current, fixVersions: { chunks, written: current.fixVersions.written + batch.length, pending: pending.length - written.length } };
    await deps.store.releases.put(current);
    if (batch.length < Math.min(FIXED_PER_CHUNK, pending.length - from)) break;
  }
  if (written.length > 0) {
    const left = pending.length - written.length;
    const shown = written.length > 20 ? `${written.slice(0, 20).join(', ')} and ${written.length - 20} more` : written.join(', ');
    await deps.store.audit.append(record.versionId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'jira.fixVersions',
      detail: `Added to the release: ${shown}${left > 0 ? `; ${left} more to add` : ''}`,
    });
  }
  if (failure !== undefined) throw failure;
  return written;
}
