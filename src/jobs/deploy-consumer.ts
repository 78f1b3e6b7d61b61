/**
 * The queue consumer: runs one job for a release, the deploy worker or a large candidate's
 * composition and fix versions (src/services/compose-job.ts). It never sleeps inside its
 * invocation: a release waiting on something (a run in progress, prod's report, another holder's
 * lease) is pushed back on the queue with a delay, and this invocation ends. Errors are recorded in
 * the release's state by the worker itself, so nothing is thrown back for Forge to retry blindly;
 * what the consumer returns is scrubbed of every token it knows.
 */
import { z } from 'zod';
import { redact, toAppError } from '../errors';
import { advanceRelease, type AdvanceOutcome } from '../services/deploy-worker';
import { finishCandidate } from '../services/compose-job';
import { CONSUMER_LIMIT_SECONDS, type CallContext, type DeployJob, type Deps } from '../services/deps';
import { linksFor, type SiteIdentity } from '../services/links';
import { leaseSecondsLeft } from '../services/release-lock';

const deployEvent = z.object({
  kind: z.enum(['deploy', 'candidate']).optional(),
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
    const scrubbed =
      result.error === undefined ? result : { ...result, error: redact(result.error, deps.log.secrets()) };
    deps.log.log(result.ok ? 'info' : 'error', 'deploy.job', {
      ok: result.ok,
      state: result.state,
      requeuedInSeconds: result.requeuedInSeconds ?? null,
      error: scrubbed.error ?? null,
      durationMs: Date.now() - started,
      ...fields,
    });
    return scrubbed;
  };
  const event = deployEvent.safeParse(body);
  if (!event.success) return finish({ ok: false, state: null, error: 'Malformed deploy event' });
  const job: DeployJob = event.data;
  const fields = { kind: job.kind ?? 'deploy', project: job.projectKey, release: job.versionId, hops: job.hops ?? 0 };
  try {
    const record = await deps.store.releases.get(job.projectKey, job.versionId);
    if (!record)
      return finish({ ok: false, state: null, error: `No release ${job.versionId} in ${job.projectKey}` }, fields);
    const site = (await deps.store.settings.site<SiteIdentity>()) ?? {
      siteUrl: '',
      appId: 'app',
      environmentId: 'env',
      projectType: 'software',
    };
    if (job.kind === 'candidate') {
      const ctx = {
        projectKey: record.projectKey,
        projectId: record.projectId,
        actor: 'candidate-worker',
        jiraAsUser: null,
        links: linksFor(site),
        invocation: { startedAt: deps.clock.now(), limitSeconds: CONSUMER_LIMIT_SECONDS },
      };
      return finish(await runCandidateJob(deps, ctx, job), fields);
    }
    const outcome = await advanceRelease(
      deps,
      {
        projectKey: record.projectKey,
        projectId: record.projectId,
        actor: 'deploy-worker',
        jiraAsUser: null,
        links: linksFor(site),
      },
      record.versionId,
    );
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

/**
 * A candidate job: composes a large candidate, or continues its fix versions. Waits out another
 * holder's lease, continues at once when its time ran out with fix versions left, and tries a failed
 * composition again later (it resumes from its checkpoints); the chain is bounded by MAX_HOPS, and
 * the scheduled check revives a composition left stalled.
 */
async function runCandidateJob(deps: Deps, ctx: CallContext, job: DeployJob): Promise<DeployJobResult> {
  const again = async (delay: number, state: string): Promise<DeployJobResult> => {
    if ((job.hops ?? 0) >= MAX_HOPS) return { ok: true, state };
    await deps.queue.push({ ...job, hops: (job.hops ?? 0) + 1 }, { delayInSeconds: delay });
    return { ok: true, state, requeuedInSeconds: delay };
  };
  try {
    const outcome = await finishCandidate(deps, ctx, job.versionId);
    if (!outcome.ran) return await again(leaseSecondsLeft(outcome.leaseExpiresAt, deps.clock.now()) + 2, 'leased');
    if (outcome.pendingFixVersions > 0) return await again(1, outcome.did);
    return { ok: true, state: outcome.did };
  } catch (error) {
    const failure = toAppError(error);
    if (!failure.transient) return { ok: false, state: 'composition failed', error: failure.message };
    const retried = await again(TRANSIENT_RETRY_SECONDS, 'composition failed');
    return { ...retried, ok: false, error: failure.message };
  }
}

/** When to look again, or null when nothing is waiting. A held lease: just after it would run out. */
function requeueDelay(deps: Deps, outcome: AdvanceOutcome): number | null {
  if (!outcome.ran) return leaseSecondsLeft(outcome.leaseExpiresAt, deps.clock.now()) + 2;
  if (outcome.waiting) return outcome.waiting.retryInSeconds;
  return outcome.state?.kind === 'failed' && outcome.state.transient ? TRANSIENT_RETRY_SECONDS : null;
}
