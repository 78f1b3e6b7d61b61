import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { call } from '../../api';
import type { ContentChange, DecisionKind, ReleaseView } from '../../../../../src/contract';
import { ExternalLink } from '../../components/links';
import { Notice, nextStep } from '../../components/states';
import { formatTime, plural, shortSha } from '../../format';
import { useAction } from '../../use-load';
import { ApproveDialog } from './approve-dialog';
import { checksOf, deployStepLabel, driftedApps, failedDoing, names, verdictOf, type CheckStatus } from './verdict';

interface Props {
  release: ReleaseView;
  onUpdate: (release: ReleaseView) => void;
  onReload: () => void;
  /** Now, ticking while the release moves (elapsed times). */
  now: number;
}

const CHECK_MARK: Record<CheckStatus, { mark: string; label: string }> = {
  ok: { mark: '✓', label: 'OK' },
  warn: { mark: '!', label: 'Look' },
  fail: { mark: '✕', label: 'Blocking' },
  info: { mark: '•', label: 'Pending' },
};

/**
 * The top of the release page: ship or not in one line, the checks behind it, and the decision
 * buttons. The heading takes focus after each action, so keyboard and screen-reader users hear the outcome.
 */
export function DecisionPanel({ release, onUpdate, onReload, now }: Props) {
  const verdict = verdictOf(release);
  const heading = useRef<HTMLHeadingElement>(null);
  const focusOutcome = useRef(false);

  useEffect(() => {
    if (focusOutcome.current) heading.current?.focus();
    focusOutcome.current = false;
  }, [release]);

  const updated = (next: ReleaseView) => {
    focusOutcome.current = true;
    onUpdate(next);
  };

  return (
    <section id="decision" aria-labelledby="decision-heading" className={`decision decision-${verdict.tone}`}>
      <h2 id="decision-heading" ref={heading} tabIndex={-1} className="decision-verdict">
        {verdict.title}
      </h2>
      {verdict.detail && <p className="decision-detail">{verdict.detail}</p>}
      <ChangeBanners release={release} />
      <DeployStatus release={release} onUpdate={updated} now={now} />
      <ul className="decision-checks" aria-label="Checks behind the verdict">
        {checksOf(release).map((check) => (
          <li key={check.id} className={`decision-check-${check.status}`}>
            <span className="decision-check-mark" aria-hidden="true">
              {CHECK_MARK[check.status].mark}
            </span>
            <span className="visually-hidden">{CHECK_MARK[check.status].label}: </span>
            <strong>{check.label}:</strong> {check.text}
          </li>
        ))}
      </ul>
      <DecisionActions release={release} onUpdate={updated} onReload={onReload} heading={heading} />
    </section>
  );
}

function ChangeBanners({ release }: { release: ReleaseView }) {
  const { changes, me } = release.approvals;
  if (changes.length === 0 || release.state === 'released') return null;
  return (
    <>
      {changes.map((change) => (
        <Notice
          key={change.fromHash}
          appearance="warning"
          title={changeTitle(change, me.stale && change.decidedBy.length > 0 ? release : null)}
        >
          <ChangeDetail change={change} />
        </Notice>
      ))}
    </>
  );
}

function changeTitle(change: ContentChange, mine: ReleaseView | null): string {
  const when = change.changedAt ? ` on ${formatTime(change.changedAt)}` : '';
  const by = change.changedBy ? ` by ${change.changedBy}` : '';
  const whose = mine ? 'your' : `${names(change.decidedBy)}’s`;
  return `The release changed since ${whose} decision${when}${by}: it no longer counts`;
}

function ChangeDetail({ change }: { change: ContentChange }) {
  if (!change.known) return <p>The app has no record of the earlier content; review the commits and issues below.</p>;
  const lines: string[] = change.apps.map((app) => {
    if (app.change === 'added') return `${app.name} joined the release (${plural(app.addedCommits, 'commit')}).`;
    if (app.change === 'removed') return `${app.name} left the release.`;
    return `${app.name} moved from ${shortSha(app.fromCommit ?? '')} to ${shortSha(app.toCommit ?? '')}: ${plural(app.addedCommits, 'new commit')}.`;
  });
  if (change.addedKeys.length > 0) lines.push(`Issues added: ${change.addedKeys.join(', ')}.`);
  if (change.removedKeys.length > 0) lines.push(`Issues removed: ${change.removedKeys.join(', ')}.`);
  if (lines.length === 0) lines.push('The same apps and issues, rebuilt as new artifacts.');
  return (
    <ul>
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

function elapsed(fromIso: string | null, now: number): string | null {
  if (!fromIso) return null;
  const seconds = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function DeployStatus({
  release,
  onUpdate,
  now,
}: {
  release: ReleaseView;
  onUpdate: (release: ReleaseView) => void;
  now: number;
}) {
  const { deploy } = release;
  const retry = useAction(() => call('release/retry', { versionId: release.versionId }), onUpdate);
  const run = deploy.runId !== null && (
    <>
      {' '}
      {deploy.runUrl ? (
        <ExternalLink href={deploy.runUrl}>Workflow run #{deploy.runId}</ExternalLink>
      ) : (
        `Workflow run #${deploy.runId}`
      )}
      {deploy.runStatus && ` (${deploy.runStatus}${deploy.runConclusion ? `, ${deploy.runConclusion}` : ''})`}
    </>
  );
  if (deploy.failure) {
    return (
      <div className="deploy-failure" role="group" aria-label="Deploy failure">
        <p>
          <strong>Failed step:</strong> {failedDoing(deploy.failure.step)}
          {deploy.failure.attempts > 1 && ` (${deploy.failure.attempts} attempts)`}.{run}
        </p>
        <p>
          <strong>Who can act:</strong> {deploy.whoCanRetry}
        </p>
        {deploy.canRetry ? (
          <p>
            <button
              type="button"
              className="button button-primary"
              onClick={retry.run}
              disabled={retry.state.status === 'running'}
            >
              {retry.state.status === 'running' ? 'Retrying…' : `Retry ${failedDoing(deploy.failure.step)}`}
            </button>
          </p>
        ) : (
          <p className="subtle">
            Ask a developer of the project to fix the cause and retry; this page updates when they do.
          </p>
        )}
        {retry.state.status === 'failed' && (
          <Notice appearance="error" title="The retry did not start">
            <p>{retry.state.error.message}</p>
            <p>{nextStep(retry.state.error)}</p>
          </Notice>
        )}
      </div>
    );
  }
  if (release.state === 'approved' || release.state === 'deploying') {
    const since = elapsed(deploy.startedAt ?? deploy.stepSince, now);
    return (
      <p className="deploy-live" role="status">
        <span className="spinner" aria-hidden="true" /> Now: {deployStepLabel(deploy.step)}
        {since && ` · ${since} since approval`}.{run}
      </p>
    );
  }
  return null;
}

function DecisionActions({
  release,
  onUpdate,
  onReload,
  heading,
}: {
  release: ReleaseView;
  onUpdate: (r: ReleaseView) => void;
  onReload: () => void;
  heading: RefObject<HTMLHeadingElement | null>;
}) {
  const { me, progress } = release.approvals;
  const [mode, setMode] = useState<'idle' | 'declining' | 'confirming'>('idle');
  // The hash of the content on screen: the server refuses if the release changed meanwhile.
  const sending = useAction(
    (decision: DecisionKind, reason?: string) =>
      call('release/decide', {
        versionId: release.versionId,
        decision,
        contentHash: release.contentHash,
        ...(reason ? { reason } : {}),
      }),
    (updated) => {
      setMode('idle');
      onUpdate(updated);
    },
    () => {
      setMode('idle');
      heading.current?.focus();
    },
  );
  const outcome = sending.state;
  const approveButton = useRef<HTMLButtonElement>(null);
  const declineButton = useRef<HTMLButtonElement>(null);
  const drifted = driftedApps(release);
  const outOfDate = outcome.status === 'failed' && outcome.error.code === 'CANDIDATE_STALE';
  const open = release.state === 'open';

  if (!open) return null;
  if (!me.eligible)
    return <p className="subtle decision-note">{me.reason ?? 'You are not an approver of this release.'}</p>;

  const decide = (decision: DecisionKind, reason?: string) => sending.run(decision, reason);

  const blockedBecause = outOfDate
    ? 'This page is out of date: the release changed while you were looking. Reload to review the new content.'
    : drifted.length > 0
      ? `You cannot approve now: staging no longer runs this candidate (${names(drifted)}).`
      : null;
  const busy = outcome.status === 'running';
  const approveLabel = me.lastApproval
    ? 'Approve and deploy to prod'
    : `Approve (${progress.approved + 1} of ${progress.needed})`;

  return (
    <div className="decision-actions" role="group" aria-label="Your decision">
      {me.current && <p>You {me.current} this content.</p>}
      {mode !== 'declining' && (
        <div className="button-row">
          {me.current !== 'approved' && (
            <button
              ref={approveButton}
              type="button"
              className="button button-primary"
              disabled={busy || blockedBecause !== null}
              aria-describedby={blockedBecause ? 'approve-blocked' : undefined}
              // The dialog also takes the reason a rollback policy may require with every approval.
              onClick={() =>
                me.lastApproval || release.gate.approvalReasonRequired ? setMode('confirming') : void decide('approved')
              }
            >
              {outcome.status === 'running' && outcome.args[0] === 'approved' ? 'Approving…' : approveLabel}
            </button>
          )}
          {me.current !== 'declined' && (
            <button
              ref={declineButton}
              type="button"
              className="button"
              disabled={busy}
              onClick={() => setMode('declining')}
            >
              Decline
            </button>
          )}
        </div>
      )}
      {blockedBecause && (
        <p id="approve-blocked" className="warning-text">
          {blockedBecause}{' '}
          {outOfDate && (
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                sending.reset();
                onReload();
              }}
            >
              Reload the release
            </button>
          )}
        </p>
      )}
      {mode === 'declining' && (
        <DeclineForm
          busy={busy}
          onSubmit={(reason) => void decide('declined', reason)}
          onCancel={() => {
            setMode('idle');
            // The Decline button comes back on the next render.
            setTimeout(() => declineButton.current?.focus(), 0);
          }}
        />
      )}
      {mode === 'confirming' && (
        <ApproveDialog
          release={release}
          busy={busy}
          onConfirm={(comment) => void decide('approved', comment)}
          onCancel={() => {
            setMode('idle');
            approveButton.current?.focus();
          }}
        />
      )}
      {outcome.status === 'failed' && !outOfDate && (
        <Notice appearance="error" title="Your decision was not recorded">
          <p>{outcome.error.message}</p>
          <p>{nextStep(outcome.error)}</p>
        </Notice>
      )}
    </div>
  );
}

function DeclineForm({
  busy,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (!trimmed) {
      setError('Give a reason, so the team knows what to fix.');
      return;
    }
    setError(null);
    onSubmit(trimmed);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  };
  return (
    <form className="decline-form" onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label="Decline this release">
      <label htmlFor="decline-reason">Why are you declining? (required)</label>
      <textarea
        id="decline-reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        rows={3}
        maxLength={2000}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'decline-reason-error' : undefined}
        autoFocus
      />
      {error && (
        <p id="decline-reason-error" className="field-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button button-danger" disabled={busy}>
          {busy ? 'Declining…' : 'Decline release'}
        </button>
        <button type="button" className="button button-subtle" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
