/**
 * The approval policy and staleness rules. A decision counts only while its content hash equals
 * the candidate's; the latest decision of each approver wins; any valid decline blocks.
 */
import type { ApprovalPolicy, Decision, DecisionKind, JiraApprover } from './types';

export interface RequiredApprover {
  accountId: string;
  sources: ('settings' | 'jira')[];
}

export interface ApprovalInputs {
  policy: ApprovalPolicy;
  contentHash: string;
  /** Every recorded decision (app and jira), any order. */
  decisions: readonly Decision[];
  /** The version's native approvers as Jira reports them now. */
  jiraApprovers: readonly JiraApprover[];
  /** Approvers who committed to the release (already matched by e-mail by the caller). */
  committers: ReadonlySet<string>;
}

export interface ApproverStatus extends RequiredApprover {
  /** The latest decision, valid or stale. */
  latest: Decision | null;
  /** The decision that counts for the current content. */
  current: DecisionKind | null;
  ineligibleReason: string | null;
}

export interface ApprovalEvaluation {
  approvers: ApproverStatus[];
  satisfied: boolean;
  validApprovals: number;
  needed: number;
  outstanding: string[];
}

/** The required approvers: listed in settings and, when configured, the version's Jira approvers. */
export function requiredApprovers(policy: ApprovalPolicy, jiraApprovers: readonly JiraApprover[]): RequiredApprover[] {
  const byId = new Map<string, RequiredApprover>();
  for (const accountId of policy.approvers) byId.set(accountId, { accountId, sources: ['settings'] });
  if (policy.includeJiraApprovers) {
    for (const { accountId } of jiraApprovers) {
      const entry = byId.get(accountId);
      if (entry) entry.sources.push('jira');
      else byId.set(accountId, { accountId, sources: ['jira'] });
    }
  }
  return [...byId.values()];
}

function latestDecision(decisions: readonly Decision[], accountId: string): Decision | null {
  let latest: Decision | null = null;
  for (const decision of decisions) {
    if (decision.accountId !== accountId) continue;
    if (latest === null || decision.at >= latest.at) latest = decision;
  }
  return latest;
}

export function evaluateApprovals(
  inputs: ApprovalInputs,
  describe: (accountId: string) => string = (id) => id,
): ApprovalEvaluation {
  const { policy, contentHash } = inputs;
  const approvers: ApproverStatus[] = requiredApprovers(policy, inputs.jiraApprovers).map((required) => {
    const latest = latestDecision(inputs.decisions, required.accountId);
    const ineligibleReason =
      policy.noSelfApproval && inputs.committers.has(required.accountId)
        ? 'committed to this release (no self-approval)'
        : null;
    const valid = latest !== null && latest.contentHash === contentHash;
    // A decline blocks even from someone who may not approve: they still saw a problem.
    const current = valid && (latest.decision === 'declined' || ineligibleReason === null) ? latest.decision : null;
    return { ...required, latest, current, ineligibleReason };
  });

  const validApprovals = approvers.filter((a) => a.current === 'approved').length;
  const eligible = approvers.filter((a) => a.ineligibleReason === null);
  const needed = policy.rule.kind === 'all' ? approvers.length : policy.rule.count;
  const decliners = approvers.filter((a) => a.current === 'declined');

  const outstanding: string[] = [];
  if (approvers.length === 0) {
    outstanding.push('No approvers yet: list approvers in the app settings or add approvers on the Jira release.');
  }
  for (const decliner of decliners) {
    // The reason is the decliner's own sentence: no second full stop after theirs.
    outstanding.push(
      `Declined by ${describe(decliner.accountId)}${decliner.latest?.reason ? `: ${decliner.latest.reason.replace(/[.!?]+$/, '')}` : ''}.`,
    );
  }
  if (policy.rule.kind === 'all') {
    const blockedForever = approvers.filter((a) => a.ineligibleReason !== null);
    for (const a of blockedForever)
      outstanding.push(`${describe(a.accountId)} is a required approver but ${a.ineligibleReason}.`);
    const waiting = approvers.filter((a) => a.current !== 'approved' && a.ineligibleReason === null);
    if (waiting.length > 0)
      outstanding.push(`Waiting for approval from: ${waiting.map((a) => describe(a.accountId)).join(', ')}.`);
  } else if (validApprovals < needed) {
    const missing = needed - validApprovals;
    const pool = eligible.filter((a) => a.current !== 'approved');
    if (pool.length < missing)
      outstanding.push(`Needs ${needed} approvals but only ${eligible.length} eligible approvers exist.`);
    else
      outstanding.push(
        `${missing} more approval${missing > 1 ? 's' : ''} needed from: ${pool.map((a) => describe(a.accountId)).join(', ')}.`,
      );
  }

  const ruleHolds =
    approvers.length > 0 &&
    (policy.rule.kind === 'all' ? validApprovals === approvers.length : validApprovals >= needed);
  return { approvers, satisfied: ruleHolds && decliners.length === 0, validApprovals, needed, outstanding };
}

/** Jira native approver statuses as last seen, per account id. */
export type SeenJiraStatuses = Record<string, JiraApprover['status']>;

/**
 * Turns native approver changes into decisions: a status that changes to APPROVED or DECLINED is
 * recorded once, bound to the content hash current when the change is first seen. A native approval
 * made stale by new content therefore stays stale until the approver changes it in Jira again.
 */
export function jiraDecisions(
  seen: SeenJiraStatuses,
  approvers: readonly JiraApprover[],
  contentHash: string,
  at: string,
): { decisions: Decision[]; seen: SeenJiraStatuses } {
  const next: SeenJiraStatuses = {};
  const decisions: Decision[] = [];
  for (const approver of approvers) {
    next[approver.accountId] = approver.status;
    if (seen[approver.accountId] === approver.status || approver.status === 'PENDING') continue;
    decisions.push({
      accountId: approver.accountId,
      decision: approver.status === 'APPROVED' ? 'approved' : 'declined',
      ...(approver.declineReason ? { reason: approver.declineReason } : {}),
      at,
      contentHash,
      source: 'jira',
    });
  }
  return { decisions, seen: next };
}

export function describeRule(policy: ApprovalPolicy): string {
  const who = [
    policy.approvers.length > 0 ? 'the listed approvers' : null,
    policy.includeJiraApprovers ? "the Jira release's approvers" : null,
  ]
    .filter(Boolean)
    .join(' and ');
  const rule = policy.rule.kind === 'all' ? `All of ${who}` : `At least ${policy.rule.count} of ${who}`;
  return `${rule} must approve the current content; any decline blocks${policy.noSelfApproval ? '; committers to the release cannot approve it' : ''}.`;
}
