import { fake, fail, ok } from '../test/fake-bridge';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test/harness';
import { anOverview, aRefreshResult, aReleaseSummary, FP_BACKEND } from '../test/builders';

describe('the releases overview', () => {
  it('shows the open candidate first: whose turn it is, issue progress, apps and a link to it', async () => {
    fake.answer('project/overview', ok(anOverview()));
    renderApp();
    const card = await screen.findByRole('article', { name: 'Release candidate 2025-06-02-10-00-00' });
    expect(within(card).getByText('open')).toBeTruthy();
    expect(within(card).getByText('0 of 2 approved — your decision is needed.')).toBeTruthy();
    expect(
      within(card).getByText(/1 of 2 issues done \(not done: OPS-2 In Progress\) · backend, frontend/),
    ).toBeTruthy();
    expect(within(card).queryByText(FP_BACKEND.slice(0, 12))).toBeNull();
    expect(within(card).getByRole('link', { name: 'Open release' }).getAttribute('href')).toBe('#/release/10001');
  });

  it.each([
    [
      { approvals: { approved: 1, needed: 2, waitingFor: ['Omar Owner'], declinedBy: [], myTurn: false } },
      '1 of 2 approved — waiting for Omar Owner.',
    ],
    [
      {
        approvals: {
          approved: 0,
          needed: 2,
          waitingFor: ['Paula'],
          declinedBy: [{ displayName: 'Omar Owner', reason: 'Not yet', at: '2025-06-02T11:00:00.000Z' }],
          myTurn: false,
        },
      },
      'Declined by Omar Owner: “Not yet”',
    ],
    [
      { state: 'failed' as const, failure: { step: 'follow' as const, reason: 'The deploy run concluded "failure".' } },
      'The deploy to prod failed: a developer can retry it.',
    ],
  ])('says whose turn it is on the card (%#)', async (overrides, line) => {
    fake.answer('project/overview', ok(anOverview({ openCandidate: aReleaseSummary(overrides) })));
    renderApp();
    const card = await screen.findByRole('article', { name: 'Release candidate 2025-06-02-10-00-00' });
    expect(within(card).getByText(line)).toBeTruthy();
  });

  it('shows a declined candidate as declined, and a failure with its reason', async () => {
    fake.answer(
      'project/overview',
      ok(
        anOverview({
          openCandidate: aReleaseSummary({
            approvals: {
              approved: 0,
              needed: 2,
              waitingFor: [],
              declinedBy: [{ displayName: 'Omar Owner', reason: null, at: '' }],
              myTurn: false,
            },
          }),
        }),
      ),
    );
    renderApp();
    const card = await screen.findByRole('article', { name: 'Release candidate 2025-06-02-10-00-00' });
    expect(within(card).getByText('declined').className).toContain('lozenge-removed');
  });

  it('lists recent releases with their state', async () => {
    fake.answer('project/overview', ok(anOverview()));
    renderApp();
    const heading = await screen.findByRole('heading', { name: 'Recent releases' });
    const table = within(heading.closest('section') ?? document.body).getByRole('table');
    const row = within(table).getByRole('row', { name: /2025-05-20-09-00-00/ });
    expect(within(row).getByText('released')).toBeTruthy();
    expect(within(row).getByText('20 May 2025')).toBeTruthy();
  });

  it('says what to do when there is no candidate and no release yet', async () => {
    fake.answer('project/overview', ok(anOverview({ openCandidate: null, recent: [] })));
    renderApp();
    expect(await screen.findByText('No open release candidate')).toBeTruthy();
    expect(screen.getByText(/Promote what runs in dev to staging, then create a candidate/)).toBeTruthy();
    expect(screen.getByText('No releases yet')).toBeTruthy();
  });

  it('tells a product owner who cannot manage releases who creates candidates, without the developer buttons', async () => {
    fake.answer('project/overview', ok(anOverview({ canManageReleases: false, openCandidate: null })));
    renderApp();
    expect(await screen.findByText(/A developer creates the next candidate/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Promote dev → staging' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create / refresh candidate' })).toBeNull();
  });

  it('sends an unconfigured project to the admin settings', async () => {
    fake.answer('project/overview', ok(anOverview({ configured: false, openCandidate: null, recent: [] })));
    renderApp();
    expect(await screen.findByText('Kosli Release Gate is not configured for this project yet')).toBeTruthy();
    expect(
      screen.getByText(/An admin must configure the app in Jira settings → Apps → Kosli Release Gate/),
    ).toBeTruthy();
  });

  it('treats a NOT_CONFIGURED refusal the same way', async () => {
    fake.answer('project/overview', fail('NOT_CONFIGURED', 'Project OPS is not configured.'));
    renderApp();
    expect(await screen.findByText('Kosli Release Gate is not configured for this project yet')).toBeTruthy();
  });

  it('shows an error with a retry that works', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', fail('UPSTREAM_UNAVAILABLE', 'Kosli did not answer (GET /snapshots).'));
    renderApp();
    expect(await screen.findByText('Kosli did not answer (GET /snapshots).')).toBeTruthy();
    expect(screen.getByText(/Try again in a minute/)).toBeTruthy();
    fake.answer('project/overview', ok(anOverview()));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Open candidate' })).toBeTruthy();
  });

  it('promotes dev to staging, showing progress and then the run', async () => {
    const user = userEvent.setup({ delay: null });
    let finish: () => void = () => undefined;
    fake.answer('project/overview', ok(anOverview()));
    fake.answer(
      'staging/promote',
      () =>
        new Promise((resolve) => {
          finish = () =>
            resolve(
              ok({
                runId: 321,
                runUrl: 'https://github.com/acme/shop/actions/runs/321',
                apps: [{ name: 'backend', commit: 'abcdef0123456', fingerprint: FP_BACKEND }],
              }),
            );
        }),
    );
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Promote dev → staging' }));
    expect(screen.getByRole('button', { name: 'Promoting…' }).hasAttribute('disabled')).toBe(true);
    finish();
    expect(await screen.findByText('Promotion to staging started')).toBeTruthy();
    expect(screen.getByRole('link', { name: /workflow run #321/ }).getAttribute('href')).toBe(
      'https://github.com/acme/shop/actions/runs/321',
    );
    expect(screen.getByText(/backend abcdef0/)).toBeTruthy();
    expect(fake.invocationsOf('staging/promote')).toEqual([{}]);
  });

  it('refreshes the candidate: added keys, then "nothing changed", reloading the overview each time', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview()));
    fake.answer('candidate/refresh', ok(aRefreshResult({ addedKeys: ['OPS-7'] })));
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create / refresh candidate' }));
    expect(await screen.findByText('Release candidate refreshed')).toBeTruthy();
    expect(screen.getByText(/Added OPS-7\./)).toBeTruthy();
    expect(screen.getByText(/Approvals given for the earlier content are now stale/)).toBeTruthy();

    fake.answer('candidate/refresh', ok(aRefreshResult({ changed: false })));
    fake.answer(
      'project/overview',
      ok(anOverview({ openCandidate: aReleaseSummary({ issues: { total: 3, done: 3, notDone: [] } }) })),
    );
    await user.click(screen.getByRole('button', { name: 'Create / refresh candidate' }));
    expect(await screen.findByText('Nothing changed')).toBeTruthy();
    expect(screen.getByText(/already holds what runs in staging/)).toBeTruthy();
    expect(screen.queryByText('Release candidate refreshed')).toBeNull();
    expect(await screen.findByText(/3 of 3 issues done/)).toBeTruthy();
    expect(fake.invocationsOf('project/overview')).toHaveLength(3);
  });

  it('announces a newly created candidate', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview({ openCandidate: null })));
    fake.answer(
      'candidate/refresh',
      ok(aRefreshResult({ versionId: '10002', name: 'R2', created: true, addedKeys: ['OPS-1', 'OPS-2'] })),
    );
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create / refresh candidate' }));
    expect(await screen.findByText('Release candidate created')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'R2' }).getAttribute('href')).toBe('#/release/10002');
    expect(screen.getByText(/Added OPS-1, OPS-2\./)).toBeTruthy();
  });

  it('names the first 20 added keys and counts the rest', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview()));
    const keys = Array.from({ length: 1234 }, (_, i) => `OPS-${i + 1}`);
    fake.answer('candidate/refresh', ok(aRefreshResult({ addedKeys: keys })));
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create / refresh candidate' }));
    expect(await screen.findByText(/Added OPS-1, OPS-2, .*OPS-20 and 1,214 more\./)).toBeTruthy();
    expect(screen.queryByText(/OPS-21\b/)).toBeNull();
  });

  it('says a large candidate is composed in the background and links its release page', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview({ openCandidate: null })));
    fake.answer(
      'candidate/refresh',
      ok(aRefreshResult({ versionId: '10003', name: 'Big', created: true, contentHash: '', composing: true })),
    );
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create / refresh candidate' }));
    expect(await screen.findByText('Release candidate created')).toBeTruthy();
    expect(screen.getByText(/being composed in the background/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Big' }).getAttribute('href')).toBe('#/release/10003');
  });

  it('tells a developer there is nothing to release as information, not as an error', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview()));
    fake.answer(
      'candidate/refresh',
      fail('NOTHING_TO_RELEASE', 'Staging runs what prod runs: there is nothing to release.'),
    );
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create / refresh candidate' }));
    const notice = (await screen.findByText('Nothing to release')).closest('.notice');
    expect(notice?.className).toContain('notice-info');
    expect(screen.getByText('Staging runs what prod runs: there is nothing to release.')).toBeTruthy();
    expect(screen.queryByText(/tell your Jira administrator/)).toBeNull();
  });

  it('names the refused build and what fixes it when staging policy refuses a promotion', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview()));
    fake.answer(
      'staging/promote',
      fail(
        'POLICY_FAILED',
        "Not promoted: staging's Kosli policies refuse backend: trail-compliant / trail-compliance (non_compliant_in_trail: …).",
        {
          failures: [
            {
              app: 'backend',
              commit: 'da9045527fb3940da277ed195edb712e876fed14',
              policy: 'trail-compliant',
              rule: 'trail-compliance',
              resolutions: ['non_compliant_in_trail'],
            },
          ],
        },
      ),
    );
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'Promote dev → staging' }));
    expect(await screen.findByText("Not promoted: staging's Kosli policy refuses a build")).toBeTruthy();
    const item = screen.getByText('backend', { selector: 'strong' }).closest('li');
    expect(item?.textContent).toBe(
      'backend at da90455: its Kosli trail is not compliant: an attestation (Jira reference, pull request review, tests) is missing or failed.',
    );
    expect(screen.queryByText(/non_compliant_in_trail/)).toBeNull();
  });

  it('creates a partial candidate with the apps chosen, and marks rollbacks and emergencies in the list', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer(
      'project/overview',
      ok(
        anOverview({
          openCandidate: null,
          recent: [
            aReleaseSummary({
              versionId: '10005',
              name: 'Rollback to v1',
              state: 'released',
              released: true,
              kind: 'rollback',
              emergency: true,
            }),
          ],
        }),
      ),
    );
    fake.answer(
      'candidate/refresh',
      ok(
        aRefreshResult({
          versionId: '10006',
          name: 'v3',
          created: true,
          addedKeys: ['OPS-1'],
          contentHash: 'a'.repeat(64),
        }),
      ),
    );
    renderApp();
    const chooser = within(await screen.findByRole('group', { name: 'Apps in the candidate' }));
    await user.click(chooser.getByRole('checkbox', { name: 'frontend' }));
    await user.click(screen.getByRole('button', { name: 'Create / refresh candidate' }));
    expect(fake.invocationsOf('candidate/refresh')).toEqual([{ apps: ['backend'] }]);
    const row = screen.getByRole('link', { name: 'Rollback to v1' }).closest('tr');
    expect(row?.textContent).toContain('Rollback');
    expect(row?.textContent).toContain('Emergency');
  });
});
