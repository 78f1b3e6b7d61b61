/**
 * The compliance report for auditors, as pure functions: for each commit to main in a period, its
 * date, author, pull-request approvers and Jira issues (from the source flow's Kosli evidence), the
 * totals auditors ask about, and the CSV of the original monthly report.
 */
import { AppError } from '../errors';
import type { CommitInfo, ComplianceReport, ComplianceRow, JiraEvidence, PullRequestAttestation } from './types';

export type ComplianceTotals = ComplianceReport['totals'];

const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;
/** A browser clock a little ahead of the server's must not turn "until now" into "the future". */
const CLOCK_SKEW_MS = 5 * 60_000;

export function complianceRows(
  commits: readonly CommitInfo[],
  jira: ReadonlyMap<string, JiraEvidence>,
  prs: ReadonlyMap<string, PullRequestAttestation>,
): { rows: ComplianceRow[]; totals: ComplianceTotals } {
  const totals: ComplianceTotals = {
    commits: commits.length,
    withoutPullRequest: 0,
    withoutIndependentApprover: 0,
    withoutJiraIssue: 0,
  };
  const rows = commits.map((commit): ComplianceRow => {
    const pullRequests = prs.get(commit.sha)?.pullRequests ?? [];
    const issues = uniqueBy(jira.get(commit.sha)?.keys ?? [], (k) => k.key);
    if (pullRequests.length === 0) totals.withoutPullRequest++;
    if (!hasIndependentApprover(commit, pullRequests)) totals.withoutIndependentApprover++;
    if (!issues.some((issue) => issue.exists)) totals.withoutJiraIssue++;
    return {
      sha: commit.sha,
      url: commit.url,
      date: commit.date,
      author: commit.author,
      pullRequests: [...new Set(pullRequests.map((pr) => pr.url))],
      approvers: [...new Set(pullRequests.flatMap((pr) => pr.approvers))].sort(),
      issues,
    };
  });
  return { rows, totals };
}

/**
 * Whether someone other than the change's authors approved it. PR approvers are GitHub logins;
 * the commit author is a git name, so it is compared loosely (case-insensitive), together with the
 * login in a GitHub no-reply e-mail and the pull request's author (a login).
 */
function hasIndependentApprover(commit: CommitInfo, pullRequests: PullRequestAttestation['pullRequests']): boolean {
  const commitAuthors = new Set([normalise(commit.author), noReplyLogin(commit.authorEmail)].filter((id) => id !== ''));
  return pullRequests.some((pr) =>
    pr.approvers.some((approver) => {
      const who = normalise(approver);
      return who !== '' && who !== normalise(pr.author ?? '') && !commitAuthors.has(who);
    }),
  );
}

const normalise = (id: string) => id.trim().toLowerCase();

/** `12345+octocat@users.noreply.github.com` → `octocat`. */
function noReplyLogin(email: string | null): string {
  const match = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(email ?? '');
  return match?.[1] ? normalise(match[1]) : '';
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks a report period and returns it as ISO times, `until` exclusive. Accepts `YYYY-MM-DD`
 * (midnight UTC; a `to` of 2025-05-01 covers April up to its last second) or an ISO time with a zone.
 * Refuses an end before (or at) the start, a period over a year (366 days) and an end after `now`
 * (beyond a few minutes of clock skew).
 */
export function validatePeriod(from: string, to: string, nowIso: string): { since: string; until: string } {
  const since = parseInstant(from, 'from', 'start');
  const until = parseInstant(to, 'to', 'end');
  const refuse = (field: 'from' | 'to', message: string) =>
    new AppError('INVALID_INPUT', message, { details: { fields: { [field]: message } } });
  if (until <= since)
    throw refuse('to', `The period ends (${to}) before it starts (${from}): the end must come after the start.`);
  if (until - since > MAX_PERIOD_DAYS * DAY_MS)
    throw refuse(
      'to',
      `The period is longer than a year (${Math.ceil((until - since) / DAY_MS)} days; at most ${MAX_PERIOD_DAYS}): split it into shorter periods.`,
    );
  if (until > Date.parse(nowIso) + CLOCK_SKEW_MS)
    throw refuse(
      'to',
      `The period ends in the future (${to}): pick an end no later than today; the end date itself is not included.`,
    );
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
}

function parseInstant(value: string, field: 'from' | 'to', what: string): number {
  const date = DATE_ONLY.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day) return ms;
  } else if (DATE_TIME.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  const message = `The ${what} of the period is not a date: use YYYY-MM-DD (e.g. 2025-04-01) or an ISO time with a time zone.`;
  throw new AppError('INVALID_INPUT', message, { details: { fields: { [field]: message } } });
}

export { COMPLIANCE_CSV_COLUMNS, complianceCsv, csvField, parseCsv } from './compliance-csv';
