/**
 * Opens a rollback: a release whose content is what an earlier released version shipped (its
 * fingerprints and commits, from the app's stored record), going through the same gate as a
 * forward release. It gets its own Jira version and Kosli release trail, beside the forward
 * candidate; one rollback is open per project at a time.
 */
import type { RefreshResult } from '../contract';
import { AppError } from '../errors';
import { absentOn404 } from '../http/transport';
import type { ProjectConfig } from '../release/config';
import type { RunningSoftwareEntry } from '../release/attestations';
import {
  composeRollback,
  rollbackReason,
  rollbackVersionName,
  rolledBackFrom,
  type ReleasedVersion,
  type RollbackMark,
  type ShippedApp,
} from '../release/rollback';
import { versionName } from '../release/config';
import { contentSnapshot, newReleaseRecord, toStoredCandidate, type ReleaseRecord } from '../store/records';
import type { KosliClient } from '../kosli/types';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';
import { ensureSetUp } from './refresh-candidate';
import { adoptVersionOfFailedCreate, createVersion } from './candidate-version';
import { withReleaseLock } from './release-lock';
import { loadRelease } from './release-view';
import { refreshResult } from './refresh-result';

/** Released versions the rollback chooses among (the newest first). */
const RELEASES_CONSIDERED = 100;

/** A stored release or its summary, as the rollback rules see it. */
export function releasedVersion(
  record: Pick<ReleaseRecord, 'versionId' | 'name' | 'released' | 'releaseDate' | 'deploy' | 'rollback'>,
): ReleasedVersion {
  const at = record.deploy.kind === 'released' ? record.deploy.at : record.releaseDate;
  return {
    versionId: record.versionId,
    name: record.name,
    released: record.released,
    releasedAt: record.released ? at : null,
    rollback: record.rollback !== undefined,
  };
}

function shippedApps(record: ReleaseRecord): ShippedApp[] {
  return record.candidate.apps.map((app) => ({
    name: app.name,
    path: app.path,
    commit: app.to.commit,
    fingerprint: app.to.fingerprint,
    flow: app.to.flow,
    trail: app.to.trail,
  }));
}

/** The target's fingerprints Kosli answers "not found" for (its retention may have dropped them). */
async function unknownToKosli(
  config: ProjectConfig,
  kosli: KosliClient,
  apps: readonly ShippedApp[],
): Promise<Set<string>> {
  const answers = await Promise.all(
    apps.map(async (app) => {
      const known = await absentOn404(
        kosli.assertArtifact(app.fingerprint, config.kosli.environments.prod).then(() => true),
        false,
      );
      return known ? null : app.fingerprint;
    }),
  );
  return new Set(answers.filter((fingerprint): fingerprint is string => fingerprint !== null));
}

export async function createRollback(
  deps: Deps,
  ctx: CallContext,
  input: { versionId: string; reason: string },
): Promise<RefreshResult> {
  const reason = rollbackReason(input.reason);
  const clients = await projectClients(deps, ctx.projectKey);
  // One rollback opens at a time per project: a double click cannot open two.
  return withReleaseLock(deps, `rollback-${ctx.projectKey}`, async () => {
    const openId = await deps.store.slots.rollback(ctx.projectKey);
    if (openId) {
      const open = await deps.store.releases.get(ctx.projectKey, openId);
      if (open && !open.released)
        throw new AppError(
          'CONFLICT',
          `Rollback ${open.name} is already open: approve, finish or abandon it before opening another.`,
        );
    }
    const [target, releases, prod] = await Promise.all([
      loadRelease(deps, ctx.projectKey, input.versionId),
      deps.store.releases.recent(ctx.projectKey, RELEASES_CONSIDERED),
      latestSnapshot(clients.config, clients.kosli, 'prod'),
    ]);
    const shipped = shippedApps(target);
    const candidate = composeRollback({
      target: releasedVersion(target),
      shipped,
      prod,
      unknownToKosli: await unknownToKosli(clients.config, clients.kosli, shipped),
    });
    const from = rolledBackFrom(releases.map(releasedVersion), releasedVersion(target));
    const now = deps.clock.now();
    const pendingSlot = `${ctx.projectKey}:rollback`;
    const version =
      (await adoptVersionOfFailedCreate(deps, ctx, pendingSlot)) ??
      (await createVersion(
        deps,
        ctx,
        rollbackVersionName(target.name, versionName(clients.config.release.namePattern, now)),
        now,
        pendingSlot,
      ));
    const mark: RollbackMark = {
      toVersionId: target.versionId,
      toVersionName: target.name,
      fromVersionId: from?.versionId ?? null,
      fromVersionName: from?.name ?? null,
      reason,
      requestedBy: ctx.actor,
      requestedAt: now,
    };
    return withReleaseLock(deps, version.id, async () => {
      // As for a candidate: everything is written before the slot names the rollback, and the
      // pending name is cleared last, so a failure on the way adopts this version next time.
      const record: ReleaseRecord = {
        ...newReleaseRecord(
          { versionId: version.id, projectKey: ctx.projectKey, projectId: ctx.projectId, name: version.name },
          now,
        ),
        // A rollback restores artifacts: it ships no commits and no Jira keys of its own.
        candidate: toStoredCandidate(candidate, [], await deps.store.keys.put(version.id, candidate.contentHash, [])),
        rollback: mark,
      };
      await deps.store.releases.put(record);
      await deps.store.snapshots.put(version.id, contentSnapshot(record.candidate, [], now, ctx.actor));
      const restores = candidate.apps
        .map((app) => `${app.name} ${app.from?.commit.slice(0, 7) ?? '(none)'} → ${app.to.commit.slice(0, 7)}`)
        .join(', ');
      const detail = `Rollback of prod to ${target.name}${from ? ` from ${from.name}` : ''} requested: ${restores}. Reason: ${reason}`;
      await Promise.all(
        [version.id, target.versionId, ...(from ? [from.versionId] : [])].map((id) =>
          deps.store.audit.append(id, { at: now, actor: ctx.actor, action: 'rollback.requested', detail }),
        ),
      );
      await deps.store.slots.setRollback(ctx.projectKey, version.id);
      await deps.store.slots.setPendingVersion(pendingSlot, null);
      const ready = await ensureSetUp(deps, ctx, clients.config, clients.kosli, record, prod, true);
      // The release template expects the content to ship on the trail; for a rollback that is the restored software.
      await clients.kosli.attestCustom({
        flow: clients.config.kosli.releaseFlow,
        trail: version.id,
        name: 'staging-software',
        typeName: 'running-sw',
        data: restoredSoftware(
          clients.config,
          shipped.filter((app) => candidate.apps.some((c) => c.name === app.name)),
        ),
        userData: { contentHash: candidate.contentHash, kind: 'rollback', rollbackTo: target.versionId },
      });
      await deps.store.releases.put({ ...ready, stagingRecordedHash: candidate.contentHash });
      deps.log.log('info', 'rollback.requested', {
        project: ctx.projectKey,
        release: version.id,
        to: target.versionId,
        from: from?.versionId ?? null,
      });
      return refreshResult(
        { versionId: version.id, name: version.name },
        { created: true, changed: true, contentHash: candidate.contentHash },
      );
    });
  });
}

function restoredSoftware(config: ProjectConfig, apps: readonly ShippedApp[]): RunningSoftwareEntry[] {
  return apps
    .map((app) => ({
      fingerprint: app.fingerprint,
      flow_name: app.flow,
      git_commit: app.commit,
      name: app.name,
      template_reference_name: config.apps.find((configured) => configured.name === app.name)?.templateName ?? app.name,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
