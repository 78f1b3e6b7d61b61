import type { ReactElement } from 'react';
import { call } from '../api';
import type { ProjectOverview, PromoteResult, RefreshResult, ReleaseSummary } from '../../../../src/contract';
import { ExternalLink, RouteLink } from '../components/links';
import { ReleaseStateLozenge } from '../components/lozenge';
import { EmptyState, ErrorState, Loading, nextStep, Notice } from '../components/states';
import { formatDate, formatTime, plural, shortFingerprint, shortSha } from '../format';
import { routePath } from '../routes';
import { useAction, useLoad, type ActionState } from '../use-load';

export function Overview({ projectKey }: { projectKey: string }) {
  const { state, reload } = useLoad(() => call('project/overview', {}), [projectKey]);

  if (state.status === 'loading') return <Loading label="Loading releases…" />;
  if (state.status === 'failed') {
    if (state.error.code === 'NOT_CONFIGURED') return <NotConfigured projectKey={projectKey} />;
    return <ErrorState title="Releases could not be loaded" error={state.error} onRetry={reload} />;
  }
  const overview = state.data;
  if (!overview.configured) return <NotConfigured projectKey={projectKey} />;

  return (
    <>
      <div className="page-header">
        <h1>Releases</h1>
        <p className="subtle">Release candidates of project {overview.projectKey}, gated by Kosli evidence and approvals.</p>
      </div>
      {overview.canManageReleases && <DeveloperActions onChanged={reload} />}
      <section aria-labelledby="candidate-heading" className="section">
        <h2 id="candidate-heading">Open candidate</h2>
        {overview.openCandidate ? (
          <CandidateCard release={overview.openCandidate} />
        ) : (
          <EmptyState title="No open release candidate">
            <p>
              {overview.canManageReleases
                ? 'Promote what runs in dev to staging, then create a candidate from what runs in staging.'
                : 'A developer creates the next candidate from what runs in staging; it will appear here.'}
            </p>
          </EmptyState>
        )}
      </section>
      <RecentReleases overview={overview} />
    </>
  );
}

function NotConfigured({ projectKey }: { projectKey: string }) {
  return (
    <Notice appearance="info" title="Kosli Release Gate is not configured for this project yet">
      <p>
        An admin must configure the app in Jira settings → Apps → Kosli Release Gate, for project {projectKey}: the Kosli
        organisation and environments, the apps, the GitHub repository and who approves releases.
      </p>
    </Notice>
  );
}

function CandidateCard({ release }: { release: ReleaseSummary }) {
  return (
    <article className="card" aria-label={`Release candidate ${release.name}`}>
      <div className="card-header">
        <h3>{release.name}</h3>
        <ReleaseStateLozenge state={release.state} />
      </div>
      <p className="subtle">
        {plural(release.issueCount, 'issue')} · updated {formatTime(release.updatedAt)}
      </p>
      {release.apps.length > 0 && (
        <ul className="inline-list" aria-label="Apps in this release">
          {release.apps.map((app) => (
            <li key={app.name}>
              <strong>{app.name}</strong> <code title={app.fingerprint}>{shortFingerprint(app.fingerprint)}</code>{' '}
              <span className="subtle">({shortSha(app.commit)})</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <RouteLink to={routePath({ name: 'release', versionId: release.versionId })} className="button button-primary">
          Open release
        </RouteLink>
      </p>
    </article>
  );
}

function RecentReleases({ overview }: { overview: ProjectOverview }) {
  return (
    <section aria-labelledby="recent-heading" className="section">
      <h2 id="recent-heading">Recent releases</h2>
      {overview.recent.length === 0 ? (
        <EmptyState title="No releases yet">
          <p>Released candidates appear here with their state, so you can reopen their evidence and audit record.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Release</th>
              <th scope="col">State</th>
              <th scope="col">Release date</th>
              <th scope="col">Issues</th>
              <th scope="col">Apps</th>
            </tr>
          </thead>
          <tbody>
            {overview.recent.map((release) => (
              <tr key={release.versionId}>
                <td>
                  <RouteLink to={routePath({ name: 'release', versionId: release.versionId })}>{release.name}</RouteLink>
                </td>
                <td>
                  <ReleaseStateLozenge state={release.state} />
                </td>
                <td>{release.releaseDate ? formatDate(release.releaseDate) : '—'}</td>
                <td>{release.issueCount}</td>
                <td>{release.apps.map((app) => app.name).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeveloperActions({ onChanged }: { onChanged: () => void }) {
  const promote = useAction(() => call('staging/promote', {}), onChanged);
  const refresh = useAction(() => call('candidate/refresh', {}), onChanged);
  const busy = promote.state.status === 'running' || refresh.state.status === 'running';

  return (
    <section aria-labelledby="actions-heading" className="section actions-panel">
      <h2 id="actions-heading" className="visually-hidden">
        Developer actions
      </h2>
      <div className="button-row">
        <button type="button" className="button" onClick={promote.run} disabled={busy} aria-busy={promote.state.status === 'running'}>
          {promote.state.status === 'running' ? 'Promoting…' : 'Promote dev → staging'}
        </button>
        <button type="button" className="button" onClick={refresh.run} disabled={busy} aria-busy={refresh.state.status === 'running'}>
          {refresh.state.status === 'running' ? 'Updating candidate…' : 'Create / refresh candidate'}
        </button>
      </div>
      <ActionOutcome state={promote.state} failedTitle="Promotion failed" describe={describePromotion} />
      <ActionOutcome state={refresh.state} failedTitle="The candidate could not be updated" describe={describeRefresh} />
    </section>
  );
}

function ActionOutcome<T>({ state, failedTitle, describe }: { state: ActionState<T>; failedTitle: string; describe: (result: T) => ReactElement }) {
  if (state.status === 'done') return describe(state.result);
  if (state.status === 'failed') {
    return (
      <Notice appearance="error" title={failedTitle}>
        <p>{state.error.message}</p>
        <p>{nextStep(state.error)}</p>
      </Notice>
    );
  }
  return null;
}

function describePromotion(result: PromoteResult) {
  const run = `workflow run #${result.runId}`;
  return (
    <Notice appearance="success" title="Promotion to staging started">
      <p>
        {result.runUrl ? <ExternalLink href={result.runUrl}>{run}</ExternalLink> : run} deploys{' '}
        {result.apps.map((app) => `${app.name} ${shortSha(app.commit)}`).join(', ') || 'nothing new'} to staging. Create or
        refresh the candidate once it has finished.
      </p>
    </Notice>
  );
}

function describeRefresh(result: RefreshResult) {
  const link = <RouteLink to={routePath({ name: 'release', versionId: result.versionId })}>{result.name}</RouteLink>;
  if (!result.changed && !result.created) {
    return (
      <Notice appearance="info" title="Nothing changed">
        <p>{link} already holds what runs in staging.</p>
      </Notice>
    );
  }
  const added = result.addedKeys.length > 0 ? `Added ${result.addedKeys.join(', ')}.` : 'No new issues.';
  return (
    <Notice appearance="success" title={result.created ? 'Release candidate created' : 'Release candidate refreshed'}>
      <p>
        {link}: {added}
        {!result.created && ' Approvals given for the earlier content are now stale.'}
      </p>
    </Notice>
  );
}
