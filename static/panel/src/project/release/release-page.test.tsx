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
    expect(screen.getByRole('link', { name: /Jira release/ }).getAttribute('href')).toBe(
      'https://acme.atlassian.net/projects/OPS/versions/10001',
    );
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
    expect(
      within(screen.getByRole('navigation', { name: 'Breadcrumbs' })).getByRole('link', { name: 'Releases' }),
    ).toBeTruthy();
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
    expect(artifacts.getAllByRole('link', { name: /^1111111/ })[0]?.getAttribute('href')).toBe(
      `https://github.com/acme/shop/commit/${SHA_BACKEND}`,
    );
    expect(artifacts.getByRole('link', { name: /Build/ }).getAttribute('href')).toBe(
      'https://github.com/acme/shop/actions/runs/77',
    );
    expect(artifacts.getByText(SHA_PROD.slice(0, 7))).toBeTruthy();
    expect(artifacts.getAllByRole('link', { name: /PR #42/ })).toHaveLength(2);
    expect(artifacts.getByText('Approved by rev-rui')).toBeTruthy();
    expect(artifacts.getAllByText('OPS-1')).toHaveLength(2);
    expect(artifacts.getByText('3 commits')).toBeTruthy();
    expect(artifacts.getByText('Compliant')).toBeTruthy();
  });

  it('lists the failing rules of a non-compliant trail, a first release and missing review', async () => {
    await openRelease(
      aReleaseView({
        artifacts: [
          anArtifact({
            compliance: 'NON-COMPLIANT',
            failing: ['pull-request', 'work-reference'],
            fromCommit: null,
            pullRequests: [],
            truncated: true,
          }),
        ],
      }),
    );
    const artifacts = section('Artifacts');
    expect(artifacts.getByText('Non-compliant')).toBeTruthy();
    const failing = artifacts.getByRole('list', { name: 'Failing rules for backend' });
    expect(
      within(failing)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['pull-request', 'work-reference']);
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
    expect(
      screen.getByRole('heading', { level: 2, name: 'Blocked: staging no longer runs this candidate' }),
    ).toBeTruthy();
    expect(screen.getAllByText(/Staging now runs something else for backend/).length).toBeGreaterThan(0);
    expect(section('Environments').getByText('Staging no longer runs the candidate')).toBeTruthy();
  });
});

describe('issues', () => {
  it('lists issues with their status by category, the missing keys and the untracked changes', async () => {
    await openRelease(
      aReleaseView({
        issues: [
          anIssue(),
          anIssue({
            key: 'OPS-2',
            summary: 'Fix login',
            status: 'Done',
            statusCategory: 'done',
            issueType: 'Bug',
            url: 'https://acme.atlassian.net/browse/OPS-2',
          }),
        ],
        missingKeys: ['OPS-99'],
        untracked: [
          {
            sha: 'deadbeef000',
            title: 'tweak CI cache',
            author: 'Dana',
            authorEmail: null,
            date: '2025-06-01T08:00:00Z',
            url: null,
          },
        ],
      }),
    );
    const issues = section('Issues');
    expect(issues.getByRole('link', { name: /OPS-2/ }).getAttribute('href')).toBe(
      'https://acme.atlassian.net/browse/OPS-2',
    );
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
  it('shows the rule and each approver with sources, Jira status and decision', async () => {
    await openRelease();
    const approvals = section('Approvals');
    expect(approvals.getByText('All required approvers')).toBeTruthy();
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
            aDecision({
              accountId: 'acc-po2',
              displayName: 'Pete Owner',
              decision: 'declined',
              reason: 'Missing release notes',
              valid: true,
            }),
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
    expect(decisions[1]?.textContent).toContain('Counts');
    expect(decisions[1]?.textContent).toContain('Missing release notes');
  });

  it('approves with the content hash on screen and shows the answer', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', () =>
      ok(
        aReleaseView({
          approvals: anApprovals({
            me: {
              accountId: 'acc-po1',
              eligible: true,
              reason: null,
              current: 'approved',
              lastApproval: false,
              stale: false,
            },
            progress: { approved: 1, needed: 2, waitingFor: ['Pete Owner'], declinedBy: [], myTurn: false },
          }),
        }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Approve (1 of 2)' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Waiting for Pete Owner' })).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.id).toBe('decision-heading'));
    expect(fake.invocationsOf('release/decide')).toEqual([
      { versionId: '10001', decision: 'approved', contentHash: CONTENT_HASH },
    ]);
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
    expect(fake.invocationsOf('release/decide')).toEqual([
      { versionId: '10001', decision: 'declined', reason: 'OPS-99 is not done', contentHash: CONTENT_HASH },
    ]);
  });

  it('asks to reload when the release changed while the user was looking', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', fail('CANDIDATE_STALE', 'The content hash does not match.'));
    await user.click(screen.getByRole('button', { name: 'Approve (1 of 2)' }));
    expect(
      await screen.findByText(/^This page is out of date: the release changed while you were looking/),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Approve (1 of 2)' }).hasAttribute('disabled')).toBe(true);

    fake.answer(
      'release/get',
      ok(aReleaseView({ contentHash: 'beef'.repeat(16), issues: [anIssue({ key: 'OPS-5', summary: 'New thing' })] })),
    );
    await user.click(screen.getByRole('button', { name: 'Reload the release' }));
    expect(await screen.findByText('New thing')).toBeTruthy();
    expect(screen.queryByText(/This page is out of date/)).toBeNull();
    expect(screen.getByText('beefbeefbeef')).toBeTruthy();
  });

  it('shows other refusals with their message', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    fake.answer('release/decide', fail('NOT_AN_APPROVER', 'You are not a required approver of this release.'));
    await user.click(screen.getByRole('button', { name: 'Approve (1 of 2)' }));
    expect(await screen.findByText('Your decision was not recorded')).toBeTruthy();
    expect(screen.getByText('You are not a required approver of this release.')).toBeTruthy();
  });

  it('offers no buttons to someone who is not eligible, and says why', async () => {
    await openRelease(
      aReleaseView({
        approvals: anApprovals({
          me: {
            accountId: 'acc-dev',
            eligible: false,
            reason: 'You cannot approve: you committed to this release.',
            current: null,
            lastApproval: false,
            stale: false,
          },
        }),
      }),
    );
    expect(screen.getByText('You cannot approve: you committed to this release.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Decline' })).toBeNull();
  });

  it('offers no decision once the release is deploying, and no longer warns about staging', async () => {
    await openRelease(
      aReleaseView({ state: 'deploying', environments: [anEnvironmentRow({ stagingDiffersFromCandidate: true })] }),
    );
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Your decision' })).toBeNull();
    expect(screen.getByRole('heading', { level: 2, name: 'Shipping to prod' })).toBeTruthy();
  });
});

describe('deploy', () => {
  const current = () =>
    screen.getByRole('list', { name: 'Deploy progress' }).querySelector('[aria-current="step"]')?.textContent;

  it('starts at open, waiting for approvals', async () => {
    await openRelease();
    expect(current()).toContain('Open');
    expect(screen.getByText('The deploy to prod starts once the approval policy is satisfied.')).toBeTruthy();
  });

  it('highlights the current step of a deploy with its run', async () => {
    await openRelease(
      aReleaseView({
        state: 'deploying',
        deploy: aDeploy({
          state: 'deploying',
          step: 'dispatched',
          runId: 555,
          runUrl: 'https://github.com/acme/shop/actions/runs/555',
          runStatus: 'in_progress',
        }),
      }),
    );
    expect(current()).toContain('Start the prod deploy');
    expect(screen.getAllByRole('link', { name: /Workflow run #555/ })[0]?.getAttribute('href')).toBe(
      'https://github.com/acme/shop/actions/runs/555',
    );
    expect(screen.getByText(/status in_progress/)).toBeTruthy();
    expect(
      within(screen.getByRole('status', { name: '' })).queryByText(/Now: the prod deploy is running/) ??
        screen.getByText(/Now: the prod deploy is running/),
    ).toBeTruthy();
    const done = screen.getByRole('list', { name: 'Deploy progress' }).querySelectorAll('.step-done');
    expect([...done].map((step) => step.textContent)).toEqual([
      '✓Open (done)',
      '✓Approved (done)',
      '✓Record the approval in Kosli (done)',
    ]);
  });

  it('shows a released deploy with its verification', async () => {
    await openRelease(
      aReleaseView({
        state: 'released',
        released: true,
        releaseDate: '2025-06-03',
        deploy: aDeploy({
          state: 'released',
          step: 'released',
          runId: 555,
          runConclusion: 'success',
          verification: { ok: true, checkedAt: '2025-06-03T10:00:00Z', mismatches: [] },
        }),
      }),
    );
    expect(current()).toContain('Release the Jira version');
    expect(screen.getByRole('heading', { level: 2, name: 'Released to prod' })).toBeTruthy();
    expect(screen.getByText(/conclusion success/)).toBeTruthy();
    expect(screen.getByText(/Prod runs exactly the approved artifacts/)).toBeTruthy();
    expect(screen.getByText(/Released 3 Jun 2025/)).toBeTruthy();
  });

  const failed = (canRetry: boolean) =>
    aReleaseView({
      state: 'failed',
      deploy: aDeploy({
        state: 'failed',
        step: 'failed',
        failure: {
          step: 'verify',
          reason: 'Prod runs frontend f0e1d2c3b4a5, not the approved a1b2c3d4e5f6.',
          transient: false,
          attempts: 2,
        },
        verification: {
          ok: false,
          checkedAt: '2025-06-03T10:00:00Z',
          mismatches: ['frontend: expected a1b2c3d4e5f6, found f0e1d2c3b4a5'],
        },
        canRetry,
        whoCanRetry: 'People who can edit issues in OPS (the developers) can retry.',
      }),
    });

  it('shows a failure at the top with its step, reason and who can act, and retries it', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(failed(true));
    expect(
      screen.getByRole('heading', {
        level: 2,
        name: 'Not shipped: the deploy failed while checking what runs in prod',
      }),
    ).toBeTruthy();
    expect(screen.getByText('Prod runs frontend f0e1d2c3b4a5, not the approved a1b2c3d4e5f6.')).toBeTruthy();
    expect(screen.getByText(/\(2 attempts\)/)).toBeTruthy();
    expect(screen.getByText('People who can edit issues in OPS (the developers) can retry.')).toBeTruthy();
    expect(screen.getByText('frontend: expected a1b2c3d4e5f6, found f0e1d2c3b4a5')).toBeTruthy();
    expect(current()).toContain('Verify what runs in prod (failed)');

    fake.answer(
      'release/retry',
      ok(aReleaseView({ state: 'released', deploy: aDeploy({ state: 'released', step: 'released' }) })),
    );
    await user.click(screen.getByRole('button', { name: 'Retry checking what runs in prod' }));
    await waitFor(() => expect(current()).toBe('7Release the Jira version (current)'));
    expect(screen.queryByText(/the deploy failed/)).toBeNull();
    await waitFor(() => expect(document.activeElement?.id).toBe('decision-heading'));
    expect(fake.invocationsOf('release/retry')).toEqual([{ versionId: '10001' }]);
  });

  it('offers Retry only to those who may retry', async () => {
    await openRelease(failed(false));
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
    expect(screen.getByText(/Ask a developer of the project to fix the cause and retry/)).toBeTruthy();
  });
});

describe('the decision panel', () => {
  it('comes first, with the checks behind the verdict', async () => {
    await openRelease(
      aReleaseView({
        issues: [anIssue(), anIssue({ key: 'OPS-2', status: 'Done', statusCategory: 'done' })],
        untracked: [
          {
            sha: 'deadbeef000',
            title: 'tweak CI cache',
            author: 'Dana',
            authorEmail: null,
            date: '2025-06-01T08:00:00Z',
            url: null,
          },
        ],
      }),
    );
    const panel = screen.getByRole('heading', { level: 2, name: 'Waiting for you and Pete Owner' }).closest('section');
    if (!panel) throw new Error('no decision panel');
    expect(screen.getAllByRole('heading', { level: 2 })[0]?.id).toBe('decision-heading');
    const checks = within(within(panel).getByRole('list', { name: 'Checks behind the verdict' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(checks).toEqual([
      '✓OK: Kosli compliance: The artifact is compliant in Kosli.',
      '✓OK: Pull request reviews: 1 of 1 commit reviewed by someone other than the author.',
      '!Look: Jira issues: 1 of 2 issues done; not done: OPS-1 (In Progress).',
      '!Look: Untracked commits: 1 commit without a Jira key: “tweak CI cache”.',
      '✓OK: Staging: Staging still runs this candidate.',
      '•Pending: Approvals: 0 of 2 approved — waiting for Paula Owner and Pete Owner. Your decision is needed.',
    ]);
    expect(within(panel).getByRole('button', { name: 'Approve (1 of 2)' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Skip to the decision' })).toBeTruthy();
  });

  it('shows a decline as a state: who, why and what unblocks it', async () => {
    await openRelease(
      aReleaseView({
        approvals: anApprovals({
          progress: {
            approved: 0,
            needed: 2,
            waitingFor: ['Paula Owner'],
            declinedBy: [{ displayName: 'Pete Owner', reason: 'Not shipping this.', at: '2025-06-02T11:00:00.000Z' }],
            myTurn: true,
          },
        }),
      }),
    );
    expect(within(screen.getByRole('banner')).getByText('declined').className).toContain('lozenge-removed');
    expect(screen.getByRole('heading', { level: 2, name: 'Blocked: declined by Pete Owner' })).toBeTruthy();
    expect(
      screen.getByText(
        /“Not shipping this\.” It ships once the cause is fixed and a new candidate is approved, or once Pete Owner approves this one\./,
      ),
    ).toBeTruthy();
  });

  it('says what changed since my approval, and marks superseded decisions', async () => {
    await openRelease(
      aReleaseView({
        approvals: anApprovals({
          me: { accountId: 'acc-po1', eligible: true, reason: null, current: null, lastApproval: false, stale: true },
          decisions: [
            aDecision({ accountId: 'acc-po2', displayName: 'Pete Owner', decision: 'approved' }),
            aDecision({
              accountId: 'acc-po2',
              displayName: 'Pete Owner',
              decision: 'declined',
              reason: 'No',
              superseded: true,
            }),
          ],
          changes: [
            {
              fromHash: 'ab'.repeat(32),
              decidedBy: ['Paula Owner'],
              changedAt: '2025-06-02T12:00:00.000Z',
              changedBy: 'Dana Developer',
              apps: [
                { name: 'backend', change: 'changed', fromCommit: SHA_PROD, toCommit: SHA_BACKEND, addedCommits: 2 },
              ],
              addedKeys: ['OPS-13'],
              removedKeys: [],
              known: true,
            },
          ],
        }),
      }),
    );
    expect(
      screen.getByText(
        'The release changed since your decision on 2 Jun 2025, 12:00 UTC by Dana Developer: it no longer counts',
      ),
    ).toBeTruthy();
    expect(screen.getByText('backend moved from 2222222 to 1111111: 2 new commits.')).toBeTruthy();
    expect(screen.getByText('Issues added: OPS-13.')).toBeTruthy();
    const decisions = within(screen.getByRole('list', { name: 'Decisions' })).getAllByRole('listitem');
    expect(decisions[1]?.textContent).toContain('Superseded');
  });

  it('disables Approve with the reason when staging no longer runs the candidate', async () => {
    await openRelease(aReleaseView({ environments: [anEnvironmentRow({ stagingDiffersFromCandidate: true })] }));
    const approve = screen.getByRole('button', { name: 'Approve (1 of 2)' });
    expect(approve.hasAttribute('disabled')).toBe(true);
    expect(document.getElementById(approve.getAttribute('aria-describedby') ?? '')?.textContent).toContain(
      'staging no longer runs this candidate (backend)',
    );
  });

  it('asks the last approver to confirm what ships, sends the comment, and Escape cancels', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(
      aReleaseView({
        approvals: anApprovals({
          me: { accountId: 'acc-po1', eligible: true, reason: null, current: null, lastApproval: true, stale: false },
        }),
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Approve and deploy to prod' }));
    const dialog = screen.getByRole('dialog', { name: /Approve and deploy .* to prod\?/ });
    expect(within(dialog).getByRole('list', { name: 'What ships' }).textContent).toContain(
      'backend at 1111111 — 3 commits since 2222222 in prod',
    );
    expect(document.activeElement?.id).toBe('approve-comment');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement?.textContent).toBe('Approve and deploy to prod');
    expect(fake.invocationsOf('release/decide')).toEqual([]);

    fake.answer(
      'release/decide',
      ok(aReleaseView({ state: 'approved', deploy: aDeploy({ state: 'approved', step: 'approved' }) })),
    );
    await user.click(screen.getByRole('button', { name: 'Approve and deploy to prod' }));
    await user.type(screen.getByLabelText(/Comment \(optional/), 'Numbers checked');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Approve and deploy to prod' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Shipping to prod' })).toBeTruthy();
    expect(fake.invocationsOf('release/decide')).toEqual([
      { versionId: '10001', decision: 'approved', reason: 'Numbers checked', contentHash: CONTENT_HASH },
    ]);
  });

  it('closes the decline form with Escape and gives focus back to Decline', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease();
    await user.click(screen.getByRole('button', { name: 'Decline' }));
    expect(document.activeElement?.id).toBe('decline-reason');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Decline'));
    expect(screen.queryByLabelText('Why are you declining? (required)')).toBeNull();
  });
});

describe('audit and exports', () => {
  it('lists every action in the audit timeline', async () => {
    await openRelease(
      aReleaseView({
        audit: [
          anAuditEntry(),
          anAuditEntry({ actor: 'Scheduled check', action: 'dispatched the prod deploy', detail: 'run 555' }),
        ],
      }),
    );
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
          : anExport({
              filename: 'release-10001-audit.json',
              mimeType: 'application/json',
              content: '{"versionId":"10001"}',
            }),
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
