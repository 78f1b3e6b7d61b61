import { useState, type FormEvent } from 'react';
import { call, toUiError, type UiError } from '../../api';
import type { ApproverView, DecisionKind, DecisionView, ReleaseView } from '../../../../../src/contract';
import { DecisionLozenge, Lozenge } from '../../components/lozenge';
import { EmptyState, nextStep, Notice } from '../../components/states';
import { formatTime } from '../../format';

interface Props {
  release: ReleaseView;
  onUpdate: (release: ReleaseView) => void;
  onReload: () => void;
}

export function ApprovalsSection({ release, onUpdate, onReload }: Props) {
  const { approvals } = release;
  return (
    <section aria-labelledby="approvals-heading" className="section">
      <h2 id="approvals-heading">Approvals</h2>
      <p>
        <span className="subtle">Rule:</span> {approvals.rule}
      </p>
      {approvals.satisfied ? (
        <Notice appearance="success">
          <p>The approval policy is satisfied for this content.</p>
        </Notice>
      ) : (
        approvals.outstanding.length > 0 && (
          <Notice appearance="info" title="Still needed">
            <ul>
              {approvals.outstanding.map((sentence) => (
                <li key={sentence}>{sentence}</li>
              ))}
            </ul>
          </Notice>
        )
      )}
      {approvals.approvers.length === 0 ? (
        <EmptyState title="No approvers yet">
          <p>Add approvers in the app settings, or as release approvers on the Jira version.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Approver</th>
              <th scope="col">Required by</th>
              <th scope="col">Jira status</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {approvals.approvers.map((approver) => (
              <ApproverRow key={approver.accountId} approver={approver} />
            ))}
          </tbody>
        </table>
      )}
      <MyDecision key={release.contentHash} release={release} onUpdate={onUpdate} onReload={onReload} />
      <h3>Decisions</h3>
      <DecisionList decisions={approvals.decisions} />
    </section>
  );
}

function ApproverRow({ approver }: { approver: ApproverView }) {
  return (
    <tr>
      <th scope="row">{approver.displayName}</th>
      <td>
        {approver.sources.map((source) => (
          <span key={source} className="tag">
            {source === 'settings' ? 'App settings' : 'Jira release approver'}
          </span>
        ))}
      </td>
      <td>{approver.jiraStatus ? <JiraStatus status={approver.jiraStatus} /> : <span className="subtle">—</span>}</td>
      <td>
        <DecisionLozenge decision={approver.current} />
        {approver.staleJiraApproval && (
          <p className="note">Approved an earlier content; approve again in Jira or here.</p>
        )}
        {approver.ineligibleReason && <p className="note warning-text">Cannot approve: {approver.ineligibleReason}</p>}
      </td>
    </tr>
  );
}

function JiraStatus({ status }: { status: NonNullable<ApproverView['jiraStatus']> }) {
  if (status === 'APPROVED') return <Lozenge appearance="success">Approved</Lozenge>;
  if (status === 'DECLINED') return <Lozenge appearance="removed">Declined</Lozenge>;
  return <Lozenge>Pending</Lozenge>;
}

function DecisionList({ decisions }: { decisions: DecisionView[] }) {
  if (decisions.length === 0) return <p className="subtle">No decisions yet.</p>;
  return (
    <ol className="timeline" aria-label="Decisions">
      {decisions.map((decision) => (
        <li key={`${decision.accountId}-${decision.at}-${decision.source}`} className={decision.valid ? '' : 'stale'}>
          <strong>{decision.displayName}</strong> {decision.decision} {decision.source === 'app' ? 'in the app' : 'in Jira'}{' '}
          <span className="subtle">· {formatTime(decision.at)}</span>{' '}
          {decision.valid ? (
            <Lozenge appearance="success">Valid</Lozenge>
          ) : (
            <Lozenge appearance="moved">Stale</Lozenge>
          )}
          {!decision.valid && <span className="subtle"> made for earlier content; it no longer counts</span>}
          {decision.reason && <blockquote className="reason">{decision.reason}</blockquote>}
        </li>
      ))}
    </ol>
  );
}

type Sending = { status: 'idle' } | { status: 'sending'; decision: DecisionKind } | { status: 'failed'; error: UiError };

function MyDecision({ release, onUpdate, onReload }: Props) {
  const { me } = release.approvals;
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [sending, setSending] = useState<Sending>({ status: 'idle' });
  const decidable = release.state === 'open' || release.state === 'approved';

  const decide = async (decision: DecisionKind, why?: string) => {
    setSending({ status: 'sending', decision });
    try {
      // The hash of the content on screen: the server refuses if the release changed meanwhile.
      const payload = { versionId: release.versionId, decision, contentHash: release.contentHash, ...(why ? { reason: why } : {}) };
      const updated = await call('release/decide', payload);
      setSending({ status: 'idle' });
      setDeclining(false);
      setReason('');
      onUpdate(updated);
    } catch (error) {
      setSending({ status: 'failed', error: toUiError(error) });
    }
  };

  const submitDecline = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (!trimmed) {
      setReasonError('Give a reason, so the team knows what to fix.');
      return;
    }
    setReasonError(null);
    void decide('declined', trimmed);
  };

  const busy = sending.status === 'sending';
  if (!me.current && me.eligible && !decidable && sending.status !== 'failed') return null;
  return (
    <div className="my-decision" aria-label="Your decision" role="group">
      {me.current && (
        <p>
          You {me.current} this content. <DecisionLozenge decision={me.current} />
        </p>
      )}
      {!me.eligible && <p className="subtle">{me.reason ?? 'You are not an approver of this release.'}</p>}
      {me.eligible && decidable && (
        <>
          <div className="button-row">
            {me.current !== 'approved' && (
              <button type="button" className="button button-primary" disabled={busy} onClick={() => void decide('approved')}>
                {busy && sending.decision === 'approved' ? 'Approving…' : 'Approve'}
              </button>
            )}
            {me.current !== 'declined' && !declining && (
              <button type="button" className="button" disabled={busy} onClick={() => setDeclining(true)}>
                Decline
              </button>
            )}
          </div>
          {declining && (
            <form className="decline-form" onSubmit={submitDecline} noValidate>
              <label htmlFor="decline-reason">Why are you declining? (required)</label>
              <textarea
                id="decline-reason"
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                rows={3}
                maxLength={1000}
                required
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? 'decline-reason-error' : undefined}
                autoFocus
              />
              {reasonError && (
                <p id="decline-reason-error" className="field-error">
                  {reasonError}
                </p>
              )}
              <div className="button-row">
                <button type="submit" className="button button-danger" disabled={busy}>
                  {busy ? 'Declining…' : 'Decline release'}
                </button>
                <button
                  type="button"
                  className="button button-subtle"
                  disabled={busy}
                  onClick={() => {
                    setDeclining(false);
                    setReasonError(null);
                  }}
                >
                  Cancel
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {sending.status === 'failed' &&
        (sending.error.code === 'CANDIDATE_STALE' ? (
          <Notice appearance="warning" title="This release has changed">
            <p>The release changed while you were looking; reload to review the new content.</p>
            <p>
              <button
                type="button"
                className="button"
                onClick={() => {
                  setSending({ status: 'idle' });
                  onReload();
                }}
              >
                Reload the release
              </button>
            </p>
          </Notice>
        ) : (
          <Notice appearance="error" title="Your decision was not recorded">
            <p>{sending.error.message}</p>
            <p>{nextStep(sending.error)}</p>
          </Notice>
        ))}
    </div>
  );
}
