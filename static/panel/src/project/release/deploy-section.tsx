import { call } from '../../api';
import type { DeployView, ReleaseView } from '../../../../../src/contract';
import { ExternalLink } from '../../components/links';
import { Notice, nextStep } from '../../components/states';
import { formatTime } from '../../format';
import { useAction } from '../../use-load';

type FailedStep = NonNullable<DeployView['failure']>['step'];

/** The deploy state machine as a timeline, in the order the worker walks it. */
const STEPS = [
  { id: 'open', label: 'Open' },
  { id: 'approved', label: 'Approved' },
  { id: 'attested', label: 'Approval attested in Kosli' },
  { id: 'dispatched', label: 'Prod deploy started' },
  { id: 'deployed', label: 'Deployed' },
  { id: 'verified', label: 'Verified in prod' },
  { id: 'released', label: 'Released in Jira' },
] as const;

/** The timeline step a failed worker step was trying to reach, and what it was doing. */
const FAILED_STEP: Record<FailedStep, { reaching: (typeof STEPS)[number]['id']; doing: string }> = {
  attest: { reaching: 'attested', doing: 'attesting the approval in Kosli' },
  dispatch: { reaching: 'dispatched', doing: 'starting the prod deploy' },
  follow: { reaching: 'deployed', doing: 'following the deploy run' },
  verify: { reaching: 'verified', doing: 'verifying what runs in prod' },
  release: { reaching: 'released', doing: 'releasing the Jira version' },
};

export function DeploySection({ release, onUpdate }: { release: ReleaseView; onUpdate: (release: ReleaseView) => void }) {
  const { deploy } = release;
  const retry = useAction(() => call('release/retry', { versionId: release.versionId }), onUpdate);
  const failure = deploy.failure;
  const failedAt = failure ? STEPS.findIndex((step) => step.id === FAILED_STEP[failure.step].reaching) : -1;
  const currentAt = failure ? failedAt : STEPS.findIndex((step) => step.id === deploy.step);

  return (
    <section aria-labelledby="deploy-heading" className="section">
      <h2 id="deploy-heading">Deploy</h2>
      <ol className="steps" aria-label="Deploy progress">
        {STEPS.map((step, index) => {
          const status = index === failedAt ? 'failed' : index < currentAt ? 'done' : index === currentAt ? 'current' : 'todo';
          return (
            <li key={step.id} className={`step step-${status}`} aria-current={status === 'current' || status === 'failed' ? 'step' : undefined}>
              <span className="step-marker" aria-hidden="true">
                {status === 'done' ? '✓' : status === 'failed' ? '✕' : index + 1}
              </span>
              <span className="step-label">
                {step.label}
                <span className="visually-hidden">{status === 'done' ? ' (done)' : status === 'failed' ? ' (failed)' : status === 'current' ? ' (current)' : ''}</span>
              </span>
            </li>
          );
        })}
      </ol>
      {deploy.state === 'open' && (
        <p className="subtle">
          {release.approvals.satisfied
            ? 'The approval policy is satisfied: the deploy to prod is queued and starts within moments (or at the next scheduled check).'
            : 'The deploy to prod starts once the approval policy is satisfied.'}
        </p>
      )}
      {deploy.runId !== null && (
        <p>
          {deploy.runUrl ? <ExternalLink href={deploy.runUrl}>Workflow run #{deploy.runId}</ExternalLink> : `Workflow run #${deploy.runId}`}
          {deploy.runStatus && <span> · status {deploy.runStatus}</span>}
          {deploy.runConclusion && <span> · conclusion {deploy.runConclusion}</span>}
        </p>
      )}
      {failure && (
        <Notice appearance="error" title={`The deploy failed while ${FAILED_STEP[failure.step].doing}`}>
          <p>{failure.reason}</p>
          <p>
            {failure.attempts > 1 ? `${failure.attempts} attempts so far. ` : ''}
            {failure.transient
              ? 'This looks temporary: the app tries again on its next scheduled check, or you can retry now.'
              : 'Fix the cause, then retry.'}
          </p>
          <p>
            <button type="button" className="button" onClick={retry.run} disabled={retry.state.status === 'running'}>
              {retry.state.status === 'running' ? 'Retrying…' : 'Retry'}
            </button>
          </p>
        </Notice>
      )}
      {retry.state.status === 'failed' && (
        <Notice appearance="error" title="The retry did not start">
          <p>{retry.state.error.message}</p>
          <p>{nextStep(retry.state.error)}</p>
        </Notice>
      )}
      {deploy.verification &&
        (deploy.verification.ok ? (
          <Notice appearance="success" title="Verified">
            <p>Prod runs exactly the approved artifacts (checked {formatTime(deploy.verification.checkedAt)}).</p>
          </Notice>
        ) : (
          <Notice appearance="error" title="Prod does not run what was approved">
            <p>Checked {formatTime(deploy.verification.checkedAt)}:</p>
            <ul>
              {deploy.verification.mismatches.map((mismatch) => (
                <li key={mismatch}>{mismatch}</li>
              ))}
            </ul>
          </Notice>
        ))}
    </section>
  );
}
