/**
 * The part of the release page that says what kind of release this is and where the gate did
 * something other than a full forward release: a rollback (to and from which versions, why), apps
 * held back from a partial release, and an emergency approval. From the stored record only.
 */
import type { ReleaseGateView } from '../contract';
import type { JiraUser } from '../jira/types';
import type { ProjectConfig } from '../release/config';
import { emergencyRefusal } from '../release/emergency';
import type { ReleaseRecord } from '../store/records';

/** `mayManage`: the caller may create candidates (and so roll prod back). */
export function releaseGateView(
  config: ProjectConfig,
  record: ReleaseRecord,
  me: string,
  users: ReadonlyMap<string, JiraUser>,
  mayManage: boolean,
): ReleaseGateView {
  const name = (id: string) => users.get(id)?.displayName ?? id;
  const { rollback, emergency } = record;
  // The refusal for a non-empty reason says whether the path is open to this person at all.
  const mayEmergency = emergencyRefusal(config.emergency, me, 'reason', record.deploy.kind) === null;
  return {
    kind: rollback ? 'rollback' : 'forward',
    rollback: rollback ? { ...rollback, requestedBy: name(rollback.requestedBy) } : null,
    heldBack: (record.candidate.heldBack ?? []).map((app) => ({
      app: app.name,
      stagingCommit: app.stagingCommit,
      prodCommit: app.prodCommit,
      chosenBy: name(app.chosenBy),
      reason: app.reason,
    })),
    emergency: emergency
      ? {
          approver: name(emergency.accountId),
          groupName: emergency.groupName,
          reason: emergency.reason,
          at: emergency.at,
        }
      : null,
    emergencyAvailable: mayEmergency && config.emergency ? { groupName: config.emergency.groupName } : null,
    rollbackTarget: record.released && mayManage,
    approvalReasonRequired: rollback !== undefined && config.rollback?.reasonRequired === true,
  };
}

/** Account ids the gate view names, so the release page looks their names up with the rest. */
export function gateViewPeople(record: ReleaseRecord): string[] {
  return [
    record.rollback?.requestedBy,
    record.emergency?.accountId,
    ...(record.candidate.heldBack ?? []).map((app) => app.chosenBy),
  ].filter((id): id is string => id !== undefined);
}
