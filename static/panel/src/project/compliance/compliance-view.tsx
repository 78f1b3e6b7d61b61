import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import type { ComplianceReport, ComplianceRow } from '../../../../../src/contract';
import { MaybeLink, ExternalLink } from '../../components/links';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/states';
import { downloadFile } from '../../download';
import { formatDate, formatTime, issueUrl, pullRequestLabel, shortSha } from '../../format';
import { useLoad } from '../../use-load';
import { lastDays, periodPayload, periodProblem, type Period } from './period';

export const PAGE_SIZE = 100;

/** Every change to main in a period, with its author, reviewers and Jira issues: the auditors' report. */
export function ComplianceView({ siteUrl }: { siteUrl: string | null }) {
  const [draft, setDraft] = useState<Period>(() => lastDays(new Date()));
  const [period, setPeriod] = useState(draft);
  const [problem, setProblem] = useState<string | null>(null);
  const { state, reload } = useLoad(() => call('report/compliance', periodPayload(period, new Date())), [period]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = periodProblem(draft);
    setProblem(found);
    if (found) return;
    if (draft.from === period.from && draft.to === period.to) reload();
    else setPeriod(draft);
  };

  return (
    <>
      <div className="page-header">
        <h1>Compliance report</h1>
        <p className="subtle">
          Every commit to main in a period with its author, pull-request approvers and Jira issues, from the Kosli
          evidence of the source flow.
        </p>
      </div>
      <form className="period-form" onSubmit={submit} noValidate aria-label="Report period">
        <div className="field">
          <label htmlFor="period-from">From (UTC)</label>
          <input
            id="period-from"
            type="date"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="period-to">To, included (UTC)</label>
          <input
            id="period-to"
            type="date"
            value={draft.to}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'period-problem' : undefined}
          />
        </div>
        <button type="submit" className="button button-primary">
          Run report
        </button>
        {problem && (
          <p id="period-problem" className="field-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      {state.status === 'loading' && <Loading label="Collecting the evidence for every commit in the period…" />}
      {state.status === 'failed' && (
        <ErrorState title="The report could not be produced" error={state.error} onRetry={reload} />
      )}
      {state.status === 'ready' && (
        <Report key={`${state.data.from}-${state.data.to}`} report={state.data} siteUrl={siteUrl} />
      )}
    </>
  );
}

/** The JSON download: the report without its CSV rendering of the same rows. */
function reportJson({ csv: _csv, ...report }: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function Report({ report, siteUrl }: { report: ComplianceReport; siteUrl: string | null }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(report.rows.length / PAGE_SIZE));
  const rows = report.rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const stem = `compliance-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}`;
  const { totals } = report;

  return (
    <section aria-labelledby="report-heading" className="section">
      <h2 id="report-heading">
        {formatTime(report.from)} to {formatTime(report.to)}
      </h2>
      <dl className="totals">
        <div>
          <dt>Commits</dt>
          <dd>{totals.commits}</dd>
        </div>
        <div>
          <dt>Without a pull request</dt>
          <dd>{totals.withoutPullRequest}</dd>
        </div>
        <div>
          <dt>Without an approver other than the author</dt>
          <dd>{totals.withoutIndependentApprover}</dd>
        </div>
        <div>
          <dt>Without a Jira issue</dt>
          <dd>{totals.withoutJiraIssue}</dd>
        </div>
      </dl>
      {report.emergencyReleases.length > 0 && (
        <Notice
          appearance="error"
          title={`${report.emergencyReleases.length} emergency release${report.emergencyReleases.length > 1 ? 's' : ''} in this period`}
        >
          <ul aria-label="Emergency releases">
            {report.emergencyReleases.map((release) => (
              <li key={release.versionId}>
                <strong>{release.name}</strong> ({release.state}): approved alone by {release.approver} of{' '}
                {release.group} on {formatTime(release.at)}: “{release.reason}”
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {report.truncated && (
        <Notice appearance="warning" title="The report is incomplete">
          <p>The period holds more commits than one report can collect. Pick a shorter period to see them all.</p>
        </Notice>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={() => downloadFile(`${stem}.csv`, 'text/csv', report.csv)}>
          Download CSV
        </button>
        <button
          type="button"
          className="button"
          onClick={() => downloadFile(`${stem}.json`, 'application/json', reportJson(report))}
        >
          Download JSON
        </button>
      </div>
      {report.rows.length === 0 ? (
        <EmptyState title="No commits to main in this period">
          <p>Pick another period, or check that the source flow in the app settings is the one your CI reports to.</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table" aria-label="Commits in the period">
              <thead>
                <tr>
                  <th scope="col">Commit</th>
                  <th scope="col">Date</th>
                  <th scope="col">Author</th>
                  <th scope="col">Pull requests</th>
                  <th scope="col">PR approvers</th>
                  <th scope="col">Jira issues</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <ReportRow key={row.sha} row={row} siteUrl={siteUrl} />
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Report pages">
            <button type="button" className="button" onClick={() => setPage(page - 1)} disabled={page === 0}>
              Previous
            </button>
            <span aria-live="polite">
              Rows {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + rows.length} of {report.rows.length} (page {page + 1} of{' '}
              {pages})
            </span>
            <button type="button" className="button" onClick={() => setPage(page + 1)} disabled={page + 1 >= pages}>
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

function ReportRow({ row, siteUrl }: { row: ComplianceRow; siteUrl: string | null }) {
  return (
    <tr>
      <td>
        <MaybeLink href={row.url}>
          <code>{shortSha(row.sha)}</code>
        </MaybeLink>
      </td>
      <td className="nowrap">{formatDate(row.date)}</td>
      <td>{row.author}</td>
      <td>
        {row.pullRequests.length === 0 ? (
          <span className="warning-text">None</span>
        ) : (
          row.pullRequests.map((url) => (
            <div key={url}>
              <ExternalLink href={url}>{pullRequestLabel(url)}</ExternalLink>
            </div>
          ))
        )}
      </td>
      <td>{row.approvers.length > 0 ? row.approvers.join(', ') : <span className="warning-text">None</span>}</td>
      <td>
        {row.issues.length === 0 ? (
          <span className="warning-text">None</span>
        ) : (
          row.issues.map((issue) => (
            <span
              key={issue.key}
              className={issue.exists ? 'issue-key' : 'issue-key missing-key'}
              title={issue.exists ? undefined : 'Not found in Jira'}
            >
              {issue.exists ? (
                <MaybeLink href={siteUrl && issueUrl(siteUrl, issue.key)}>{issue.key}</MaybeLink>
              ) : (
                issue.key
              )}
              {!issue.exists && <span className="visually-hidden"> (not found in Jira)</span>}
              {!issue.exists && <span aria-hidden="true"> ⚠</span>}
            </span>
          ))
        )}
      </td>
    </tr>
  );
}
