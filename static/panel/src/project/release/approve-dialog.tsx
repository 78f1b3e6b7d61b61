import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ReleaseView } from '../../../../../src/contract';
import { plural, shortSha } from '../../format';

/**
 * The last approval deploys to prod: say what ships before it does, and take an optional comment
 * that is kept with the decision, in the audit and in the Kosli approval attestation.
 * A modal: focus starts in the comment, Tab stays inside, Escape cancels.
 */
export function ApproveDialog({
  release,
  busy,
  onConfirm,
  onCancel,
}: {
  release: ReleaseView;
  busy: boolean;
  onConfirm: (comment: string | undefined) => void;
  onCancel: () => void;
}) {
  const [comment, setComment] = useState('');
  const dialog = useRef<HTMLDivElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const commits = release.artifacts.reduce((n, a) => n + a.commitCount, 0);
  const last = release.approvals.me.lastApproval;
  const reasonRequired = release.gate.approvalReasonRequired;

  useEffect(() => field.current?.focus(), []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('textarea, button:not([disabled])')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="approve-dialog-title"
        aria-describedby="approve-dialog-summary"
        onKeyDown={onKeyDown}
      >
        <h2 id="approve-dialog-title">
          {last ? `Approve and deploy ${release.name} to prod?` : `Approve ${release.name}?`}
        </h2>
        <div id="approve-dialog-summary">
          <p>
            {last
              ? 'Yours is the last approval needed: the deploy to prod starts as soon as you confirm.'
              : 'More approvals are needed before anything is deployed.'}
          </p>
          <ul aria-label="What ships">
            {release.artifacts.map((artifact) => (
              <li key={artifact.app}>
                <strong>{artifact.app}</strong> at <code>{shortSha(artifact.commit)}</code> —{' '}
                {plural(artifact.commitCount, 'commit')}
                {artifact.fromCommit ? ` since ${shortSha(artifact.fromCommit)} in prod` : ', its first release'}
              </li>
            ))}
          </ul>
          <p>
            {plural(commits, 'commit')} in all;{' '}
            {release.issues.length > 0 ? `issues ${release.issues.map((i) => i.key).join(', ')}` : 'no Jira issue'}
            {release.untracked.length > 0 && `; ${plural(release.untracked.length, 'commit')} without a Jira key`}.
          </p>
        </div>
        <label htmlFor="approve-comment">
          {reasonRequired
            ? 'Reason (required for a rollback, recorded with your approval and in Kosli)'
            : 'Comment (optional, recorded with your approval and in Kosli)'}
        </label>
        <textarea
          id="approve-comment"
          ref={field}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          rows={3}
          maxLength={2000}
        />
        <div className="button-row">
          <button
            type="button"
            className="button button-primary"
            disabled={busy || (reasonRequired && comment.trim().length === 0)}
            onClick={() => onConfirm(comment.trim() || undefined)}
          >
            {busy ? 'Approving…' : last ? 'Approve and deploy to prod' : 'Approve'}
          </button>
          <button type="button" className="button button-subtle" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
