import { fake, fail, ok } from '../../test/fake-bridge';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ReleaseState } from '../../../../../src/contract';
import { downloads, renderApp } from '../../test/harness';
import {
  aDecision,
  aDeploy,
  anApprovals,
  anApprover,
  anArtifact,
  anAuditEntry,
  anEnvironmentRow,
  anExport,
  anIssue,
  aReleaseView,
  CONTENT_HASH,
  FP_BACKEND,
  SHA_BACKEND,
  SHA_PROD,
} from '../../test/builders';

const openRelease = async (release = aReleaseView()) => {
  fake.answer('release/get', ok(release));
  const rendered = renderApp({ path: `/release/${release.versionId}` });
  await screen.findByRole('heading', { level: 1, name: release.name });
  return rendered;
};

const section = (name: string) => {
  const heading = screen.getByRole('heading', { level: 2, name });
  const element = heading.closest('section');
  if (!element) throw new Error(`No section for ${name}`);
  return within(element);
};

describe('the release page header', () => {
  it.each<[ReleaseState, string]>([
    ['open', 'open'],
    ['approved', 'approved'],
    ['deploying', 'deploying'],
    ['released', 'released'],
    ['failed', 'failed'],
  ])('shows the %s state as a lozenge', async (state, label) => {
    await openRelease(aReleaseView({ state }));
    const header = within(screen.getByRole('banner'));
    expect(header.getByText(label).className).toContain('lozenge');
  });

  it('links to the Jira release and the Kosli trail, and names the content', async () => {
    await openRelease();
    expect(screen.getByRole('link', { name: /Jira release/ }).getAttribute('href')).toBe('https://acme.atlassian.net/projects/OPS/versions/10001');
    expect(screen.getByRole('link', { name: /Kosli release trail/ }).getAttribute('href')).toContain('/trails/10001');
    expect(screen.getByText(CONTENT_HASH.slice(0, 12))).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Breadcrumbs' })).toBeTruthy();
  });

  it('shows the sources that could not be read, above the rest', async () => {
    await openRelease(aReleaseView({ warnings: ['GitHub did not answer: build links are missing.'] }));
    expect(screen.getByText('Part of this page could not be read')).toBeTruthy();
    expect(screen.getByText('GitHub did not answer: build links are missing.')).toBeTruthy();
  });

  it('explains a release that cannot be loaded', async () => {
    fake.answer('release/get', fail('NOT_FOUND', 'Version 999 is not a release of OPS.'));
    renderApp({ path: '/release/999' });
    expect(await screen.findByText('Version 999 is not a release of OPS.')).toBeTruthy();
    expect(screen.getByText(/Go back to the releases overview/)).toBeTruthy();
    expect(within(screen.getByRole('navigation', { name: 'Breadcrumbs' })).getByRole('link', { name: 'Releases' })).toBeTruthy();
  });
});

describe('artifacts', () => {
  it('shows the short fingerprint and copies the full one', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    const artifacts = section('Artifacts');
    expect(artifacts.getByText(FP_BACKEND.slice(0, 12))).toBeTruthy();
    await user.click(artifacts.getByRole('button', { name: 'Copy the fingerprint of backend' }));
    expect(await navigator.clipboard.readText()).toBe(FP_BACKEND);
    expect(artifacts.getByText('Copied')).toBeTruthy();
  });

  it('links commit and build, shows the prod commit it replaces, PR approvers, Jira keys and the commit count', async () => {
    await openRelease();
    const artifacts = section('Artifacts');
    expect(artifacts.getByRole('link', { name: /^1111111/ }).getAttribute('href')).toBe(`https://github.com/acme/shop/commit/${SHA_BACKEND}`);
    expect(artifacts.getByRole('link', { name: /Build/ }).getAttribute('href')).toBe('https://github.com/acme/shop/actions/runs/77');
    expect(artifacts.getByText(SHA_PROD.slice(0, 7))).toBeTruthy();
    expect(artifacts.getByRole('link', { name: /PR #42/ })).toBeTruthy();
    expect(artifacts.getByText('Approved by rev-rui')).toBeTruthy();
    expect(artifacts.getByText('OPS-1')).toBeTruthy();
    expect(artifacts.getByText('3 commits')).toBeTruthy();
    expect(artifacts.getByText('Compliant')).toBeTruthy();
  });

  it('lists the failing rules of a non-compliant trail, a first release and missing review', async () => {
    await openRelease(
      aReleaseView({
        artifacts: [anArtifact({ compliance: 'NON-COMPLIANT', failing: ['pull-request', 'work-reference'], fromCommit: null, pullRequests: [], truncated: true })],
      }),
    );
    const artifacts = section('Artifacts');
    expect(artifacts.getByText('Non-compliant')).toBeTruthy();
    const failing = artifacts.getByRole('list', { name: 'Failing rules for backend' });
    expect(within(failing).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['pull-request', 'work-reference']);
    expect(artifacts.getByText('first release of this app')).toBeTruthy();
    expect(artifacts.getByText('No pull request')).toBeTruthy();
    expect(artifacts.getByText(/history cut at the first-release limit/)).toBeTruthy();
  });
});

describe('environments', () => {
  it('shows what runs per environment and marks the differences', async () => {
    await openRelease(aReleaseView({ environments: [anEnvironmentRow({ devDiffersFromStaging: true, prod: null })] }));
    const environments = section('Environments');
    const row = environments.getByRole('row', { name: /backend/ });
    expect(within(row).getByText('Dev ≠ Staging')).toBeTruthy();
    expect(within(row).getByText('Staging ≠ Prod')).toBeTruthy();
    expect(within(row).getByText('Not running')).toBeTruthy();
  });

  it('warns when staging no longer runs the candidate', async () => {
    await openRelease(aReleaseView({ environments: [anEnvironmentRow({ stagingDiffersFromCandidate: true })] }));
    expect(screen.getByText('Staging no longer runs this candidate')).toBeTruthy();
    expect(screen.getByText(/Staging now runs something else for backend/)).toBeTruthy();
    expect(section('Environments').getByText('Staging no longer runs the candidate')).toBeTruthy();
  });
});

describe('issues', () => {
  it('lists issues with their status by category, the missing keys and the untracked changes', async () => {
    await openRelease(
      aReleaseView({
        issues: [anIssue(), anIssue({ key: 'OPS-2', summary: 'Fix login', status: 'Done', statusCategory: 'done', issueType: 'Bug', url: 'https://acme.atlassian.net/browse/OPS-2' })],
        missingKeys: ['OPS-99'],
        untracked: [{ sha: 'deadbeef000', title: 'tweak CI cache', author: 'Dana', authorEmail: null, date: '2025-06-01T08:00:00Z', url: null }],
      }),
    );
    const issues = section('Issues');
    expect(issues.getByRole('link', { name: /OPS-2/ }).getAttribute('href')).toBe('https://acme.atlassian.net/browse/OPS-2');
    expect(issues.getByText('Done').className).toContain('lozenge-success');
    expect(issues.getByText('In Progress').className).toContain('lozenge-inprogress');
    expect(issues.getByText('Bug')).toBeTruthy();
    expect(issues.getByText(/Commits reference OPS-99, which Jira does not know/)).toBeTruthy();
    const untracked = issues.getByRole('list', { name: 'Commits without a Jira key' });
    expect(within(untracked).getByText(/tweak CI cache/)).toBeTruthy();
  });

  it('says so when every commit is tracked and there are no issues', async () => {
    await openRelease(aReleaseView({ issues: [] }));
    expect(section('Issues').getByText('No Jira issues in this release')).toBeTruthy();
    expect(section('Issues').getByText('Every commit in this release references a Jira issue.')).toBeTruthy();
  });
});

describe('approvals', () => {
  it('shows the rule, each approver with sources, Jira status and decision, and what is outstanding', async () => {
    await openRelease();
    const approvals = section('Approvals');
    expect(approvals.getByText('All required approvers')).toBeTruthy();
    expect(approvals.getByText('2 more approvals from: Paula Owner, Pete Owner')).toBeTruthy();
    const pete = approvals.getByRole('row', { name: /Pete Owner/ });
    expect(within(pete).getByText('Jira release approver')).toBeTruthy();
    expect(within(pete).getByText('Pending')).toBeTruthy();
    expect(within(pete).getByText('Waiting')).toBeTruthy();
  });

  it('explains a stale native approval and marks stale decisions', async () => {
    await openRelease(
      aReleaseView({
        approvals: anApprovals({
          approvers: [anApprover({ sources: ['settings', 'jira'], jiraStatus: 'APPROVED', staleJiraApproval: true })],
          decisions: [
            aDecision({ source: 'jira', valid: false, at: '2025-06-01T09:00:00.000Z' }),
            aDecision({ accountId: 'acc-po2', displayName: 'Pete Owner', decision: 'declined', reason: 'Missing release notes', valid: true }),
          ],
        }),
      }),
    );
    const approvals = section('Approvals');
    expect(approvals.getByText('Approved an earlier content; approve again in Jira or here.')).toBeTruthy();
    const decisions = within(approvals.getByRole('list', { name: 'Decisions' })).getAllByRole('listitem');
    expect(decisions[0]?.textContent).toContain('Paula Owner approved in Jira');
    expect(decisions[0]?.textContent).toContain('Stale');
    expect(decisions[0]?.textContent).toContain('no longer counts');
    expect(decisions[0]?.textContent).toContain('1 Jun 2025');
    expect(decisions[1]?.textContent).toContain('Pete Owner declined in the app');
    expect(decisions[1]?.textContent).toContain('Valid');
    expect(decisions[1]?.textContent).toContain('Missing release notes');
  });

  it('approves with the content hash on screen and shows the answer', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', () =>
      ok(aReleaseView({ approvals: anApprovals({ satisfied: true, outstanding: [], me: { accountId: 'acc-po1', eligible: true, reason: null, current: 'approved', lastApproval: false, stale: false } }) })),
    );
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('The approval policy is satisfied for this content.')).toBeTruthy();
    expect(fake.invocationsOf('release/decide')).toEqual([{ versionId: '10001', decision: 'approved', contentHash: CONTENT_HASH }]);
    expect(screen.getByText(/You approved this content/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('requires a reason to decline, then sends it with the content hash', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', ok(aReleaseView()));
    await user.click(screen.getByRole('button', { name: 'Decline' }));
    await user.click(screen.getByRole('button', { name: 'Decline release' }));
    expect(screen.getByText('Give a reason, so the team knows what to fix.')).toBeTruthy();
    expect(screen.getByLabelText('Why are you declining? (required)').getAttribute('aria-invalid')).toBe('true');
    expect(fake.invocationsOf('release/decide')).toEqual([]);

    await user.type(screen.getByLabelText('Why are you declining? (required)'), '  OPS-99 is not done  ');
    await user.click(screen.getByRole('button', { name: 'Decline release' }));
    await screen.findByRole('button', { name: 'Decline' });
    expect(fake.invocationsOf('release/decide')).toEqual([{ versionId: '10001', decision: 'declined', reason: 'OPS-99 is not done', contentHash: CONTENT_HASH }]);
  });

  it('asks to reload when the release changed while the user was looking', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', fail('CANDIDATE_STALE', 'The content hash does not match.'));
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText(/^The release changed while you were looking; reload to review the new content/)).toBeTruthy();

    fake.answer('release/get', ok(aReleaseView({ contentHash: 'beef'.repeat(16), issues: [anIssue({ key: 'OPS-5', summary: 'New thing' })] })));
    await user.click(screen.getByRole('button', { name: 'Reload the release' }));
    expect(await screen.findByText('New thing')).toBeTruthy();
    expect(screen.queryByText(/The release changed while you were looking/)).toBeNull();
    expect(screen.getByText('beefbeefbeef')).toBeTruthy();
  });

  it('shows other refusals with their message', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', fail('NOT_AN_APPROVER', 'You are not a required approver of this release.'));
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Your decision was not recorded')).toBeTruthy();
    expect(screen.getByText('You are not a required approver of this release.')).toBeTruthy();
  });

  it('offers no buttons to someone who is not eligible, and says why', async () => {
    await openRelease(aReleaseView({ approvals: anApprovals({ me: { accountId: 'acc-dev', eligible: false, reason: 'You cannot approve: you committed to this release.', current: null, lastApproval: false, stale: false } }) }));
    expect(screen.getByText('You cannot approve: you committed to this release.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Decline' })).toBeNull();
  });

  it('offers no decision once the release is deploying, and no longer warns about staging', async () => {
    await openRelease(aReleaseView({ state: 'deploying', environments: [anEnvironmentRow({ stagingDiffersFromCandidate: true })] }));
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Your decision' })).toBeNull();
    expect(screen.queryByText('Staging no longer runs this candidate')).toBeNull();
  });
});

describe('deploy', () => {
  const current = () => screen.getByRole('list', { name: 'Deploy progress' }).querySelector('[aria-current="step"]')?.textContent;

  it('starts at open, waiting for approvals', async () => {
    await openRelease();
    expect(current()).toContain('Open');
    expect(screen.getByText('The deploy to prod starts once the approval policy is satisfied.')).toBeTruthy();
  });

  it('highlights the current step of a deploy with its run', async () => {
    await openRelease(
      aReleaseView({
        state: 'deploying',
        deploy: aDeploy({ state: 'deploying', step: 'dispatched', runId: 555, runUrl: 'https://github.com/acme/shop/actions/runs/555', runStatus: 'in_progress' }),
      }),
    );
    expect(current()).toContain('Prod deploy started');
    expect(screen.getByRole('link', { name: /Workflow run #555/ }).getAttribute('href')).toBe('https://github.com/acme/shop/actions/runs/555');
    expect(screen.getByText(/status in_progress/)).toBeTruthy();
    const done = screen.getByRole('list', { name: 'Deploy progress' }).querySelectorAll('.step-done');
    expect([...done].map((step) => step.textContent)).toEqual(['✓Open (done)', '✓Approved (done)', '✓Approval attested in Kosli (done)']);
  });

  it('shows a released deploy with its verification', async () => {
    await openRelease(
      aReleaseView({
        state: 'released',
        released: true,
        releaseDate: '2025-06-03',
        deploy: aDeploy({ state: 'released', step: 'released', runId: 555, runConclusion: 'success', verification: { ok: true, checkedAt: '2025-06-03T10:00:00Z', mismatches: [] } }),
      }),
    );
    expect(current()).toContain('Released in Jira');
    expect(screen.getByText(/conclusion success/)).toBeTruthy();
    expect(screen.getByText(/Prod runs exactly the approved artifacts/)).toBeTruthy();
    expect(screen.getByText(/Released 3 Jun 2025/)).toBeTruthy();
  });

  it('shows a failure with its reason and retries it', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(
      aReleaseView({
        state: 'failed',
        deploy: aDeploy({
          state: 'failed',
          step: 'failed',
          failure: { step: 'verify', reason: 'Prod runs frontend f0e1d2c3b4a5, not the approved a1b2c3d4e5f6.', transient: false, attempts: 2 },
          verification: { ok: false, checkedAt: '2025-06-03T10:00:00Z', mismatches: ['frontend: expected a1b2c3d4e5f6, found f0e1d2c3b4a5'] },
        }),
      }),
    );
    expect(screen.getByText('The deploy failed while verifying what runs in prod')).toBeTruthy();
    expect(screen.getByText(/2 attempts so far\. Fix the cause, then retry\./)).toBeTruthy();
    expect(screen.getByText('frontend: expected a1b2c3d4e5f6, found f0e1d2c3b4a5')).toBeTruthy();
    expect(current()).toContain('Verified in prod (failed)');

    fake.answer('release/retry', ok(aReleaseView({ state: 'released', deploy: aDeploy({ state: 'released', step: 'released' }) })));
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(current()).toBe('7Released in Jira (current)'));
    expect(screen.queryByText('The deploy failed while verifying what runs in prod')).toBeNull();
    expect(fake.invocationsOf('release/retry')).toEqual([{ versionId: '10001' }]);
  });
});

describe('audit and exports', () => {
  it('lists every action in the audit timeline', async () => {
    await openRelease(aReleaseView({ audit: [anAuditEntry(), anAuditEntry({ actor: 'Scheduled check', action: 'dispatched the prod deploy', detail: 'run 555' })] }));
    const entries = within(screen.getByRole('list', { name: 'Audit timeline' })).getAllByRole('listitem');
    expect(entries).toHaveLength(2);
    expect(entries[1]?.textContent).toContain('Scheduled check dispatched the prod deploy');
  });

  it('says so when the app has not acted yet', async () => {
    await openRelease(aReleaseView({ audit: [] }));
    expect(screen.getByText('The app has not acted on this release yet.')).toBeTruthy();
  });

  it('downloads the release notes and the audit record as files', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/export', (payload) =>
      ok(
        payload['format'] === 'notes'
          ? anExport()
          : anExport({ filename: 'release-10001-audit.json', mimeType: 'application/json', content: '{"versionId":"10001"}' }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Release notes (Markdown)' }));
    await user.click(screen.getByRole('button', { name: 'Audit record (JSON)' }));
    await screen.findByRole('button', { name: 'Audit record (JSON)' });
    expect(downloads.map((file) => [file.filename, file.type])).toEqual([
      ['release-10001-notes.md', 'text/markdown;charset=utf-8'],
      ['release-10001-audit.json', 'application/json;charset=utf-8'],
    ]);
    expect(await downloads[1]?.text()).toBe('{"versionId":"10001"}');
    expect(fake.invocationsOf('release/export')).toEqual([
      { versionId: '10001', format: 'notes' },
      { versionId: '10001', format: 'audit' },
    ]);
  });

  it('explains a failed export', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/export', fail('UPSTREAM_UNAVAILABLE', 'Jira did not answer.'));
    await user.click(screen.getByRole('button', { name: 'Release notes (Markdown)' }));
    expect(await screen.findByText('The export could not be prepared')).toBeTruthy();
  });
});
