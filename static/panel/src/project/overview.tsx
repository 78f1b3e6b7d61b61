import { useState, type ReactElement } from 'react';
import { call, isRecord } from '../api';
import type { ProjectOverview, PromoteResult, RefreshResult, ReleaseSummary } from '../../../../src/contract';
import { ExternalLink, RouteLink } from '../components/links';
import { ReleaseStateLozenge } from '../components/lozenge';
import { EmptyState, ErrorState, Loading, nextStep, Notice } from '../components/states';
import { formatDate, formatTime, plural, shortSha } from '../format';
import { displayState, failedDoing, names } from './release/verdict';
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
        <p className="subtle">
          Release candidates of project {overview.projectKey}, gated by Kosli evidence and approvals.
        </p>
      </div>
      {overview.canManageReleases && <DeveloperActions apps={overview.apps} onChanged={reload} />}
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
      {overview.openRollback && (
        <section aria-labelledby="rollback-heading" className="section">
          <h2 id="rollback-heading">Open rollback</h2>
          <CandidateCard release={overview.openRollback} />
        </section>
      )}
      <RecentReleases overview={overview} />
    </>
  );
}

function NotConfigured({ projectKey }: { projectKey: string }) {
  return (
    <Notice appearance="info" title="Kosli Release Gate is not configured for this project yet">
      <p>
        An admin must configure the app in Jira settings → Apps → Kosli Release Gate, for project {projectKey}: the
        Kosli organisation and environments, the apps, the GitHub repository and who approves releases.
      </p>
    </Notice>
  );
}

function CandidateCard({ release }: { release: ReleaseSummary }) {
  const { approvals, issues, failure } = release;
  const declined = approvals !== null && approvals.declinedBy.length > 0;
  return (
    <article className="card" aria-label={`Release candidate ${release.name}`}>
      <div className="card-header">
        <h3>{release.name}</h3>
        <ReleaseStateLozenge state={displayState(release.state, declined)} />
      </div>
      <p className="card-turn">{whoseTurn(release)}</p>
      {failure && (
        <p className="warning-text">
          Failed while {failedDoing(failure.step)}: {failure.reason}
        </p>
      )}
      <p className="subtle">
        {issues ? `${issues.done} of ${plural(issues.total, 'issue')} done` : plural(release.issueCount, 'issue')}
        {issues &&
          issues.notDone.length > 0 &&
          ` (not done: ${issues.notDone.map((i) => `${i.key} ${i.status}`).join(', ')})`}
        {' · '}
        {release.apps.map((app) => app.name).join(', ') || 'no apps'} · updated {formatTime(release.updatedAt)}
      </p>
      <p>
        <RouteLink to={routePath({ name: 'release', versionId: release.versionId })} className="button button-primary">
          Open release
        </RouteLink>
      </p>
    </article>
  );
}

/** The card's one line: whose turn it is now. */
function whoseTurn(release: ReleaseSummary): string {
  const { approvals } = release;
  if (release.state === 'released') return 'Released to prod.';
  if (release.failure) return 'The deploy to prod failed: a developer can retry it.';
  if (release.state === 'approved' || release.state === 'deploying') return 'Approved: deploying to prod.';
  if (!approvals) return 'Open the release to see its approvals.';
  const declined = approvals.declinedBy[0];
  if (declined) return `Declined by ${declined.displayName}${declined.reason ? `: “${declined.reason}”` : ''}`;
  const count = `${approvals.approved} of ${approvals.needed} approved`;
  if (approvals.myTurn) return `${count} — your decision is needed.`;
  return approvals.waitingFor.length > 0 ? `${count} — waiting for ${names(approvals.waitingFor)}.` : `${count}.`;
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
                  <RouteLink to={routePath({ name: 'release', versionId: release.versionId })}>
                    {release.name}
                  </RouteLink>
                </td>
                <td>
                  <ReleaseStateLozenge state={release.state} />
                  <ReleaseMarks release={release} />
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

function DeveloperActions({ apps, onChanged }: { apps: string[]; onChanged: () => void }) {
  const [chosen, setChosen] = useState<string[]>(apps);
  const promote = useAction(() => call('staging/promote', {}), onChanged);
  // Every app chosen is the default (all that differ); fewer makes a partial release.
  const refresh = useAction(
    () => call('candidate/refresh', chosen.length === apps.length ? {} : { apps: chosen }),
    onChanged,
  );
  const busy = promote.state.status === 'running' || refresh.state.status === 'running';
  // Each action's outcome replaces the last one: notices never pile up.
  const run = (action: { run: () => Promise<void> }, other: { reset: () => void }) => () => {
    other.reset();
    void action.run();
  };

  return (
    <section aria-labelledby="actions-heading" className="section actions-panel">
      <h2 id="actions-heading" className="visually-hidden">
        Developer actions
      </h2>
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={run(promote, refresh)}
          disabled={busy}
          aria-busy={promote.state.status === 'running'}
        >
          {promote.state.status === 'running' ? 'Promoting…' : 'Promote dev → staging'}
        </button>
        <button
          type="button"
          className="button"
          onClick={run(refresh, promote)}
          disabled={busy || chosen.length === 0}
          aria-busy={refresh.state.status === 'running'}
        >
          {refresh.state.status === 'running' ? 'Updating candidate…' : 'Create / refresh candidate'}
        </button>
      </div>
      {apps.length > 1 && <AppChooser apps={apps} chosen={chosen} onChange={setChosen} />}
      <ActionOutcome state={promote.state} failedTitle="Promotion failed" describe={describePromotion} />
      <ActionOutcome
        state={refresh.state}
        failedTitle="The candidate could not be updated"
        describe={describeRefresh}
      />
    </section>
  );
}

function ActionOutcome<T>({
  state,
  failedTitle,
  describe,
}: {
  state: ActionState<T>;
  failedTitle: string;
  describe: (result: T) => ReactElement;
}) {
  if (state.status === 'done') return describe(state.result);
  if (state.status !== 'failed') return null;
  const { error } = state;
  if (error.code === 'NOTHING_TO_RELEASE') {
    return (
      <Notice appearance="info" title="Nothing to release">
        <p>{error.message}</p>
        <p>Merge a change, let it reach dev, then promote it to staging.</p>
      </Notice>
    );
  }
  const refusals = policyRefusals(error.details);
  if (error.code === 'POLICY_FAILED' && refusals.length > 0) {
    return (
      <Notice appearance="warning" title="Not promoted: staging's Kosli policy refuses a build">
        <ul>
          {refusals.map((r) => (
            <li key={`${r.app}-${r.rule}`}>
              <strong>{r.app}</strong>
              {r.commit && (
                <>
                  {' '}
                  at <code>{shortSha(r.commit)}</code>
                </>
              )}
              : {r.explanation}
            </li>
          ))}
        </ul>
        <p>Fix the evidence in Kosli (or merge a fixed commit and let it build), then promote again.</p>
      </Notice>
    );
  }
  return (
    <Notice appearance="error" title={failedTitle}>
      <p>{error.message}</p>
      <p>{nextStep(error)}</p>
    </Notice>
  );
}

interface Refusal {
  app: string;
  commit: string | null;
  rule: string;
  explanation: string;
}

/** The failures of a staging policy refusal, in words: which build, and what the rule wants. */
function policyRefusals(details: Record<string, unknown> | undefined): Refusal[] {
  const failures = details?.['failures'];
  if (!Array.isArray(failures)) return [];
  return failures.flatMap((failure: unknown): Refusal[] => {
    if (!isRecord(failure) || typeof failure['app'] !== 'string' || typeof failure['rule'] !== 'string') return [];
    const rule = failure['rule'];
    return [
      {
        app: failure['app'],
        commit: typeof failure['commit'] === 'string' ? failure['commit'] : null,
        rule,
        explanation: RULES[rule] ?? `its Kosli evidence does not meet the rule "${rule}".`,
      },
    ];
  });
}

/** What a Kosli policy rule asks for, as a developer reads it. */
const RULES: Record<string, string> = {
  'trail-compliance':
    'its Kosli trail is not compliant: an attestation (Jira reference, pull request review, tests) is missing or failed.',
  provenance: 'Kosli does not know where the build came from.',
};

function describePromotion(result: PromoteResult) {
  const run = `workflow run #${result.runId}`;
  return (
    <Notice appearance="success" title="Promotion to staging started">
      <p>
        {result.runUrl ? <ExternalLink href={result.runUrl}>{run}</ExternalLink> : run} deploys{' '}
        {result.apps.map((app) => `${app.name} ${shortSha(app.commit)}`).join(', ') || 'nothing new'} to staging. Create
        or refresh the candidate once it has finished.
      </p>
    </Notice>
  );
}

/** Keys named in a notice: the first few, then how many more (a large candidate adds thousands). */
const KEYS_NAMED = 20;

function listed(keys: readonly string[]): string {
  if (keys.length <= KEYS_NAMED) return keys.join(', ');
  return `${keys.slice(0, KEYS_NAMED).join(', ')} and ${(keys.length - KEYS_NAMED).toLocaleString('en')} more`;
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
  if (result.composing) {
    return (
      <Notice appearance="info" title={result.created ? 'Release candidate created' : 'Candidate being recomposed'}>
        <p>
          {link}: its content is large, so it is being composed in the background. The release page shows the progress;
          approvals open once it is recorded.
        </p>
      </Notice>
    );
  }
  const added = result.addedKeys.length > 0 ? `Added ${listed(result.addedKeys)}.` : 'No new issues.';
  return (
    <Notice appearance="success" title={result.created ? 'Release candidate created' : 'Release candidate refreshed'}>
      <p>
        {link}: {added}
        {!result.created && ' Approvals given for the earlier content are now stale.'}
      </p>
    </Notice>
  );
}

/** Which apps the candidate ships: all that differ by default; the others wait for the next candidate. */
function AppChooser({
  apps,
  chosen,
  onChange,
}: {
  apps: string[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  return (
    <fieldset className="app-chooser">
      <legend>Apps in the candidate</legend>
      {apps.map((app) => (
        <label key={app} className="app-chooser-option">
          <input
            type="checkbox"
            checked={chosen.includes(app)}
            onChange={(event) =>
              onChange(
                event.target.checked
                  ? apps.filter((a) => a === app || chosen.includes(a))
                  : chosen.filter((a) => a !== app),
              )
            }
          />{' '}
          {app}
        </label>
      ))}
      <p className="hint">Apps left out keep running what prod runs; their changes wait for the next candidate.</p>
    </fieldset>
  );
}

/** Rollback and emergency releases stand out in the list. */
function ReleaseMarks({ release }: { release: ReleaseSummary }) {
  return (
    <>
      {release.kind === 'rollback' && <span className="release-mark release-mark-rollback">Rollback</span>}
      {release.emergency && <span className="release-mark release-mark-emergency">Emergency</span>}
    </>
  );
}
