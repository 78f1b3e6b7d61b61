/**
 * The emergency path, off by default: when an admin has enabled it, one person of the named
 * emergency group may ship a release alone, with a mandatory reason. Such a release is marked so
 * that it stands out in a review. A valid decline still blocks. Pure.
 */
import type { ApprovalEvaluation } from './approvals';
import type { EmergencySettings } from './config';

/** Stored on the release when an emergency approval was given. */
export interface EmergencyMark {
  accountId: string;
  reason: string;
  at: string;
  /** The content the emergency approval is for: it counts only while the candidate holds it. */
  contentHash: string;
  groupName: string;
}

export const EMERGENCY_REASON_MAX = 2000;

/** Why this person may not ship this release as an emergency now, or null when they may. */
export function emergencyRefusal(
  settings: EmergencySettings | undefined,
  accountId: string,
  reason: string,
  deployKind: string,
): string | null {
  if (!settings?.enabled)
    return 'The emergency path is off for this project: a Jira administrator can enable it in the app settings.';
  if (!settings.approvers.includes(accountId))
    return `Only the ${settings.groupName} group may approve an emergency release.`;
  if (reason.trim().length === 0)
    return 'An emergency release needs a reason: it is recorded in Kosli, on the release and in the compliance report.';
  if (deployKind !== 'open') return `The release is already ${deployKind}: decisions are closed.`;
  return null;
}

/** Whether the mark still ships this content under the current settings. */
export function emergencyHolds(
  settings: EmergencySettings | undefined,
  mark: EmergencyMark | undefined,
  contentHash: string,
): mark is EmergencyMark {
  return (
    mark !== undefined &&
    settings?.enabled === true &&
    settings.approvers.includes(mark.accountId) &&
    mark.contentHash === contentHash
  );
}

/**
 * The policy's verdict with an emergency approval: satisfied by that one approval unless someone
 * declined the current content. Without a valid mark, the evaluation is unchanged.
 */
export function withEmergency(
  evaluation: ApprovalEvaluation,
  settings: EmergencySettings | undefined,
  mark: EmergencyMark | undefined,
  contentHash: string,
): ApprovalEvaluation {
  if (!emergencyHolds(settings, mark, contentHash)) return evaluation;
  const declined = evaluation.approvers.some((a) => a.current === 'declined');
  if (declined) return evaluation;
  return {
    ...evaluation,
    satisfied: true,
    outstanding: [`Emergency release approved by one member of ${mark.groupName}: ${mark.reason}`],
  };
}
