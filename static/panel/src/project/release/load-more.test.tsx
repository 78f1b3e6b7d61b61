import { fake, fail, ok } from '../../test/fake-bridge';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { downloads, renderApp } from '../../test/harness';
import { aDecision, anApprovals, anAuditEntry, anExport, anIssue, aReleaseView } from '../../test/builders';

const openRelease = async (release = aReleaseView()) => {
  fake.answer('release/get', ok(release));
  renderApp({ path: `/release/${release.versionId}` });
  await screen.findByRole('heading', { level: 1, name: release.name });
};

const section = (name: string) => {
  const element = screen.getByRole('heading', { level: 2, name }).closest('section');
  if (!element) throw new Error(`No section for ${name}`);
  return within(element);
};

const entries = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => anAuditEntry({ detail: `entry ${from + i}` }));

describe('load more', () => {
  it('appends the next audit pages by cursor until the oldest, then hides the button', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(
      aReleaseView({ audit: entries(0, 100), more: { issues: null, decisions: null, audit: 'cursor-1' } }),
    );
    fake.answer('release/audit', (payload) =>
      ok(
        payload['cursor'] === 'cursor-1'
          ? { items: entries(100, 100), nextCursor: 'cursor-2' }
          : { items: entries(200, 20), nextCursor: null },
      ),
    );
    const audit = section('Audit timeline');
    await user.click(audit.getByRole('button', { name: 'Load more audit entries' }));
    await audit.findByText('entry 199');
    await user.click(audit.getByRole('button', { name: 'Load more audit entries' }));
    await audit.findByText('entry 219');
    expect(audit.getAllByRole('listitem')).toHaveLength(220);
    expect(audit.queryByRole('button', { name: 'Load more audit entries' })).toBeNull();
    expect(fake.invocationsOf('release/audit')).toEqual([
      { versionId: '10001', cursor: 'cursor-1' },
      { versionId: '10001', cursor: 'cursor-2' },
    ]);
  });

  it('loads more decisions and more issues, and says how many issues are shown', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(
      aReleaseView({
        issues: [anIssue({ key: 'OPS-1' })],
        issueCount: 2,
        approvals: anApprovals({ decisions: [aDecision({ reason: 'newest' })] }),
        more: { issues: 'issues-2', decisions: 'decisions-2', audit: null },
      }),
    );
    fake.answer(
      'release/issues',
      ok({ items: [anIssue({ key: 'OPS-2', summary: 'The second issue' })], nextCursor: null }),
    );
    fake.answer(
      'release/decisions',
      ok({ items: [aDecision({ reason: 'older', superseded: true })], nextCursor: null }),
    );
    const issues = section('Issues');
    expect(issues.getByText('1 of 2 issues shown.')).toBeTruthy();
    await user.click(issues.getByRole('button', { name: 'Load more issues' }));
    await issues.findByText('The second issue');
    expect(issues.queryByText('1 of 2 issues shown.')).toBeNull();
    const approvals = section('Approvals');
    await user.click(approvals.getByRole('button', { name: 'Load more decisions' }));
    await approvals.findByText('older');
    expect(within(approvals.getByRole('list', { name: 'Decisions' })).getAllByRole('listitem')).toHaveLength(2);
  });

  it('explains a refused page and keeps what is shown', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(aReleaseView({ audit: entries(0, 3), more: { issues: null, decisions: null, audit: 'stale' } }));
    fake.answer(
      'release/audit',
      fail('INVALID_INPUT', 'This "Load more" link is not valid for this list: reload the page and try again.'),
    );
    const audit = section('Audit timeline');
    await user.click(audit.getByRole('button', { name: 'Load more audit entries' }));
    expect(await audit.findByText('More audit entries could not be loaded')).toBeTruthy();
    expect(audit.getAllByRole('listitem')).toHaveLength(3);
  });
});

describe('exports in parts', () => {
  it('asks for every part by cursor and downloads them joined as one file', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    const parts: Record<string, { content: string; nextCursor: string | null }> = {
      first: { content: '{"a":[1,', nextCursor: 'p2' },
      p2: { content: '2,', nextCursor: 'p3' },
      p3: { content: '3]}', nextCursor: null },
    };
    fake.answer('release/export', (payload) => {
      const part = parts[typeof payload['cursor'] === 'string' ? payload['cursor'] : 'first'];
      return ok(anExport({ filename: 'release-10001-audit.json', mimeType: 'application/json', ...part }));
    });
    await user.click(screen.getByRole('button', { name: 'Audit record (JSON)' }));
    await screen.findByRole('button', { name: 'Audit record (JSON)' });
    await vi.waitFor(() => expect(downloads).toHaveLength(1));
    expect(await downloads[0]?.text()).toBe('{"a":[1,2,3]}');
    expect(fake.invocationsOf('release/export').map((p) => p['cursor'] ?? null)).toEqual([null, 'p2', 'p3']);
  });
});
