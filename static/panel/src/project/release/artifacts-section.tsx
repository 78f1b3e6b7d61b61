import type { ArtifactView } from '../../../../../src/contract';
import { CopyButton } from '../../components/copy-button';
import { ExternalLink, MaybeLink } from '../../components/links';
import { ComplianceLozenge } from '../../components/lozenge';
import { EmptyState } from '../../components/states';
import { plural, pullRequestLabel, shortFingerprint, shortSha } from '../../format';

export function ArtifactsSection({ artifacts }: { artifacts: ArtifactView[] }) {
  const shown = artifacts.reduce((n, a) => n + a.commits.length, 0);
  const reviewed = artifacts.reduce((n, a) => n + a.reviewedCommits, 0);
  return (
    <section aria-labelledby="artifacts-heading" className="section">
      <h2 id="artifacts-heading">Artifacts</h2>
      {artifacts.length > 0 && (
        <p className={reviewed === shown ? 'success-text' : 'warning-text'}>
          Pull request review coverage: {reviewed} of {plural(shown, 'commit')} reviewed by someone other than the
          author.
        </p>
      )}
      {artifacts.length === 0 ? (
        <EmptyState title="This release ships no artifacts">
          <p>
            Nothing runs in staging that differs from prod. Promote a change to staging, then refresh the candidate.
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Artifact</th>
                <th scope="col">Change</th>
                <th scope="col">Kosli compliance</th>
                <th scope="col">Pull requests</th>
                <th scope="col">Jira issues</th>
              </tr>
            </thead>
            <tbody>
              {artifacts.map((artifact) => (
                <ArtifactRow key={artifact.app} artifact={artifact} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {artifacts.map((artifact) => (
        <CommitEvidence key={artifact.app} artifact={artifact} />
      ))}
    </section>
  );
}

/** Every commit of the app with its pull request, author, reviewers and Jira keys; closed until asked. */
function CommitEvidence({ artifact }: { artifact: ArtifactView }) {
  const { commits } = artifact;
  return (
    <details className="commit-evidence">
      <summary>
        Commits of {artifact.app}: {plural(artifact.commitCount, 'commit')}, {artifact.reviewedCommits} of{' '}
        {commits.length} reviewed
      </summary>
      {commits.length < artifact.commitCount && <p className="subtle">The newest {commits.length} are listed.</p>}
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Commit</th>
              <th scope="col">Author</th>
              <th scope="col">Pull request</th>
              <th scope="col">Reviewers</th>
              <th scope="col">Jira</th>
            </tr>
          </thead>
          <tbody>
            {commits.map((commit) => (
              <tr key={commit.sha}>
                <td>
                  <MaybeLink href={commit.url}>
                    <code>{shortSha(commit.sha)}</code>
                  </MaybeLink>{' '}
                  {commit.title}
                </td>
                <td>{commit.author || '—'}</td>
                <td>
                  {commit.pullRequests.length === 0 ? (
                    <span className="warning-text">None</span>
                  ) : (
                    commit.pullRequests.map((pr) => (
                      <div key={pr.url}>
                        <ExternalLink href={pr.url}>{pullRequestLabel(pr.url)}</ExternalLink>
                      </div>
                    ))
                  )}
                </td>
                <td>
                  {commit.pullRequests.some((pr) => pr.approvers.length > 0) ? (
                    [...new Set(commit.pullRequests.flatMap((pr) => pr.approvers))].join(', ')
                  ) : (
                    <span className="warning-text">Not reviewed</span>
                  )}
                </td>
                <td>
                  {commit.jiraKeys.length > 0 ? (
                    commit.jiraKeys.join(', ')
                  ) : (
                    <span className="warning-text">No key</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function ArtifactRow({ artifact }: { artifact: ArtifactView }) {
  return (
    <tr>
      <th scope="row">{artifact.app}</th>
      <td>
        <span className="nowrap">
          <code title={artifact.fingerprint}>{shortFingerprint(artifact.fingerprint)}</code>{' '}
          <CopyButton value={artifact.fingerprint} label={`Copy the fingerprint of ${artifact.app}`} />
        </span>
      </td>
      <td>
        <div>
          Commit{' '}
          <MaybeLink href={artifact.commitUrl}>
            <code>{shortSha(artifact.commit)}</code>
          </MaybeLink>
        </div>
        <div className="subtle">
          {artifact.fromCommit ? (
            <>
              from <code>{shortSha(artifact.fromCommit)}</code> in prod
            </>
          ) : (
            'first release of this app'
          )}
        </div>
        <div className="subtle">
          {plural(artifact.commitCount, 'commit')}
          {artifact.truncated && ' (history cut at the first-release limit)'}
        </div>
        {artifact.buildUrl && (
          <div>
            <ExternalLink href={artifact.buildUrl}>Build</ExternalLink>
          </div>
        )}
      </td>
      <td>
        <ComplianceLozenge compliance={artifact.compliance} />
        {artifact.failing.length > 0 && (
          <ul className="failing" aria-label={`Failing rules for ${artifact.app}`}>
            {artifact.failing.map((rule) => (
              <li key={rule}>{rule}</li>
            ))}
          </ul>
        )}
        <div className="trail-link">
          <MaybeLink href={artifact.kosliTrailUrl}>
            {artifact.flow} / {shortSha(artifact.trail)}
          </MaybeLink>
        </div>
      </td>
      <td>
        {artifact.pullRequests.length === 0 ? (
          <span className="warning-text">No pull request</span>
        ) : (
          <ul className="plain-list">
            {artifact.pullRequests.map((pr) => (
              <li key={pr.url}>
                <ExternalLink href={pr.url}>{pullRequestLabel(pr.url)}</ExternalLink>
                {pr.author && <span className="subtle"> by {pr.author}</span>}
                <div>
                  {pr.approvers.length > 0 ? (
                    `Approved by ${pr.approvers.join(', ')}`
                  ) : (
                    <span className="warning-text">No approver</span>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{artifact.jiraKeys.length > 0 ? artifact.jiraKeys.join(', ') : <span className="subtle">None</span>}</td>
    </tr>
  );
}
