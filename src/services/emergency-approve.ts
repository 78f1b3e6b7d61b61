/**
 * The emergency path: one member of the admin's named emergency group ships a release alone, with
 * a mandatory reason. The approval is bound to the content the person saw (like any decision),
 * marked on the release record (so the page, the Kosli attestation and the compliance report say
 * it) and in the audit log, then the deploy runs on the queue as for any satisfied policy.
 */
import { AppError } from '../errors';
import { mismatchesIn } from '../release/deploy-state';
import { EMERGENCY_REASON_MAX, emergencyRefusal, type EmergencyMark } from '../release/emergency';
import { approvalStatus } from './approval-status';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';
import { withReleaseLock } from './release-lock';
import { refuseWhileComposing } from './compose-start';
import { loadRelease } from './release-view';

export async function approveAsEmergency(
  deps: Deps,
  ctx: CallContext,
  input: { versionId: string; contentHash: string; reason: string },
): Promise<void> {
  const reason = input.reason.trim().slice(0, EMERGENCY_REASON_MAX);
  const { config, kosli } = await projectClients(deps, ctx.projectKey);
  const satisfied = await withReleaseLock(deps, input.versionId, async () => {
    const record = await loadRelease(deps, ctx.projectKey, input.versionId);
    refuseWhileComposing(record);
    const refusal = emergencyRefusal(config.emergency, ctx.actor, reason, record.deploy.kind);
    if (refusal)
      throw new AppError(
        reason.length === 0 ? 'INVALID_INPUT' : 'FORBIDDEN',
        refusal,
        reason.length === 0 ? { details: { fields: { reason: 'Say why this cannot wait' } } } : {},
      );
    if (record.candidate.contentHash !== input.contentHash) {
      throw new AppError(
        'CANDIDATE_STALE',
        'The release changed while you were looking at it: reload the page and review the new content before shipping it.',
      );
    }
    // As for any approval: an emergency does not ship content staging no longer runs (a rollback ships an earlier release).
    if (!record.rollback) {
      const staging = await latestSnapshot(config, kosli, 'staging');
      const drift = mismatchesIn(
        'staging',
        record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })),
        staging.artifacts,
      );
      if (drift.length > 0)
        throw new AppError(
          'CANDIDATE_STALE',
          `Staging no longer runs the content of this release (${drift.join('; ')}): refresh the candidate first.`,
        );
    }
    const at = deps.clock.now();
    const groupName = config.emergency?.groupName ?? '';
    const mark: EmergencyMark = {
      accountId: ctx.actor,
      reason,
      at,
      contentHash: record.candidate.contentHash,
      groupName,
    };
    const decision = {
      accountId: ctx.actor,
      decision: 'approved' as const,
      reason,
      at,
      contentHash: record.candidate.contentHash,
      source: 'app' as const,
    };
    await deps.store.decisions.add(input.versionId, decision);
    const marked = { ...record, emergency: mark, updatedAt: at };
    await deps.store.releases.put(marked);
    await deps.store.audit.append(input.versionId, {
      at,
      actor: ctx.actor,
      action: 'approval.emergency',
      detail: `EMERGENCY release approved alone as a member of ${groupName}: ${reason} (content ${record.candidate.contentHash.slice(0, 12)})`,
    });
    deps.log.log('warn', 'release.emergency', {
      project: ctx.projectKey,
      release: input.versionId,
      approver: ctx.actor,
    });
    const [version, recorded] = await Promise.all([
      deps.jiraAsApp.getVersion(input.versionId),
      deps.store.decisions.latest(input.versionId),
    ]);
    return (await approvalStatus(deps, config, marked, recorded, version, new Map())).evaluation.satisfied;
  });
  if (satisfied)
    await deps.queue.push({
      projectKey: ctx.projectKey,
      versionId: input.versionId,
      reason: `emergency approval by ${ctx.actor}`,
    });
}
