/**
 * Approve or decline a release in the app. The decision belongs to the user of the Forge context
 * (never an id from the payload) and is bound to the content hash the user saw: if the candidate
 * changed meanwhile, nothing is recorded and the user is told to review the new content. An
 * approval is also checked against what staging runs now (one snapshot read): the stored
 * candidate is refreshed later, and an approval of content staging no longer runs would count for
 * nothing that can ship.
 * An approval may carry a comment (in `reason`): it is kept with the decision, in the audit and in
 * the attestation.
 */
import { AppError } from '../errors';
import { mismatchesIn } from '../release/deploy-state';
import { rollbackApprovalRefusal } from '../release/rollback';
import type { DecisionKind } from '../release/types';
import { approvalStatus } from './approval-status';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';
import { refuseWhileComposing } from './compose-start';
import { loadRelease } from './load-release';

export interface DecideInput {
  versionId: string;
  decision: DecisionKind;
  reason?: string;
  contentHash: string;
}

export async function decide(deps: Deps, ctx: CallContext, input: DecideInput): Promise<{ satisfied: boolean }> {
  const reason = input.reason?.trim() ?? '';
  if (input.decision === 'declined' && reason.length === 0) {
    throw new AppError('INVALID_INPUT', 'A decline needs a reason, so the developers know what to fix.', {
      details: { fields: { reason: 'Say why you decline' } },
    });
  }
  const [{ config, kosli }, record, recorded] = await Promise.all([
    projectClients(deps, ctx.projectKey),
    loadRelease(deps, ctx.projectKey, input.versionId),
    // The approvers' latest decisions are all the policy looks at: one key each, never the history.
    deps.store.decisions.latest(input.versionId),
  ]);
  refuseWhileComposing(record);
  if (record.candidate.contentHash !== input.contentHash) {
    throw new AppError(
      'CANDIDATE_STALE',
      'The release changed while you were looking at it: reload the page and review the new content before deciding.',
    );
  }
  const refusal = rollbackApprovalRefusal(config, record, input.decision, reason);
  if (refusal)
    throw new AppError('INVALID_INPUT', refusal, { details: { fields: { reason: 'Say why prod should go back' } } });
  if (record.deploy.kind !== 'open') {
    throw new AppError('CONFLICT', `Release ${record.name} is already ${record.deploy.kind}: decisions are closed.`);
  }
  const [version, staging] = await Promise.all([
    deps.jiraAsApp.getVersion(input.versionId),
    // A rollback ships an earlier release, not what staging runs.
    input.decision === 'approved' && !record.rollback
      ? latestSnapshot(config, kosli, 'staging')
      : Promise.resolve(null),
  ]);
  const drift = staging
    ? mismatchesIn(
        'staging',
        record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })),
        staging.artifacts,
      )
    : [];
  if (drift.length > 0) {
    throw new AppError(
      'CANDIDATE_STALE',
      `Staging no longer runs the content of this release (${drift.join('; ')}), so this approval would be for something that cannot ship: refresh the candidate and review the new content.`,
    );
  }
  const status = await approvalStatus(deps, config, record, recorded, version, new Map());
  const me = status.evaluation.approvers.find((a) => a.accountId === ctx.actor);
  if (!me)
    throw new AppError(
      'NOT_AN_APPROVER',
      'You are not an approver of this release: approvers are listed in the app settings or added on the Jira release.',
    );
  if (input.decision === 'approved' && me.ineligibleReason) {
    throw new AppError('NOT_AN_APPROVER', `You cannot approve this release: you ${me.ineligibleReason}.`);
  }

  const at = deps.clock.now();
  const decision = {
    accountId: ctx.actor,
    decision: input.decision,
    ...(reason ? { reason: reason.slice(0, 2000) } : {}),
    at,
    contentHash: record.candidate.contentHash,
    source: 'app' as const,
  };
  await deps.store.decisions.add(input.versionId, decision);
  await deps.store.audit.append(input.versionId, {
    at,
    actor: ctx.actor,
    action: `approval.app.${input.decision}`,
    detail: `${input.decision === 'approved' ? `Approved${reason ? ` with comment: ${reason}` : ''}` : `Declined: ${reason}`} (content ${record.candidate.contentHash.slice(0, 12)})`,
  });

  const after = await approvalStatus(deps, config, record, [...recorded, decision], version, status.users);
  if (after.evaluation.satisfied) {
    // Resolvers have 25 s: the deploy itself runs on the queue.
    await deps.queue.push({
      projectKey: ctx.projectKey,
      versionId: input.versionId,
      reason: `approval by ${ctx.actor}`,
    });
  }
  return { satisfied: after.evaluation.satisfied };
}
