import { call } from '../../api';
import type { ApproverView, DecisionView, ReleaseView } from '../../../../../src/contract';
import { DecisionLozenge, Lozenge } from '../../components/lozenge';
import { EmptyState } from '../../components/states';
import { formatTime } from '../../format';
import { LoadMore, usePagedList } from './load-more';

/** Who approves, and every decision with whether it still counts; the verdict and the buttons are in the decision panel. */
export function ApprovalsSection({ release }: { release: ReleaseView }) {
  const { approvals } = release;
  return (
    <section aria-labelledby="approvals-heading" className="section">
      <h2 id="approvals-heading">Approvals</h2>
      <p>
        <span className="subtle">Rule:</span> {approvals.rule}
      </p>
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
      <h3>Decisions</h3>
      <DecisionList versionId={release.versionId} first={approvals.decisions} more={release.more.decisions} />
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

/** The latest decisions first; "Load more" goes back in time. */
function DecisionList({ versionId, first, more }: { versionId: string; first: DecisionView[]; more: string | null }) {
  const list = usePagedList(first, more, (cursor) => call('release/decisions', { versionId, cursor }));
  const decisions = list.items;
  if (decisions.length === 0) return <p className="subtle">No decisions yet.</p>;
  return (
    <>
      <ol className="timeline" aria-label="Decisions">
        {decisions.map((decision, index) => (
          <li
            key={`${decision.accountId}-${decision.at}-${decision.source}-${index}`}
            className={decision.valid && !decision.superseded ? '' : 'stale'}
          >
            <strong>{decision.displayName}</strong> {decision.decision}{' '}
            {decision.source === 'app' ? 'in the app' : 'in Jira'}{' '}
            <span className="subtle">· {formatTime(decision.at)}</span>{' '}
            {decision.superseded ? (
              <Lozenge>Superseded</Lozenge>
            ) : decision.valid ? (
              <Lozenge appearance="success">Counts</Lozenge>
            ) : (
              <Lozenge appearance="moved">Stale</Lozenge>
            )}
            {decision.superseded && (
              <span className="subtle"> replaced by a later decision of {decision.displayName}</span>
            )}
            {!decision.superseded && !decision.valid && (
              <span className="subtle"> made for earlier content; it no longer counts</span>
            )}
            {decision.reason && (
              <blockquote className="reason" aria-label={decision.decision === 'approved' ? 'Comment' : 'Reason'}>
                {decision.reason}
              </blockquote>
            )}
          </li>
        ))}
      </ol>
      <LoadMore list={list} what="decisions" />
    </>
  );
}
