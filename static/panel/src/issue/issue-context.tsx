/**
 * "Where does this issue run?" (jira:issueContext): per environment, whether the issue's commits run
 * there, with the artifact, its Kosli compliance and since when; the release that holds the issue,
 * its approval and deploy state. Its own component tree and styles: the project page is untouched.
 */
import type { IssueContextView, IssueEnvironmentView } from '../../../../src/contract';
import { call } from '../api';
import { ExternalLink, MaybeLink } from '../components/links';
import { Lozenge, ReleaseStateLozenge, type Appearance } from '../components/lozenge';
import { ErrorState, Loading, Notice } from '../components/states';
import { formatTime, shortFingerprint, shortSha } from '../format';
import { useLoad } from '../use-load';
import './issue-context.css';

const STATUS: Record<IssueEnvironmentView['status'], { appearance: Appearance; label: string }> = {
  running: { appearance: 'success', label: 'Runs here' },
  'not-running': { appearance: 'default', label: 'Not yet' },
  unknown: { appearance: 'moved', label: 'No evidence' },
};

export function IssueContextPanel({ issueKey }: { issueKey: string }) {
  const { state, reload } = useLoad(() => call('issue/context', { issueKey }), [issueKey]);
  if (state.status === 'loading') return <Loading label="Asking Kosli where this issue runs…" />;
  if (state.status === 'failed')
    return <ErrorState title={`Where ${issueKey} runs could not be shown`} error={state.error} onRetry={reload} />;
  return <IssueContext view={state.data} />;
}

export function IssueContext({ view }: { view: IssueContextView }) {
  return (
    <section className="ic" aria-label={`Where ${view.issueKey} runs`}>
      {view.release ? <Release release={view.release} /> : null}
      {view.environments.length > 0 && (
        <ul className="ic-envs">
          {view.environments.map((env) => (
            <Environment key={env.role} env={env} />
          ))}
        </ul>
      )}
      {view.notes.map((note) => (
        <Notice key={note} appearance="info">
          <p>{note}</p>
        </Notice>
      ))}
    </section>
  );
}

function Release({ release }: { release: NonNullable<IssueContextView['release']> }) {
  return (
    <div className="ic-release">
      <p className="ic-release-name">
        <span className="ic-caption">Release</span>{' '}
        <ExternalLink href={release.releasePageUrl}>{release.name}</ExternalLink>{' '}
        <ReleaseStateLozenge state={release.state} />
      </p>
      <p className="ic-muted">{release.approval.summary}</p>
      <p className="ic-muted">{release.deploy}</p>
    </div>
  );
}

function Environment({ env }: { env: IssueEnvironmentView }) {
  const status = STATUS[env.status];
  return (
    <li className={`ic-env ic-env-${env.status}`} data-role={env.role}>
      <p className="ic-env-head">
        <strong>{env.environment}</strong> <Lozenge appearance={status.appearance}>{status.label}</Lozenge>
      </p>
      <p>{env.summary}</p>
      {env.apps.length > 0 && (
        <ul className="ic-apps">
          {env.apps.map((app) => (
            <li key={app.app}>
              <MaybeLink href={app.kosliUrl}>{app.app}</MaybeLink>{' '}
              <code>{app.commit ? shortSha(app.commit) : 'no commit'}</code>{' '}
              <code title={app.fingerprint}>{shortFingerprint(app.fingerprint)}</code>{' '}
              {app.compliant === true ? (
                <Lozenge appearance="success">Compliant</Lozenge>
              ) : app.compliant === false ? (
                <Lozenge appearance="removed">Non-compliant</Lozenge>
              ) : (
                <Lozenge>No verdict</Lozenge>
              )}
            </li>
          ))}
        </ul>
      )}
      {env.since && (
        <p className="ic-muted">
          Since {formatTime(env.since)}
          {env.sinceSource === 'verified' ? ', verified by Kosli' : `, as of Kosli snapshot #${env.snapshotIndex}`}
        </p>
      )}
    </li>
  );
}
