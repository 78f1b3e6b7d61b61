/**
 * The queue consumer: runs the deploy worker for one release. It never sleeps inside its
 * invocation: a release waiting on something (a run in progress, prod's report, another holder's
 * lease) is pushed back on the queue with a delay, and this invocation ends. Errors are recorded in
 * the release's state by the worker itself, so nothing is thrown back for Forge to retry blindly;
 * what the consumer returns is scrubbed of every token it knows.
 */
import { z } from 'zod';
import { redact, toAppError } from '../errors';
import { advanceRelease, type AdvanceOutcome } from '../services/deploy-worker';
import type { DeployJob, Deps } from '../services/deps';
import { linksFor, type SiteIdentity } from '../services/links';
import { leaseSecondsLeft } from '../services/release-lock';

const deployEvent = z.object({
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/),
  versionId: z.string().regex(/^\d{1,18}$/),
  reason: z.string().max(500),
  hops: z.number().int().min(0).max(1000).optional(),
});

/**
 * A chain of re-queued jobs ends after this many hops (about one scheduled interval of 10-second
 * looks at a run); the scheduled check carries on from there, so a stuck run keeps no chain alive.
 */
export const MAX_HOPS = 30;
/** A transient failure (429, 5xx, a lost race) is tried again this soon, up to the worker's attempt limit. */
const TRANSIENT_RETRY_SECONDS = 30;

export interface DeployJobResult {
  ok: boolean;
  state: string | null;
  /** Seconds until the re-queued job runs, when the release waits. */
  requeuedInSeconds?: number;
  error?: string;
}

export async function runDeployJob(deps: Deps, body: unknown): Promise<DeployJobResult> {
  const started = Date.now();
  const finish = (result: DeployJobResult, fields: Record<string, string | number | null> = {}): DeployJobResult => {
    const scrubbed = result.error === undefined ? result : { ...result, error: redact(result.error, deps.log.secrets()) };
    deps.log.log(result.ok ? 'info' : 'error', 'deploy.job', { ok: result.ok, state: result.state, requeuedInSeconds: result.requeuedInSeconds ?? null, error: scrubbed.error ?? null, durationMs: Date.now() - started, ...fields });
    return scrubbed;
  };
  const event = deployEvent.safeParse(body);
  if (!event.success) return finish({ ok: false, state: null, error: 'Malformed deploy event' });
  const job: DeployJob = event.data;
  const fields = { project: job.projectKey, release: job.versionId, hops: job.hops ?? 0 };
  try {
    const record = await deps.store.releases.get(job.projectKey, job.versionId);
    if (!record) return finish({ ok: false, state: null, error: `No release ${job.versionId} in ${job.projectKey}` }, fields);
    const site = (await deps.store.settings.site<SiteIdentity>()) ?? { siteUrl: '', appId: 'app', environmentId: 'env', projectType: 'software' };
    const outcome = await advanceRelease(deps, { projectKey: record.projectKey, projectId: record.projectId, actor: 'deploy-worker', jiraAsUser: null, links: linksFor(site) }, record.versionId);
    const delay = requeueDelay(deps, outcome);
    if (delay !== null && (job.hops ?? 0) < MAX_HOPS) {
      await deps.queue.push({ ...job, hops: (job.hops ?? 0) + 1 }, { delayInSeconds: delay });
      return finish({ ok: true, state: outcome.state?.kind ?? 'leased', requeuedInSeconds: delay }, fields);
    }
    return finish({ ok: true, state: outcome.state?.kind ?? 'leased' }, fields);
  } catch (error) {
    return finish({ ok: false, state: null, error: toAppError(error).message }, fields);
  }
}

/** When to look again, or null when nothing is waiting. A held lease: just after it would run out. */
function requeueDelay(deps: Deps, outcome: AdvanceOutcome): number | null {
  if (!outcome.ran) return leaseSecondsLeft(outcome.leaseExpiresAt, deps.clock.now()) + 2;
  if (outcome.waiting) return outcome.waiting.retryInSeconds;
  return outcome.state?.kind === 'failed' && outcome.state.transient ? TRANSIENT_RETRY_SECONDS : null;
}
