/**
 * The project page: the open candidate first, then recent releases, from storage only (fast; the
 * release page does the upstream reads).
 */
import type { ProjectOverview, ReleaseSummary } from '../contract';
import { releaseStateName } from '../release/deploy-state';
import type { ReleaseRecord } from '../store/release-store';
import type { CallContext, Deps } from './deps';
import { canManageReleases } from './permissions';

function summary(record: ReleaseRecord): ReleaseSummary {
  return {
    versionId: record.versionId,
    name: record.name,
    state: releaseStateName(record.deploy),
    released: record.released,
    releaseDate: record.releaseDate,
    issueCount: record.candidate.issueKeys.length,
    apps: record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint, commit: app.to.commit })),
    updatedAt: record.updatedAt,
  };
}

export async function projectOverview(deps: Deps, ctx: CallContext): Promise<ProjectOverview> {
  const [config, openId, recent, permissions] = await Promise.all([
    deps.store.getConfig(ctx.projectKey),
    deps.store.openCandidateId(ctx.projectKey),
    deps.store.recentReleases(ctx.projectKey),
    canManageReleases(ctx),
  ]);
  const open = recent.find((r) => r.versionId === openId) ?? null;
  return {
    projectKey: ctx.projectKey,
    configured: config !== undefined,
    canManageReleases: permissions,
    openCandidate: open ? summary(open) : null,
    recent: recent.filter((r) => r.versionId !== openId).map(summary),
  };
}
