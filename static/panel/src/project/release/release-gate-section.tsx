import { useRef, useState } from 'react';
import { call } from '../../api';
import type { ReleaseView } from '../../../../../src/contract';
import { RouteLink } from '../../components/links';
import { nextStep, Notice } from '../../components/states';
import { formatTime, shortSha } from '../../format';
import { routePath } from '../../routes';
import { useAction } from '../../use-load';

/**
 * What sets this release apart, and the gate's other paths: a rollback (to and from which
 * versions, why), apps held back from a partial release, an emergency approval; and, for who may,
 * "Roll back prod to this release" and "Ship as an emergency".
 */
export function ReleaseGateSection({
  release,
  onUpdate,
}: {
  release: ReleaseView;
  onUpdate: (release: ReleaseView) => void;
}) {
  const { gate } = release;
  const canEmergency = gate.emergencyAvailable !== null && release.state === 'open';
  if (!gate.rollback && gate.heldBack.length === 0 && !gate.emergency && !canEmergency && !gate.rollbackTarget)
    return null;
  return (
    <section aria-labelledby="gate-heading" className="section gate-section">
      <h2 id="gate-heading">{gate.rollback ? 'Rollback' : 'Release path'}</h2>
      {gate.rollback && (
        <Notice appearance="warning" title={`Rollback of prod to ${gate.rollback.toVersionName}`}>
          <p>
            Restores what {gate.rollback.toVersionName} shipped
            {gate.rollback.fromVersionName ? `, replacing ${gate.rollback.fromVersionName}` : ''}. Asked by{' '}
            {gate.rollback.requestedBy} on {formatTime(gate.rollback.requestedAt)}: “{gate.rollback.reason}”
          </p>
          {gate.approvalReasonRequired && <p>Each approval of this rollback must say why.</p>}
        </Notice>
      )}
      {gate.emergency && (
        <Notice appearance="error" title="Emergency release">
          <p>
            Approved alone by {gate.emergency.approver} ({gate.emergency.groupName}) on {formatTime(gate.emergency.at)}:
            “{gate.emergency.reason}”
          </p>
        </Notice>
      )}
      {gate.heldBack.length > 0 && (
        <div className="gate-held-back">
          <h3>Held back from this release</h3>
          <ul>
            {gate.heldBack.map((app) => (
              <li key={app.app}>
                <strong>{app.app}</strong>: prod keeps{' '}
                <code>{app.prodCommit ? shortSha(app.prodCommit) : 'nothing'}</code>, staging runs{' '}
                <code>{shortSha(app.stagingCommit)}</code>. {app.reason} (chosen by {app.chosenBy})
              </li>
            ))}
          </ul>
        </div>
      )}
      {canEmergency && gate.emergencyAvailable && (
        <EmergencyForm release={release} groupName={gate.emergencyAvailable.groupName} onUpdate={onUpdate} />
      )}
      {gate.rollbackTarget && <RollbackForm release={release} />}
    </section>
  );
}

function ReasonForm({
  id,
  label,
  button,
  busyLabel,
  busy,
  onSubmit,
}: {
  id: string;
  label: string;
  button: string;
  busyLabel: string;
  busy: boolean;
  onSubmit: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <form
      className="gate-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(reason.trim());
      }}
    >
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        rows={2}
        maxLength={2000}
        required
      />
      <div className="button-row">
        <button type="submit" className="button button-danger" disabled={busy || reason.trim().length === 0}>
          {busy ? busyLabel : button}
        </button>
      </div>
    </form>
  );
}

function EmergencyForm({
  release,
  groupName,
  onUpdate,
}: {
  release: ReleaseView;
  groupName: string;
  onUpdate: (release: ReleaseView) => void;
}) {
  // The reason typed when the form was sent (the action runs after the submit, outside a render).
  const reason = useRef('');
  const ship = useAction(
    () =>
      call('release/emergency', {
        versionId: release.versionId,
        contentHash: release.contentHash,
        reason: reason.current,
      }),
    onUpdate,
  );
  return (
    <div className="gate-action">
      <h3>Emergency release</h3>
      <p className="subtle">
        As a member of {groupName} you can ship this release alone. It is marked as an emergency in Kosli, here, in the
        audit and in the compliance report.
      </p>
      <ReasonForm
        id="emergency-reason"
        label="Why can this not wait for the other approvals? (required)"
        button="Ship as an emergency"
        busyLabel="Shipping…"
        busy={ship.state.status === 'running'}
        onSubmit={(value) => {
          reason.current = value;
          void ship.run();
        }}
      />
      {ship.state.status === 'failed' && (
        <Notice appearance="error" title="Not shipped">
          <p>{ship.state.error.message}</p>
          <p>{nextStep(ship.state.error)}</p>
        </Notice>
      )}
    </div>
  );
}

function RollbackForm({ release }: { release: ReleaseView }) {
  const reason = useRef('');
  const [open, setOpen] = useState(false);
  const rollback = useAction(() => call('release/rollback', { versionId: release.versionId, reason: reason.current }));
  if (!open) {
    return (
      <div className="button-row">
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Roll back prod to this release
        </button>
      </div>
    );
  }
  return (
    <div className="gate-action">
      <h3>Roll back prod to {release.name}</h3>
      <p className="subtle">
        Opens a rollback that restores exactly what this release shipped. It needs approval like any release before
        anything is deployed.
      </p>
      <ReasonForm
        id="rollback-reason"
        label="Why must prod go back? (required: recorded in Kosli and on both Jira versions)"
        button="Open the rollback"
        busyLabel="Opening…"
        busy={rollback.state.status === 'running'}
        onSubmit={(value) => {
          reason.current = value;
          void rollback.run();
        }}
      />
      {rollback.state.status === 'done' && (
        <Notice appearance="success" title="Rollback opened">
          <p>
            <RouteLink to={routePath({ name: 'release', versionId: rollback.state.result.versionId })}>
              {rollback.state.result.name}
            </RouteLink>{' '}
            waits for its approvals.
          </p>
        </Notice>
      )}
      {rollback.state.status === 'failed' && (
        <Notice appearance="error" title="Prod cannot be rolled back to this release">
          <p>{rollback.state.error.message}</p>
          <p>{nextStep(rollback.state.error)}</p>
        </Notice>
      )}
    </div>
  );
}
