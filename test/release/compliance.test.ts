import { describe, expect, it } from 'vitest';
import type { ComplianceRow } from '../../src/contract';
import type { PullRequestAttestation } from '../../src/kosli/types';
import {
  COMPLIANCE_CSV_COLUMNS,
  complianceCsv,
  complianceRows,
  parseCsv,
  validatePeriod,
} from '../../src/release/compliance';
import type { CommitInfo, JiraEvidence } from '../../src/release/types';
import { AppError } from '../../src/errors';

const sha = (n: number) => n.toString(16).padStart(40, '0');

function aCommit(overrides: Partial<CommitInfo> = {}): CommitInfo {
  return {
    sha: sha(1),
    title: 'OPS-1 change',
    author: 'Ann Author',
    authorEmail: 'ann@example.com',
    date: '2025-04-02T10:00:00Z',
    url: null,
    ...overrides,
  };
}

function aPr(
  commit: string,
  pullRequests: Partial<PullRequestAttestation['pullRequests'][number]>[] = [{}],
): PullRequestAttestation {
  return {
    sha: commit,
    pullRequests: pullRequests.map((pr, i) => ({
      url: `https://github.com/acme/shop/pull/${i + 1}`,
      author: 'ann',
      approvers: ['bob'],
      ...pr,
    })),
  };
}

function someJira(
  commit: string,
  keys: { key: string; exists: boolean }[] = [{ key: 'OPS-1', exists: true }],
): JiraEvidence {
  return { sha: commit, keys };
}

function aRow(overrides: Partial<ComplianceRow> = {}): ComplianceRow {
  return {
    sha: sha(1),
    url: null,
    date: '2025-04-02T10:00:00Z',
    author: 'Ann',
    pullRequests: [],
    approvers: [],
    issues: [],
    ...overrides,
  };
}

describe('complianceRows', () => {
  it('joins each commit with its PR and Jira evidence, keeping the commit order', () => {
    const commits = [aCommit({ sha: sha(1) }), aCommit({ sha: sha(2), author: 'Cid' })];
    const { rows, totals } = complianceRows(
      commits,
      new Map([
        [
          sha(1),
          someJira(sha(1), [
            { key: 'OPS-1', exists: true },
            { key: 'OPS-9', exists: false },
          ]),
        ],
      ]),
      new Map([
        [
          sha(1),
          aPr(sha(1), [
            { approvers: ['dora', 'bob'] },
            { url: 'https://github.com/acme/shop/pull/7', approvers: ['bob'] },
          ]),
        ],
      ]),
    );
    expect(rows.map((r) => r.sha)).toEqual([sha(1), sha(2)]);
    expect(rows[0]).toMatchObject({
      author: 'Ann Author',
      pullRequests: ['https://github.com/acme/shop/pull/1', 'https://github.com/acme/shop/pull/7'],
      approvers: ['bob', 'dora'],
      issues: [
        { key: 'OPS-1', exists: true },
        { key: 'OPS-9', exists: false },
      ],
    });
    expect(rows[1]).toMatchObject({ author: 'Cid', pullRequests: [], approvers: [], issues: [] });
    expect(totals).toEqual({ commits: 2, withoutPullRequest: 1, withoutIndependentApprover: 1, withoutJiraIssue: 1 });
  });

  it('counts a commit whose only keys do not exist in Jira as without a Jira issue', () => {
    const { totals } = complianceRows(
      [aCommit()],
      new Map([[sha(1), someJira(sha(1), [{ key: 'NOPE-1', exists: false }])]]),
      new Map(),
    );
    expect(totals.withoutJiraIssue).toBe(1);
  });

  it.each([
    ['the PR author approved their own PR', { author: 'ann', approvers: ['ann'] }, aCommit()],
    ['the commit author (by git name, any case) approved', { author: 'someone', approvers: ['ann author'] }, aCommit()],
    [
      'the commit author (by no-reply e-mail login) approved',
      { author: 'someone', approvers: ['annie'] },
      aCommit({ authorEmail: '123+annie@users.noreply.github.com' }),
    ],
    ['the PR has no approver', { approvers: [] }, aCommit()],
  ])('finds no independent approver when %s', (_case, pr, commit) => {
    const { totals } = complianceRows([commit], new Map(), new Map([[commit.sha, aPr(commit.sha, [pr])]]));
    expect(totals.withoutIndependentApprover).toBe(1);
    expect(totals.withoutPullRequest).toBe(0);
  });

  it('accepts an approver other than both authors', () => {
    const commit = aCommit();
    const { totals } = complianceRows(
      [commit],
      new Map(),
      new Map([[commit.sha, aPr(commit.sha, [{ author: 'ann', approvers: ['ann', 'bob'] }])]]),
    );
    expect(totals.withoutIndependentApprover).toBe(0);
  });

  it('gives zero totals for an empty period', () => {
    expect(complianceRows([], new Map(), new Map())).toEqual({
      rows: [],
      totals: { commits: 0, withoutPullRequest: 0, withoutIndependentApprover: 0, withoutJiraIssue: 0 },
    });
  });
});

describe('complianceCsv', () => {
  it('writes the original columns, approvers and existing issues space-separated, CRLF line ends', () => {
    const csv = complianceCsv([
      aRow({
        approvers: ['bob', 'dora'],
        issues: [
          { key: 'OPS-1', exists: true },
          { key: 'OPS-9', exists: false },
          { key: 'OPS-2', exists: true },
        ],
      }),
    ]);
    expect(csv).toBe(
      `commit,date,commit-author,pr-approver,jira-issue\r\n${sha(1)},2025-04-02T10:00:00Z,Ann,bob dora,OPS-1 OPS-2\r\n`,
    );
  });

  it('parses back to the table, with commas, quotes, line breaks and non-ASCII in the cells', () => {
    const rows = [
      aRow({
        sha: sha(1),
        author: 'Smith, Ann "the reviewer"',
        approvers: ['bob'],
        issues: [{ key: 'OPS-1', exists: true }],
      }),
      aRow({ sha: sha(2), author: 'Zoë\nSecond line', approvers: [], issues: [] }),
      aRow({
        sha: sha(3),
        author: 'Plain',
        approvers: ['a', 'b', 'c'],
        issues: [
          { key: 'OPS-3', exists: true },
          { key: 'X-4', exists: false },
        ],
      }),
    ];
    const [header, ...records] = parseCsv(complianceCsv(rows));
    expect(header).toEqual([...COMPLIANCE_CSV_COLUMNS]);
    const table = rows.map((row) => [
      row.sha,
      row.date,
      row.author,
      row.approvers,
      row.issues.filter((i) => i.exists).map((i) => i.key),
    ]);
    const parsed = records.map(([commit = '', date = '', author = '', approvers = '', issues = '']) => [
      commit,
      date,
      author,
      approvers ? approvers.split(' ') : [],
      issues ? issues.split(' ') : [],
    ]);
    expect(parsed).toEqual(table);
  });

  it('keeps a spreadsheet from running an author name as a formula', () => {
    const [, record] = parseCsv(complianceCsv([aRow({ author: '=HYPERLINK("http://evil","x")' })]));
    expect(record?.[2]).toBe(`'=HYPERLINK("http://evil","x")`);
  });

  it('writes only the header for an empty period', () => {
    expect(parseCsv(complianceCsv([]))).toEqual([[...COMPLIANCE_CSV_COLUMNS]]);
  });
});

describe('parseCsv', () => {
  it('reads LF line ends, empty cells and a missing final line end', () => {
    expect(parseCsv('a,,c\n"x""y",z')).toEqual([
      ['a', '', 'c'],
      ['x"y', 'z'],
    ]);
  });

  it('refuses an unclosed quote', () => {
    expect(() => parseCsv('"open')).toThrow(/not closed/);
  });
});

describe('validatePeriod', () => {
  const now = '2025-06-15T12:00:00.000Z';

  it('reads dates as midnight UTC with an exclusive end', () => {
    expect(validatePeriod('2025-04-01', '2025-05-01', now)).toEqual({
      since: '2025-04-01T00:00:00.000Z',
      until: '2025-05-01T00:00:00.000Z',
    });
  });

  it('reads full ISO times with a zone', () => {
    expect(validatePeriod('2025-04-01T00:00:00+02:00', '2025-06-15T12:00:00Z', now)).toEqual({
      since: '2025-03-31T22:00:00.000Z',
      until: '2025-06-15T12:00:00.000Z',
    });
  });

  it('accepts an end a little after now, as a browser clock slightly ahead sends it', () => {
    expect(validatePeriod('2025-06-01', '2025-06-15T12:04:00.000Z', now).until).toBe('2025-06-15T12:04:00.000Z');
  });

  it('accepts a period of exactly 366 days', () => {
    expect(validatePeriod('2024-01-01', '2025-01-01', now).until).toBe('2025-01-01T00:00:00.000Z');
  });

  it.each([
    ['the end is before the start', '2025-05-01', '2025-04-01', /ends \(2025-04-01\) before it starts/],
    ['the end equals the start', '2025-05-01', '2025-05-01', /end must come after the start/],
    ['the period is longer than a year', '2024-01-01', '2025-01-02', /longer than a year \(367 days/],
    ['the end is in the future', '2025-06-01', '2025-06-16', /ends in the future/],
    ['the end is more than a few minutes from now', '2025-06-01', '2025-06-15T12:06:00Z', /ends in the future/],
    ['from is not a date', 'April', '2025-05-01', /start of the period is not a date/],
    ['to is an impossible date', '2025-02-01', '2025-02-30', /end of the period is not a date/],
    ['a time has no zone', '2025-04-01T00:00:00', '2025-05-01', /start of the period is not a date/],
  ])('refuses a period where %s', (_case, from, to, message) => {
    let thrown: unknown;
    try {
      validatePeriod(from, to, now);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });
});
