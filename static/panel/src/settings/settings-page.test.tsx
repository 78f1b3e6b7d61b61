import { fake, fail, ok } from '../test/fake-bridge';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test/harness';
import { aSecretStatus, aSettingsView } from '../test/builders';
import { defaultProjectConfig } from '../../../../src/release/config';

const TOKEN = 'kosli_secret_token_value_123456';

const openSettings = async (view = aSettingsView()) => {
  fake.answer('settings/get', ok(view));
  renderApp({ module: 'release-gate-settings' });
  return screen.findByRole('form', { name: `Configuration of ${view.projectKey}` });
};

const PROJECTS = [
  { key: 'OPS', name: 'Operations', configured: true },
  { key: 'SHOP', name: 'Shop front', configured: false },
];

beforeEach(() => {
  window.localStorage.setItem('kosli-release-gate:last-project', 'OPS');
  fake.answer('projects/list', ok({ projects: PROJECTS, more: false }));
});

describe('the settings page', () => {
  it("loads the project an admin picks from Jira's projects, each marked configured or not", async () => {
    const user = userEvent.setup({ delay: null });
    window.localStorage.clear();
    fake.answer('settings/get', ok(aSettingsView({ projectKey: 'SHOP' })));
    renderApp({ module: 'release-gate-settings' });
    expect(await screen.findByText('Pick a project to see its settings.')).toBeTruthy();
    const select = await screen.findByLabelText<HTMLSelectElement>('Jira project');
    expect([...select.options].map((o) => o.text)).toEqual([
      'OPS — Operations (configured)',
      'SHOP — Shop front (not configured yet)',
    ]);
    await user.selectOptions(select, 'SHOP');
    await user.click(screen.getByRole('button', { name: 'Load' }));
    expect(await screen.findByRole('form', { name: 'Configuration of SHOP' })).toBeTruthy();
    expect(fake.invocationsOf('settings/get')).toEqual([{ projectKey: 'SHOP' }]);
    expect(window.localStorage.getItem('kosli-release-gate:last-project')).toBe('SHOP');
  });

  it('asks Jira for the projects matching a filter, keeping the filter typed, and says when none match', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('settings/get', ok(aSettingsView()));
    fake.answer('projects/list', (payload) =>
      ok({
        projects: PROJECTS.filter((p) =>
          `${p.key} ${p.name}`.toLowerCase().includes(String(payload['query']).toLowerCase()),
        ),
        more: payload['query'] === '',
      }),
    );
    renderApp({ module: 'release-gate-settings' });
    expect(await screen.findByText(/Showing the first 2 projects by key/)).toBeTruthy();
    await user.type(screen.getByLabelText('Find a project (key or name)'), 'shop{Enter}');
    await waitFor(() =>
      expect([...screen.getByLabelText<HTMLSelectElement>('Jira project').options].map((o) => o.value)).toEqual([
        'SHOP',
      ]),
    );
    expect(screen.getByLabelText<HTMLInputElement>('Find a project (key or name)').value).toBe('shop');
    expect(screen.queryByText(/Showing the first/)).toBeNull();
    await user.clear(screen.getByLabelText('Find a project (key or name)'));
    await user.type(screen.getByLabelText('Find a project (key or name)'), 'nothing');
    await user.click(screen.getByRole('button', { name: 'Find projects' }));
    expect(await screen.findByText('No Jira project matches. Try part of another key or name.')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Load' }).disabled).toBe(true);
    expect(fake.invocationsOf('projects/list')).toEqual([{ query: '' }, { query: 'shop' }, { query: 'nothing' }]);
  });

  it('shows only the refusal to someone who is not a Jira administrator', async () => {
    fake.answer(
      'projects/list',
      fail('FORBIDDEN', 'Only Jira administrators can read or change the Kosli Release Gate settings.'),
    );
    renderApp({ module: 'release-gate-settings' });
    expect(await screen.findByText('Only Jira administrators can change these settings')).toBeTruthy();
    expect(screen.queryByLabelText('Jira project')).toBeNull();
    expect(screen.getAllByText('Only Jira administrators can change these settings')).toHaveLength(1);
  });

  it('shows the stored configuration, and says when only defaults are shown', async () => {
    await openSettings(aSettingsView({ saved: false }));
    expect(screen.getByText('OPS has no saved settings yet')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Organisation').value).toBe('kosli-public');
    expect(screen.getByLabelText<HTMLSelectElement>('Kosli host').value).toBe('eu');
    expect(screen.getByLabelText<HTMLInputElement>('App 2 path').value).toBe('apps/frontend');
    expect(screen.getByLabelText<HTMLInputElement>('Tag pattern').value).toBe('running-{env}-{app}');
  });

  it('says a project key does not exist instead of showing defaults for it', async () => {
    fake.answer(
      'settings/get',
      fail('NOT_FOUND', 'There is no Jira project with the key OPS (or the app cannot see it): check the key.'),
    );
    renderApp({ module: 'release-gate-settings' });
    expect(await screen.findByText('No settings for OPS')).toBeTruthy();
    expect(screen.getByText(/There is no Jira project with the key OPS/)).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Configuration of OPS' })).toBeNull();
  });

  it('refuses a non-admin with a clear sentence', async () => {
    fake.answer('settings/get', fail('FORBIDDEN', 'Only Jira administrators can read or change the settings.'));
    renderApp({ module: 'release-gate-settings' });
    expect(await screen.findByText('Only Jira administrators can change these settings')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Configuration of OPS' })).toBeNull();
  });

  it('saves the edited configuration as typed: host, apps, approvers and rule', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    fake.answer('settings/save', (payload) =>
      ok(aSettingsView({ config: defaultProjectConfig(), saved: payload['projectKey'] === 'OPS' })),
    );

    await user.selectOptions(screen.getByLabelText('Kosli host'), 'custom');
    await user.type(screen.getByLabelText('Custom Kosli host URL'), 'https://kosli.acme.io');
    await user.click(screen.getByRole('button', { name: 'Remove app 2 (frontend)' }));
    await user.click(screen.getByRole('button', { name: 'Add app' }));
    await user.type(screen.getByLabelText('App 2 name'), 'worker');
    await user.type(screen.getByLabelText('App 2 path'), 'apps/worker');
    await user.type(screen.getByLabelText('App 2 build flow'), 'worker-build');
    await user.type(screen.getByLabelText('App 2 template name'), 'worker');
    fake.answer('users/search', (payload) =>
      ok({
        users:
          payload['query'] === 'ow'
            ? [
                { accountId: 'acc-po1', displayName: 'Paula Owner' },
                { accountId: 'acc-po2', displayName: 'Pete Owner' },
              ]
            : [{ accountId: 'acc-po3', displayName: 'Quinn Quality' }],
      }),
    );
    await user.type(screen.getByLabelText(/^Find a person/), 'ow{Enter}');
    await user.click(await screen.findByRole('button', { name: 'Add Paula Owner' }));
    await user.click(screen.getByRole('button', { name: 'Add Pete Owner' }));
    await user.clear(screen.getByLabelText(/^Find a person/));
    await user.type(screen.getByLabelText(/^Find a person/), 'quinn');
    await user.click(screen.getByRole('button', { name: 'Find' }));
    await user.click(await screen.findByRole('button', { name: 'Add Quinn Quality' }));
    expect(fake.invocationsOf('users/search')).toEqual([
      { projectKey: 'OPS', query: 'ow' },
      { projectKey: 'OPS', query: 'quinn' },
    ]);
    expect(screen.getByRole('button', { name: 'Remove Pete Owner' })).toBeTruthy();
    expect(fake.invocationsOf('settings/save')).toEqual([]);
    await user.click(screen.getByLabelText('At least'));
    await user.clear(screen.getByLabelText('Number of approvals required'));
    await user.type(screen.getByLabelText('Number of approvals required'), '2');
    await user.click(screen.getByLabelText(/No self-approval/));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText(/Settings saved/)).toBeTruthy();
    const [sent] = fake.invocationsOf('settings/save');
    const expected = defaultProjectConfig();
    expect(sent).toEqual({
      projectKey: 'OPS',
      config: {
        ...expected,
        kosli: { ...expected.kosli, host: 'https://kosli.acme.io' },
        apps: [
          expected.apps[0],
          { name: 'worker', path: 'apps/worker', buildFlow: 'worker-build', templateName: 'worker' },
        ],
        approval: {
          approvers: ['acc-po1', 'acc-po2', 'acc-po3'],
          includeJiraApprovers: true,
          rule: { kind: 'atLeast', count: 2 },
          noSelfApproval: true,
        },
      },
    });
  });

  it('shows each field error of a refused save next to its field, and a summary', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    fake.answer(
      'settings/save',
      fail('INVALID_INPUT', 'Some settings are not valid.', {
        fields: {
          'apps.1.path': 'Path in the repository, e.g. apps/backend (no leading slash, no "..")',
          'kosli.org': 'Kosli organisation: letters, digits',
          'kosli.environments': 'Dev, staging and prod must be different environments',
          'approval.approvers.1': 'An Atlassian account id',
        },
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText('Nothing was saved: 4 settings need attention')).toBeTruthy();
    const path = screen.getByLabelText('App 2 path');
    // Focus goes to the first field in error, not back to the top.
    await waitFor(() => expect(document.activeElement).toBe(path));
    expect(path.getAttribute('aria-invalid')).toBe('true');
    const pathError = document.getElementById(path.getAttribute('aria-describedby') ?? '');
    expect(pathError?.textContent).toBe('Path in the repository, e.g. apps/backend (no leading slash, no "..")');
    expect(path.closest('td')?.contains(pathError ?? null)).toBe(true);

    const org = screen.getByLabelText('Organisation');
    expect(document.getElementById(org.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Kosli organisation: letters, digits',
    );
    expect(screen.getByLabelText(/^Find a person/).getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('field-kosli-environments-error')?.textContent).toBe(
      'Dev, staging and prod must be different environments',
    );

    await user.click(screen.getByRole('button', { name: 'App 2 path' }));
    expect(document.activeElement).toBe(path);
  });

  it('checks what it can convert before sending', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    await user.clear(screen.getByLabelText('First-release commit limit'));
    await user.type(screen.getByLabelText('First-release commit limit'), 'lots');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getAllByText('Enter a whole number of commits').length).toBeGreaterThan(0);
    expect(fake.invocationsOf('settings/save')).toEqual([]);
  });

  it('refuses a save by a non-admin with the admin sentence', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    fake.answer('settings/save', fail('FORBIDDEN', 'Not an admin.'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Only Jira administrators can change these settings')).toBeTruthy();
    await waitFor(() =>
      expect(
        document.activeElement?.contains(screen.getByText('Only Jira administrators can change these settings')),
      ).toBe(true),
    );
  });
});

describe('secrets', () => {
  it('shows only whether each token is set, from where and when', async () => {
    await openSettings(
      aSettingsView({
        secrets: {
          kosliToken: aSecretStatus({ set: true, source: 'forge-variable' }),
          githubToken: aSecretStatus({ set: true, source: 'settings', updatedAt: '2025-06-01T12:00:00Z' }),
        },
      }),
    );
    expect(screen.getByTestId('kosliToken-status').textContent).toBe('Set (forge variable)');
    expect(screen.getByTestId('githubToken-status').textContent).toBe('Set, updated 1 Jun 2025, 12:00 UTC');
    expect(screen.getAllByRole('button', { name: 'Clear' })).toHaveLength(1);
  });

  it('sets a token without ever showing it', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    expect(screen.getByTestId('kosliToken-status').textContent).toBe('Not set');
    fake.answer(
      'settings/secret',
      ok(
        aSettingsView({
          secrets: {
            kosliToken: aSecretStatus({ set: true, source: 'settings', updatedAt: '2025-06-02T08:00:00Z' }),
            githubToken: aSecretStatus(),
          },
        }),
      ),
    );

    const input = screen.getByLabelText<HTMLInputElement>('Set the Kosli API token');
    expect(input.type).toBe('password');
    await user.type(input, TOKEN);
    await user.click(
      within(screen.getByRole('form', { name: 'Kosli API token' })).getByRole('button', { name: 'Save' }),
    );

    expect(await screen.findByText('Kosli API token saved.')).toBeTruthy();
    expect(fake.invocationsOf('settings/secret')).toEqual([{ projectKey: 'OPS', name: 'kosliToken', value: TOKEN }]);
    expect(screen.getByTestId('kosliToken-status').textContent).toBe('Set, updated 2 Jun 2025, 08:00 UTC');
    expect(screen.getByLabelText<HTMLInputElement>('Replace the Kosli API token').value).toBe('');
    expect(document.body.innerHTML).not.toContain(TOKEN);
  });

  it('clears a token an admin entered', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings(
      aSettingsView({
        secrets: {
          kosliToken: aSecretStatus(),
          githubToken: aSecretStatus({ set: true, source: 'settings', updatedAt: '2025-06-01T12:00:00Z' }),
        },
      }),
    );
    fake.answer('settings/secret', ok(aSettingsView()));
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(await screen.findByText('GitHub token cleared.')).toBeTruthy();
    expect(fake.invocationsOf('settings/secret')).toEqual([{ projectKey: 'OPS', name: 'githubToken', value: null }]);
    expect(screen.getByTestId('githubToken-status').textContent).toBe('Not set');
  });
});

describe('connection check and Kosli setup', () => {
  it('lists each check with its outcome and message, failing checks first', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    fake.answer(
      'settings/check',
      ok({
        checks: [
          { id: 'kosli-org', label: 'Kosli organisation', ok: true, message: 'kosli-public exists' },
          {
            id: 'github-dispatch',
            label: 'GitHub workflow dispatch',
            ok: false,
            message: 'The token may not dispatch workflows (403).',
          },
        ],
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Check connection' }));
    expect(await screen.findByText('Connection check: 1 of 2 failed')).toBeTruthy();
    const items = within(screen.getByRole('list', { name: 'Connection check' })).getAllByRole('listitem');
    // Failures first, whatever order the checks ran in.
    expect(items.map((item) => item.textContent)).toEqual([
      '✕Failed: GitHub workflow dispatch — The token may not dispatch workflows (403).',
      '✓OK: Kosli organisation — kosli-public exists',
    ]);
  });

  it('sets up Kosli and lists the steps', async () => {
    const user = userEvent.setup({ delay: null });
    await openSettings();
    fake.answer(
      'settings/setup-kosli',
      ok({ steps: [{ id: 'flow-source', label: 'Flow jira-example-source', ok: true, message: 'created' }] }),
    );
    await user.click(screen.getByRole('button', { name: 'Set up Kosli' }));
    expect(await screen.findByText('Kosli setup: all good')).toBeTruthy();
    expect(fake.invocationsOf('settings/setup-kosli')).toEqual([{ projectKey: 'OPS' }]);
  });
});
