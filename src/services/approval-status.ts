/**
 * The approval picture of a release right now: recorded decisions, native Jira approver changes not
 * yet recorded, and the policy's verdict over them. Shared by the release page, the decide action
 * and the deploy worker so all three judge alike.
 */
import { evaluateApprovals, jiraDecisions, type ApprovalEvaluation, type SeenJiraStatuses } from '../release/approvals';
import type { ProjectConfig } from '../release/config';
import { withEmergency } from '../release/emergency';
import { approvalPolicyFor } from '../release/rollback';
import type { Decision } from '../release/types';
import type { JiraUser, JiraVersion } from '../jira/types';
import type { ReleaseRecord } from '../store/records';
import type { Deps } from './deps';
import type { ApprovalProgress } from '../contract';

export interface ApprovalStatus {
  evaluation: ApprovalEvaluation;
  /** Recorded decisions plus native changes seen now. */
  decisions: Decision[];
  /** Native changes seen now and not yet recorded (the worker records them under the lock). */
  unrecorded: Decision[];
  seen: SeenJiraStatuses;
  users: Map<string, JiraUser>;
  /** Required approvers who committed to the release (matched by e-mail). */
  committers: ReadonlySet<string>;
  /** Whether an approval by this person now would satisfy the policy (and so start the deploy). */
  wouldComplete: (accountId: string, at: string) => boolean;
}

/** Display names and e-mails, cached in storage: names rarely change and the release page is hot. */
export async function lookupUsers(deps: Deps, accountIds: Iterable<string>): Promise<Map<string, JiraUser>> {
  const ids = [...new Set(accountIds)];
  const users = await Promise.all(
    ids.map(async (accountId) => {
      const cached = await deps.store.users.get(accountId);
      if (cached) return cached;
      try {
        const user = await deps.jiraAsApp.getUser(accountId);
        await deps.store.users.put(user);
        return user;
      } catch {
        return { accountId, displayName: accountId, emailAddress: null };
      }
    }),
  );
  return new Map(users.map((user) => [user.accountId, user]));
}

export async function approvalStatus(
  deps: Deps,
  config: ProjectConfig,
  record: ReleaseRecord,
  recorded: readonly Decision[],
  version: JiraVersion,
  users: Map<string, JiraUser>,
): Promise<ApprovalStatus> {
  const hash = record.candidate.contentHash;
  const policy = approvalPolicyFor(config, record);
  const native = jiraDecisions(record.jiraSeen, version.approvers, hash, deps.clock.now());
  const decisions = [...recorded, ...native.decisions];
  const required = new Set([
    ...policy.approvers,
    ...(policy.includeJiraApprovers ? version.approvers.map((a) => a.accountId) : []),
  ]);
  const missing = [...required].filter((id) => !users.has(id));
  if (missing.length > 0) for (const [id, user] of await lookupUsers(deps, missing)) users.set(id, user);
  const committers = new Set<string>();
  if (policy.noSelfApproval) {
    const emails = new Set(record.candidate.committerEmails);
    for (const id of required) {
      const email = users.get(id)?.emailAddress?.toLowerCase();
      if (email && emails.has(email)) committers.add(id);
    }
  }
  const inputs = { policy, contentHash: hash, decisions, jiraApprovers: version.approvers, committers };
  // An emergency approval of this content ships it alone (unless someone declined it).
  const evaluation = withEmergency(
    evaluateApprovals(inputs, (id) => users.get(id)?.displayName ?? id),
    config.emergency,
    record.emergency,
    hash,
  );
  const wouldComplete = (accountId: string, at: string) =>
    evaluateApprovals({
      ...inputs,
      decisions: [...decisions, { accountId, decision: 'approved', at, contentHash: hash, source: 'app' }],
    }).satisfied;
  return { evaluation, decisions, unrecorded: native.decisions, seen: native.seen, users, committers, wouldComplete };
}

/** Approvals in numbers and names: who approved, who is still awaited, who declined, and whether it is the caller's turn. */
export function approvalProgress(status: ApprovalStatus, me: string, decisionsOpen: boolean): ApprovalProgress {
  const { evaluation, users } = status;
  const name = (id: string) => users.get(id)?.displayName ?? id;
  const mine = evaluation.approvers.find((a) => a.accountId === me);
  return {
    approved: evaluation.validApprovals,
    needed: evaluation.needed,
    waitingFor: evaluation.approvers
      .filter((a) => a.current === null && a.ineligibleReason === null)
      .map((a) => name(a.accountId)),
    declinedBy: evaluation.approvers
      .filter((a) => a.current === 'declined')
      .map((a) => ({ displayName: name(a.accountId), reason: a.latest?.reason ?? null, at: a.latest?.at ?? '' })),
    myTurn: decisionsOpen && mine !== undefined && mine.current === null && mine.ineligibleReason === null,
  };
}

/** Records native Jira approver changes as decisions, each with its audit line. */
export async function recordJiraDecisions(
  deps: Deps,
  versionId: string,
  decisions: readonly Decision[],
): Promise<void> {
  for (const decision of decisions) {
    await deps.store.decisions.add(versionId, decision);
    await deps.store.audit.append(versionId, {
      at: decision.at,
      actor: decision.accountId,
      action: `approval.jira.${decision.decision}`,
      detail: `${decision.decision === 'approved' ? 'Approved' : 'Declined'} in Jira's release screen${decision.reason ? `: ${decision.reason}` : ''} (content ${decision.contentHash.slice(0, 12)})`,
    });
  }
}
