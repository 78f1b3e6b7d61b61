/**
 * What a verified and released rollback leaves behind: a record on both Jira versions (the one
 * rolled back from and the one restored: a Related-work link to the rollback and an audit line),
 * the rolled-back state on the Jira deployments of the version rolled back from, and the open
 * forward candidate recomputed (prod changed under it). Each part is idempotent and the whole is
 * marked done on the rollback's record, so a fault half-way is finished by the next run.
 */
import { toAppError } from '../errors';
import { deploymentsFor } from '../release/jira-deployments';
import type { ProjectConfig } from '../release/config';
import type { ReleaseRecord } from '../store/records';
import type { CallContext, Deps } from './deps';
import { refreshCandidate } from './refresh-candidate';

export async function completeRollback(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  rollback: ReleaseRecord,
): Promise<void> {
  const mark = rollback.rollback;
  if (!mark || mark.recorded) return;
  const page = ctx.links.releasePage(rollback.projectKey, rollback.versionId);
  const now = deps.clock.now();
  const versions = [
    {
      id: mark.toVersionId,
      title: `Restored by rollback ${rollback.name}`,
      detail: `Prod runs this release's artifacts again: rollback ${rollback.name} was verified in Kosli. Reason: ${mark.reason}`,
    },
    ...(mark.fromVersionId
      ? [
          {
            id: mark.fromVersionId,
            title: `Rolled back by ${rollback.name}`,
            detail: `Prod was rolled back from this release to ${mark.toVersionName} (rollback ${rollback.name}, verified in Kosli). Reason: ${mark.reason}`,
          },
        ]
      : []),
  ];
  for (const version of versions) {
    const existing = await deps.jiraAsApp.listRelatedWork(version.id);
    if (!existing.some((work) => work.url === page))
      await deps.jiraAsApp.addRelatedWork(version.id, { category: 'Deployment', title: version.title, url: page });
    await deps.store.audit.append(version.id, {
      at: now,
      actor: ctx.actor,
      action: 'rollback.recorded',
      detail: version.detail,
    });
  }
  if (mark.fromVersionId) {
    const from = await deps.store.releases.get(rollback.projectKey, mark.fromVersionId);
    if (from) await reportRolledBack(deps, ctx, config, from, rollback.name);
  }
  await deps.store.releases.put({ ...rollback, rollback: { ...mark, recorded: true }, updatedAt: now });
  await recomputeForwardCandidate(deps, ctx, rollback);
}

/**
 * The version rolled back from no longer runs in prod: its production deployments in Jira are sent
 * again with the same sequence numbers, state `rolled_back` and a higher update sequence number,
 * so Jira replaces them instead of adding new ones. A Jira fault is written to the audit, never thrown.
 */
async function reportRolledBack(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  from: ReleaseRecord,
  rollbackName: string,
): Promise<void> {
  const previous = await deps.store.deploymentReports.get(from.versionId, 'prod');
  if (!previous || previous.state !== 'successful' || from.candidate.issueCount === 0) return;
  try {
    const issueKeys = await deps.store.keys.issueKeys(from);
    const at = deps.clock.now();
    const deployments = deploymentsFor(config, {
      role: 'prod',
      state: 'rolled_back',
      versionName: from.name,
      issueKeys,
      sequenceBase: previous.sequenceBase,
      updateSequenceNumber: Date.parse(at),
      url: previous.url,
      description: `Rolled back by ${rollbackName}`,
      at,
    });
    await deps.jiraDeployments.submit(deployments, { projectKey: from.projectKey, versionId: from.versionId });
    await deps.store.deploymentReports.put(from.versionId, {
      ...previous,
      identity: `${previous.identity}:rolled_back`,
      state: 'rolled_back',
      at,
      submittedAt: at,
    });
    await deps.store.audit.append(from.versionId, {
      at,
      actor: ctx.actor,
      action: 'jira.deployment',
      detail: `Reported to Jira: ${config.kosli.environments.prod} rolled back for ${issueKeys.length} issue(s)`,
    });
  } catch (error) {
    await deps.store.audit.append(from.versionId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'jira.deployment.failed',
      detail: `Rolled-back state not reported to Jira: ${toAppError(error).message}`,
    });
  }
}

/** Prod changed under the open forward candidate: its ranges and issues are composed again. */
async function recomputeForwardCandidate(deps: Deps, ctx: CallContext, rollback: ReleaseRecord): Promise<void> {
  const open = await deps.store.slots.candidate(rollback.projectKey);
  if (!open) return;
  try {
    const result = await refreshCandidate(deps, ctx);
    await deps.store.audit.append(open, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'rollback.recorded',
      detail: `Recomputed after rollback ${rollback.name} changed prod${result.changed ? ': the content changed, earlier approvals are stale' : ': the content is unchanged'}`,
    });
  } catch (error) {
    await deps.store.audit.append(open, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'rollback.recorded',
      detail: `Not recomputed after rollback ${rollback.name}: ${toAppError(error).message}`,
    });
  }
}
