/**
 * The project page: the open candidate first, then recent releases. Past releases come from storage
 * only; the open candidate also says whose turn it is and how its issues stand (one Jira version
 * read and one issue search, in parallel; if Jira does not answer, the card shows without them).
 */
import type { IssueProgress, ProjectOverview, ReleaseSummary } from '../contract';
import { releaseStateName } from '../release/deploy-state';
import { summarise, type ReleaseRecord, type ReleaseSummaryRecord } from '../store/records';
import { approvalProgress, approvalStatus } from './approval-status';
import type { CallContext, Deps } from './deps';
import { canManageReleases } from './permissions';

function summary(
  record: ReleaseSummaryRecord,
  extra: Pick<ReleaseSummary, 'approvals' | 'issues'> = { approvals: null, issues: null },
): ReleaseSummary {
  return {
    versionId: record.versionId,
    name: record.name,
    state: releaseStateName(record.deploy),
    released: record.released,
    releaseDate: record.releaseDate,
    issueCount: record.issueCount,
    apps: record.apps,
    updatedAt: record.updatedAt,
    failure: record.deploy.kind === 'failed' ? { step: record.deploy.step, reason: record.deploy.reason } : null,
    kind: record.rollback ? 'rollback' : 'forward',
    emergency: record.emergency !== undefined,
    ...extra,
  };
}

async function openCandidateProgress(
  deps: Deps,
  ctx: CallContext,
  record: ReleaseRecord,
): Promise<Pick<ReleaseSummary, 'approvals' | 'issues'>> {
  const stored = await deps.store.settings.config(ctx.projectKey);
  if (!stored) return { approvals: null, issues: null };
  const [decisions, version, issues] = await Promise.all([
    deps.store.decisions.latest(record.versionId),
    deps.jiraAsApp.getVersion(record.versionId).catch(() => null),
    deps.store.keys
      .issueKeys(record)
      .then((keys) => deps.jiraAsApp.searchIssuesByKeys(keys))
      .catch(() => null),
  ]);
  const approvals = version
    ? approvalProgress(
        await approvalStatus(deps, stored.config, record, decisions, version, new Map()),
        ctx.actor,
        record.deploy.kind === 'open',
      )
    : null;
  const progress: IssueProgress | null = issues
    ? {
        total: record.candidate.issueCount,
        done: issues.filter((issue) => issue.statusCategory === 'done').length,
        notDone: issues
          .filter((issue) => issue.statusCategory !== 'done')
          .map((issue) => ({ key: issue.key, status: issue.status })),
      }
    : null;
  return { approvals, issues: progress };
}

export async function projectOverview(deps: Deps, ctx: CallContext): Promise<ProjectOverview> {
  const record = (id: string | undefined) =>
    id ? deps.store.releases.get(ctx.projectKey, id) : Promise.resolve(undefined);
  const [config, open, rollback, recent, permissions] = await Promise.all([
    deps.store.settings.config(ctx.projectKey),
    deps.store.slots.candidate(ctx.projectKey).then(record),
    deps.store.slots.rollback(ctx.projectKey).then(record),
    deps.store.releases.recent(ctx.projectKey),
    canManageReleases(ctx),
  ]);
  const [openProgress, rollbackProgress] = await Promise.all([
    open ? openCandidateProgress(deps, ctx, open) : null,
    rollback ? openCandidateProgress(deps, ctx, rollback) : null,
  ]);
  return {
    projectKey: ctx.projectKey,
    configured: config !== undefined,
    canManageReleases: permissions,
    openCandidate: open && openProgress ? summary(summarise(open), openProgress) : null,
    openRollback: rollback && rollbackProgress ? summary(summarise(rollback), rollbackProgress) : null,
    apps: config?.config.apps.map((app) => app.name) ?? [],
    recent: recent
      .filter((r) => r.versionId !== open?.versionId && r.versionId !== rollback?.versionId)
      .map((r) => summary(r)),
  };
}
