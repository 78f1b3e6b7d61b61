/**
 * The five-minute check: for each project with an open candidate, read its version once (native
 * approvals arrive there), optionally refresh the candidate, and advance the release when its
 * policy holds or a deploy is in flight. A run with nothing to do costs one Jira call per project.
 */
import { toAppError } from '../errors';
import { mapBounded } from '../http/bounded';
import { absentOn404 } from '../http/transport';
import type { JiraVersion } from '../jira/types';
import { nextStep } from '../release/deploy-state';
import type { CallContext, Deps, Links } from './deps';
import { advanceRelease } from './deploy-worker';
import { loadConfig } from './project-clients';
import { refreshCandidate } from './refresh-candidate';
import { writeFixVersions } from './fix-versions';
import { resumeIfStalled } from './compose-start';
import { leaseSecondsLeft, tryWithReleaseLock } from './release-lock';

export interface CheckReport {
  projectKey: string;
  versionId: string;
  outcome: string;
}

/** The version, or null when Jira no longer has it. */
function readVersion(deps: Deps, versionId: string): Promise<JiraVersion | null> {
  return absentOn404(deps.jiraAsApp.getVersion(versionId), null);
}

/** Projects checked at once: each is a few calls; 50 projects one after another took over a minute. */
const PROJECT_CONCURRENCY = 8;
/** The trigger's `timeoutSeconds` in manifest.yml. */
const TRIGGER_LIMIT_SECONDS = 300;

export async function scheduledCheck(deps: Deps, links: Links): Promise<CheckReport[]> {
  const startedAt = deps.clock.now();
  // Open rollbacks go through the same gate as candidates, so the check follows them alike.
  const [candidates, rollbacks] = await Promise.all([
    deps.store.slots.openCandidates(),
    deps.store.slots.openRollbacks(),
  ]);
  const work = [...candidates, ...rollbacks];
  // A few projects at once; each project's own steps stay in order under its release's lock.
  const reports = await mapBounded(work, PROJECT_CONCURRENCY, async ({ projectKey, versionId }) => {
    const outcome = await checkProject(deps, links, projectKey, versionId, startedAt);
    deps.log.log(outcome.startsWith('error') ? 'warn' : 'info', 'scheduled.release', {
      project: projectKey,
      release: versionId,
      outcome,
    });
    return { projectKey, versionId, outcome };
  });
  deps.log.log('info', 'scheduled.run', {
    projects: work.map((w) => w.projectKey),
    releasesAdvanced: reports.filter((r) => r.outcome.startsWith('state ')).length,
    durationMs: Date.parse(deps.clock.now()) - Date.parse(startedAt),
  });
  return reports;
}

async function checkProject(
  deps: Deps,
  links: Links,
  projectKey: string,
  versionId: string,
  startedAt: string,
): Promise<string> {
  try {
    const [config, record] = await Promise.all([
      loadConfig(deps, projectKey),
      deps.store.releases.get(projectKey, versionId),
    ]);
    if (!record) return 'no record';
    const ctx: CallContext = {
      projectKey,
      projectId: record.projectId,
      actor: 'scheduled-check',
      jiraAsUser: null,
      links,
      invocation: { startedAt, limitSeconds: TRIGGER_LIMIT_SECONDS },
    };
    // A large candidate is being composed by the consumer: revived here if that stalled.
    if (record.composing)
      return (await resumeIfStalled(deps, record, false)) ? 'composition queued again' : 'composing';
    const notes: string[] = [];
    if (config.release.refreshOnSchedule && record.deploy.kind === 'open' && !record.rollback) {
      // A refresh that cannot run now (held lock, Kosli hiccup) must not stop approvals being acted on.
      await refreshCandidate(deps, ctx).catch((error: unknown) =>
        notes.push(`refresh skipped: ${toAppError(error).message}`),
      );
    } else if (record.fixVersions.pending > 0) {
      // A large candidate's fix versions are finished here, outside the resolver's 25 s.
      await tryWithReleaseLock(deps, versionId, async () => {
        const latest = await deps.store.releases.get(projectKey, versionId);
        if (latest) await writeFixVersions(deps, ctx, latest);
      });
    }
    // A released record still in a slot has its slot freed (a rollback is recorded first) by the worker.
    if (record.deploy.kind !== 'open' && nextStep(record.deploy) === null && !record.released)
      return `waiting (${record.deploy.kind})`;
    const version = record.deploy.kind === 'open' ? await readVersion(deps, versionId) : undefined;
    if (version === null || version?.released) {
      // Released or deleted by hand in Jira: the app no longer owns an open candidate there.
      if (record.rollback) await deps.store.slots.setRollback(projectKey, null);
      else await deps.store.slots.clearCandidate(projectKey);
      await deps.store.audit.append(versionId, {
        at: deps.clock.now(),
        actor: ctx.actor,
        action: 'candidate.closed',
        detail:
          version === null
            ? 'The Jira version was deleted; the app no longer tracks it.'
            : 'The Jira version was released in Jira, outside the app; the app no longer tracks it.',
      });
      return version === null ? 'deleted in Jira' : 'released in Jira';
    }
    const outcome = await advanceRelease(deps, ctx, versionId, version);
    if (!outcome.ran) {
      // Expected while a worker deploys. If that worker died, a job just after its lease runs out
      // continues the release without waiting for the next check.
      const seconds = leaseSecondsLeft(outcome.leaseExpiresAt, deps.clock.now());
      await deps.queue.push(
        { projectKey, versionId, reason: 'scheduled check: continue after the current lease' },
        { delayInSeconds: seconds + 2 },
      );
      return [
        `deploy in progress (a worker holds the release for up to ${seconds} s more; checking again then)`,
        ...notes,
      ].join('; ');
    }
    if (outcome.waiting) {
      // The consumer looks again after the delay, so a run is followed within seconds of ending
      // rather than at the next check.
      await deps.queue.push(
        { projectKey, versionId, reason: 'scheduled check: follow the deploy' },
        { delayInSeconds: outcome.waiting.retryInSeconds },
      );
    }
    const waiting = outcome.waiting ? ` (${outcome.waiting.why})` : '';
    return [`state ${outcome.state?.kind ?? 'unknown'}${waiting}`, ...notes].join('; ');
  } catch (error) {
    return `error: ${toAppError(error).message}`;
  }
}
