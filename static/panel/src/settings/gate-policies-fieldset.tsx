import type { FieldErrors } from '../../../../src/contract';
import type { ConfigDraft } from './config-draft';
import { CheckboxField, TextField } from './fields';

/** Rollbacks' own approval policy and the emergency path (off by default), on the settings form. */
export function GatePoliciesFieldset({
  draft,
  set,
  errors,
}: {
  draft: ConfigDraft;
  set: <K extends keyof ConfigDraft>(key: K, value: ConfigDraft[K]) => void;
  errors: FieldErrors;
}) {
  return (
    <>
      <fieldset>
        <legend>Rollbacks</legend>
        <p className="hint">
          A rollback puts prod back on what an earlier release shipped. It goes through the gate like a release.
        </p>
        <CheckboxField
          path="rollback.approval"
          label="Rollbacks have their own policy (otherwise the approval policy above applies)"
          checked={draft.rollbackOwnPolicy}
          onChange={(checked) => set('rollbackOwnPolicy', checked)}
          errors={errors}
        />
        {draft.rollbackOwnPolicy && (
          <div className="field-row">
            <TextField
              path="rollback.approval.approvers"
              label="Rollback approvers (account ids, separated by commas)"
              value={draft.rollbackApprovers}
              onChange={(value) => set('rollbackApprovers', value)}
              errors={errors}
            />
            <TextField
              path="rollback.approval.rule.count"
              label="Approvals needed"
              value={draft.rollbackCount}
              onChange={(value) => set('rollbackCount', value)}
              errors={errors}
              hint="At least this many of the rollback approvers."
            />
          </div>
        )}
        <CheckboxField
          path="rollback.reasonRequired"
          label="Every approval of a rollback must give a reason"
          checked={draft.rollbackReasonRequired}
          onChange={(checked) => set('rollbackReasonRequired', checked)}
          errors={errors}
        />
      </fieldset>
      <fieldset>
        <legend>Emergency path</legend>
        <p className="hint">
          Off by default. When on, one person of the group can ship a release alone, with a reason; the release is
          marked in Kosli, on its page, in its audit and in the compliance report.
        </p>
        <CheckboxField
          path="emergency.enabled"
          label="Allow emergency releases"
          checked={draft.emergencyEnabled}
          onChange={(checked) => set('emergencyEnabled', checked)}
          errors={errors}
        />
        {draft.emergencyEnabled && (
          <div className="field-row">
            <TextField
              path="emergency.groupName"
              label="Group name"
              value={draft.emergencyGroupName}
              onChange={(value) => set('emergencyGroupName', value)}
              errors={errors}
            />
            <TextField
              path="emergency.approvers"
              label="Members (account ids, separated by commas)"
              value={draft.emergencyApprovers}
              onChange={(value) => set('emergencyApprovers', value)}
              errors={errors}
            />
          </div>
        )}
      </fieldset>
    </>
  );
}
