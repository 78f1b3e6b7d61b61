import type { DeployView, ReleaseView } from '../../../../../src/contract';
import { ExternalLink } from '../../components/links';
import { Notice } from '../../components/states';
import { formatTime } from '../../format';

type FailedStep = NonNullable<DeployView['failure']>['step'];

/** The deploy state machine as a timeline, in the order the worker walks it. */
const STEPS = [
  { id: 'open', label: 'Open' },
  { id: 'approved', label: 'Approved' },
  { id: 'attested', label: 'Record the approval in Kosli' },
  { id: 'dispatched', label: 'Start the prod deploy' },
  { id: 'deployed', label: 'Prod deploy run' },
  { id: 'verified', label: 'Verify what runs in prod' },
  { id: 'released', label: 'Release the Jira version' },
] as const;

/** The timeline step a failed worker step was trying to reach. */
const FAILED_STEP: Record<FailedStep, (typeof STEPS)[number]['id']> = {
  attest: 'attested',
  dispatch: 'dispatched',
  follow: 'deployed',
  verify: 'verified',
  release: 'released',
};

/** The deploy's steps as a timeline; what failed and the retry are at the top, in the decision panel. */
export function DeploySection({ release }: { release: ReleaseView }) {
  const { deploy } = release;
  const failure = deploy.failure;
  const failedAt = failure ? STEPS.findIndex((step) => step.id === FAILED_STEP[failure.step]) : -1;
  const currentAt = failure ? failedAt : STEPS.findIndex((step) => step.id === deploy.step);

  return (
    <section aria-labelledby="deploy-heading" className="section">
      <h2 id="deploy-heading">Deploy</h2>
      <ol className="steps" aria-label="Deploy progress">
        {STEPS.map((step, index) => {
          const status =
            index === failedAt ? 'failed' : index < currentAt ? 'done' : index === currentAt ? 'current' : 'todo';
          return (
            <li
              key={step.id}
              className={`step step-${status}`}
              aria-current={status === 'current' || status === 'failed' ? 'step' : undefined}
            >
              <span className="step-marker" aria-hidden="true">
                {status === 'done' ? '✓' : status === 'failed' ? '✕' : index + 1}
              </span>
              <span className="step-label">
                {step.label}
                <span className="visually-hidden">
                  {status === 'done'
                    ? ' (done)'
                    : status === 'failed'
                      ? ' (failed)'
                      : status === 'current'
                        ? ' (current)'
                        : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      {deploy.state === 'open' && (
        <p className="subtle">The deploy to prod starts once the approval policy is satisfied.</p>
      )}
      {deploy.runId !== null && (
        <p>
          {deploy.runUrl ? (
            <ExternalLink href={deploy.runUrl}>Workflow run #{deploy.runId}</ExternalLink>
          ) : (
            `Workflow run #${deploy.runId}`
          )}
          {deploy.runStatus && <span> · status {deploy.runStatus}</span>}
          {deploy.runConclusion && <span> · conclusion {deploy.runConclusion}</span>}
        </p>
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
