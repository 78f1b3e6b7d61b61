import { call } from '../../api';
import type { CommitInfo, IssueView } from '../../../../../src/contract';
import { ExternalLink, MaybeLink } from '../../components/links';
import { StatusLozenge } from '../../components/lozenge';
import { EmptyState, Notice } from '../../components/states';
import { formatDate, shortSha } from '../../format';
import { LoadMore, usePagedList } from './load-more';

interface IssuesProps {
  versionId: string;
  /** The first page of the issues, by key; `more` is the cursor of the next. */
  issues: IssueView[];
  issueCount: number;
  more: string | null;
  missingKeys: string[];
  untracked: CommitInfo[];
}

export function IssuesSection({ versionId, issues: first, issueCount, more, missingKeys, untracked }: IssuesProps) {
  const list = usePagedList(first, more, (cursor) => call('release/issues', { versionId, cursor }));
  const issues = list.items;
  return (
    <section aria-labelledby="issues-heading" className="section">
      <h2 id="issues-heading">Issues</h2>
      {issues.length < issueCount && (
        <p className="subtle">
          {issues.length} of {issueCount} issues shown.
        </p>
      )}
      {issues.length === 0 ? (
        <EmptyState title="No Jira issues in this release">
          <p>No commit in this release references an existing Jira issue. Check the untracked changes below.</p>
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Summary</th>
              <th scope="col">Status</th>
              <th scope="col">Type</th>
            </tr>
          </thead>
          <tbody>
            {issues.map((issue) => (
              <tr key={issue.key}>
                <td className="nowrap">
                  <ExternalLink href={issue.url}>{issue.key}</ExternalLink>
                </td>
                <td>{issue.summary}</td>
                <td>
                  <StatusLozenge status={issue.status} category={issue.statusCategory} />
                </td>
                <td>{issue.issueType}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} what="issues" />
      {missingKeys.length > 0 && (
        <Notice appearance="warning" title="Keys that do not exist in Jira">
          <p>
            Commits reference {missingKeys.join(', ')}, which Jira does not know. They are flagged here and not added to
            the release; check the commit messages for a typo.
          </p>
        </Notice>
      )}
      <h3>Untracked changes</h3>
      {untracked.length === 0 ? (
        <p className="subtle">Every commit in this release references a Jira issue.</p>
      ) : (
        <>
          <p className="subtle">Commits without a Jira key: review them before you approve.</p>
          <ul className="commit-list" aria-label="Commits without a Jira key">
            {untracked.map((commit) => (
              <li key={commit.sha}>
                <MaybeLink href={commit.url}>
                  <code>{shortSha(commit.sha)}</code>
                </MaybeLink>{' '}
                {commit.title}{' '}
                <span className="subtle">
                  — {commit.author}, {formatDate(commit.date)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
