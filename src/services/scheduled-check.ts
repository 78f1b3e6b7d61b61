/**
 * The five-minute check: for each project with an open candidate, read its version once (native
 * approvals arrive there), optionally refresh the candidate, and advance the release when its
 * policy holds or a deploy is in flight. A run with nothing to do costs one Jira call per project.
 */
import { toAppError } from '../errors';
import { addedKeys } from '../release/candidate';
import { nextStep } from '../release/deploy-state';
import type { CallContext, Deps, Links } from './deps';
import { advanceRelease } from './deploy-worker';
import { loadConfig } from './project-clients';
import { refreshCandidate, writeFixVersions } from './refresh-candidate';
import { tryWithReleaseLock } from './release-lock';

export interface CheckReport {
  projectKey: string;
  versionId: string;
  outcome: string;
}

export async function scheduledCheck(deps: Deps, links: Links): Promise<CheckReport[]> {
  const work = await deps.store.projectsWithCandidates();
  const reports: CheckReport[] = [];
  // Projects one after another: a trigger has minutes, and Jira's burst limits are per tenant.
  for (const { projectKey, versionId } of work) {
    reports.push({ projectKey, versionId, outcome: await checkProject(deps, links, projectKey, versionId) });
  }
  return reports;
}

async function checkProject(deps: Deps, links: Links, projectKey: string, versionId: string): Promise<string> {
  try {
    const [config, record] = await Promise.all([loadConfig(deps, projectKey), deps.store.getRelease(projectKey, versionId)]);
    if (!record) return 'no record';
    const ctx: CallContext = { projectKey, projectId: record.projectId, actor: 'scheduled-check', jiraAsUser: null, links };
    if (config.release.refreshOnSchedule && record.deploy.kind === 'open') {
      await refreshCandidate(deps, ctx);
    } else if (addedKeys(record.fixVersionKeys, record.candidate.issueKeys).length > 0) {
      // A large candidate's fix versions are finished here, outside the resolver's 25 s.
      await tryWithReleaseLock(deps, versionId, async () => {
        const latest = await deps.store.getRelease(projectKey, versionId);
        if (latest) await writeFixVersions(deps, ctx.actor, latest);
      });
    }
    if (record.deploy.kind !== 'open' && nextStep(record.deploy) === null) return `waiting (${record.deploy.kind})`;
    const version = record.deploy.kind === 'open' ? await deps.jiraAsApp.getVersion(versionId) : undefined;
    if (version?.released) return 'released in Jira';
    const outcome = await advanceRelease(deps, ctx, versionId, version);
    return outcome.ran ? `state ${outcome.state?.kind ?? 'unknown'}` : 'locked by another worker';
  } catch (error) {
    return `error: ${toAppError(error).message}`;
  }
}
