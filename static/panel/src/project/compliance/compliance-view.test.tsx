import { fake, fail, ok } from '../../test/fake-bridge';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { downloads, renderApp } from '../../test/harness';
import { aComplianceReport, aComplianceRow } from '../../test/builders';
import { parseCsv } from '../../../../../src/release/compliance-csv';
import { lastDays, periodPayload, periodProblem } from './period';

const manyRows = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    aComplianceRow({
      sha: index.toString(16).padStart(40, '0'),
      author: index % 7 === 0 ? 'Lee, Ann' : 'Dana Developer',
      approvers: index % 5 === 0 ? [] : ['rev-rui', 'rev-sam'],
      pullRequests: index % 5 === 0 ? [] : [`https://github.com/acme/shop/pull/${index}`],
      issues: index % 3 === 0 ? [{ key: `OPS-${index}`, exists: false }] : [{ key: `OPS-${index}`, exists: true }],
    }),
  );

// Plain selectors on big tables: role queries compute accessible names for every node and are slow.
const rowsOnScreen = () => [
  ...(document.querySelector('table[aria-label="Commits in the period"] tbody')?.querySelectorAll('tr') ?? []),
];
const button = (name: string) => screen.getByText(name, { selector: 'button' });

describe('the report period', () => {
  it('defaults to the last 30 days up to today in UTC, so it opens on recent work, also across a year end', () => {
    expect(lastDays(new Date('2025-06-15T12:00:00Z'))).toEqual({ from: '2025-05-17', to: '2025-06-15' });
    expect(lastDays(new Date('2025-01-10T00:30:00Z'))).toEqual({ from: '2024-12-12', to: '2025-01-10' });
    expect(lastDays(new Date('2024-03-01T23:59:59Z'), 7)).toEqual({ from: '2024-02-24', to: '2024-03-01' });
  });

  it('asks for whole days, ending before now', () => {
    const now = new Date('2025-06-15T12:00:00Z');
    expect(periodPayload({ from: '2025-05-01', to: '2025-05-31' }, now)).toEqual({
      from: '2025-05-01T00:00:00.000Z',
      to: '2025-06-01T00:00:00.000Z',
    });
    expect(periodPayload({ from: '2025-06-01', to: '2025-06-15' }, now)).toEqual({
      from: '2025-06-01T00:00:00.000Z',
      to: '2025-06-15T12:00:00.000Z',
    });
  });

  it('refuses an end before the start', () => {
    expect(periodProblem({ from: '2025-05-02', to: '2025-05-01' })).toBe('The end date is before the start date.');
    expect(periodProblem({ from: '', to: '2025-05-01' })).toBe('Pick a start and an end date.');
    expect(periodProblem({ from: '2025-05-01', to: '2025-05-01' })).toBeNull();
  });
});

describe('the compliance report', () => {
  it('runs for the last 30 days on arrival and shows rows and totals', async () => {
    fake.answer('report/compliance', ok(aComplianceReport({ rows: manyRows(3) })));
    renderApp({ path: '/compliance' });
    await screen.findByText(/^Rows 1–/);
    const { from, to } = lastDays(new Date());
    expect(screen.getByLabelText<HTMLInputElement>('From (UTC)').value).toBe(from);
    expect(screen.getByLabelText<HTMLInputElement>('To, included (UTC)').value).toBe(to);
    const [asked] = fake.invocationsOf('report/compliance');
    expect(asked?.['from']).toBe(`${from}T00:00:00.000Z`);
    // The period ends now: today is included up to this moment.
    expect(Date.parse(String(asked?.['to']))).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(String(asked?.['to']))).toBeGreaterThan(Date.now() - 60_000);

    const [first, second] = rowsOnScreen();
    expect(within(first ?? document.body).getAllByText('None')).toHaveLength(2);
    expect(within(second ?? document.body).getByRole('link', { name: /PR #1/ })).toBeTruthy();
    expect(within(second ?? document.body).getByText('rev-rui, rev-sam')).toBeTruthy();
    expect(within(first ?? document.body).getByTitle('Not found in Jira').textContent).toContain('OPS-0');
    expect(
      within(second ?? document.body)
        .getByRole('link', { name: /^OPS-1/ })
        .getAttribute('href'),
    ).toBe('https://acme.atlassian.net/browse/OPS-1');

    const totals = screen.getByText('Without a pull request').closest('div');
    expect(totals?.textContent).toBe('Without a pull request1');
  });

  it('runs again for a period the user picks, and checks it first', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('report/compliance', ok(aComplianceReport()));
    renderApp({ path: '/compliance' });
    await screen.findByText(/^Rows 1–/);
    const from = screen.getByLabelText('From (UTC)');
    await user.clear(from);
    await user.type(from, '2025-03-10');
    const to = screen.getByLabelText('To, included (UTC)');
    await user.clear(to);
    await user.type(to, '2025-03-01');
    await user.click(screen.getByRole('button', { name: 'Run report' }));
    expect(screen.getByRole('alert').textContent).toBe('The end date is before the start date.');
    expect(fake.invocationsOf('report/compliance')).toHaveLength(1);

    await user.clear(to);
    await user.type(to, '2025-03-20');
    await user.click(screen.getByRole('button', { name: 'Run report' }));
    await screen.findByText(/^Rows 1–/);
    expect(fake.invocationsOf('report/compliance')[1]).toEqual({
      from: '2025-03-10T00:00:00.000Z',
      to: '2025-03-21T00:00:00.000Z',
    });
  });

  it('pages long reports 100 rows at a time', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('report/compliance', ok(aComplianceReport({ rows: manyRows(250) })));
    renderApp({ path: '/compliance' });
    await screen.findByText('Rows 1–100 of 250 (page 1 of 3)');
    expect(rowsOnScreen()).toHaveLength(100);
    expect(button('Previous').hasAttribute('disabled')).toBe(true);
    await user.click(button('Next'));
    expect(screen.getByText('Rows 101–200 of 250 (page 2 of 3)')).toBeTruthy();
    fireEvent.click(button('Next'));
    expect(rowsOnScreen()).toHaveLength(50);
    expect(screen.getByText('Rows 201–250 of 250 (page 3 of 3)')).toBeTruthy();
    expect(button('Next').hasAttribute('disabled')).toBe(true);
  });

  it('downloads a CSV that parses back to the table, and the JSON report', async () => {
    const user = userEvent.setup({ delay: null });
    const report = aComplianceReport({ rows: manyRows(120) });
    fake.answer('report/compliance', ok(report));
    renderApp({ path: '/compliance' });
    await screen.findByText(/^Rows 1–/);

    await user.click(button('Download CSV'));
    await user.click(button('Download JSON'));
    expect(downloads.map((file) => file.filename)).toEqual([
      'compliance-2025-05-01-2025-06-01.csv',
      'compliance-2025-05-01-2025-06-01.json',
    ]);

    const [header, ...records] = parseCsv((await downloads[0]?.text()) ?? '');
    expect(header).toEqual(['commit', 'date', 'commit-author', 'pr-approver', 'jira-issue']);
    // The whole report, not just the page on screen; each record is the table's row.
    expect(records).toHaveLength(120);
    const shown = rowsOnScreen().map((row) => {
      const cells = [...row.querySelectorAll('td')];
      const link = cells[0]?.querySelector('a')?.getAttribute('href') ?? '';
      return {
        sha: link.split('/').pop(),
        author: cells[2]?.textContent,
        approvers: cells[4]?.textContent === 'None' ? '' : cells[4]?.textContent?.split(', ').join(' '),
        issues: [...(cells[5]?.querySelectorAll('.issue-key:not(.missing-key)') ?? [])]
          .map((key) => key.querySelector('a')?.firstChild?.textContent)
          .join(' '),
      };
    });
    expect(
      records.slice(0, 100).map(([sha, , author, approvers, issues]) => ({ sha, author, approvers, issues })),
    ).toEqual(shown);
    expect(records.map((record) => record[1])).toEqual(report.rows.map((row) => row.date));
    const { csv: _csv, ...reportWithoutCsv } = report;
    expect(JSON.parse((await downloads[1]?.text()) ?? '')).toEqual(reportWithoutCsv);
  });

  it('says so for an empty period, and explains a refusal', async () => {
    fake.answer('report/compliance', ok(aComplianceReport({ rows: [] })));
    renderApp({ path: '/compliance' });
    expect(await screen.findByText('No commits to main in this period')).toBeTruthy();
  });

  it('explains a refused period', async () => {
    fake.answer('report/compliance', fail('INVALID_INPUT', 'A period may be at most a year long.'));
    renderApp({ path: '/compliance' });
    expect(await screen.findByText('A period may be at most a year long.')).toBeTruthy();
    expect(screen.getByText('The report could not be produced')).toBeTruthy();
  });

  it('warns when the report is incomplete', async () => {
    fake.answer('report/compliance', ok(aComplianceReport({ truncated: true })));
    renderApp({ path: '/compliance' });
    expect(await screen.findByText('The report is incomplete')).toBeTruthy();
  });
});
