import { fake, never, ok } from './test/fake-bridge';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from './test/harness';
import { aComplianceReport, anOverview, aReleaseView, aSettingsView } from './test/builders';
import { enableTheme } from './forge';

describe('the app', () => {
  it('opens the releases overview on the project page', async () => {
    fake.answer('project/overview', ok(anOverview()));
    renderApp({ path: '/' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Releases' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Releases' }).getAttribute('aria-current')).toBe('page');
  });

  it('opens the settings page on the admin module, without a project in the context', async () => {
    fake.answer('settings/get', ok(aSettingsView()));
    window.localStorage.setItem('kosli-release-gate:last-project', 'OPS');
    renderApp({ module: 'release-gate-settings' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Kosli Release Gate settings' })).toBeTruthy();
    expect(await screen.findByRole('form', { name: 'Configuration of OPS' })).toBeTruthy();
    expect(fake.invocationsOf('settings/get')).toEqual([{ projectKey: 'OPS' }]);
  });

  it('routes /release/<id> to the release page and /compliance to the report', async () => {
    fake.answer('release/get', ok(aReleaseView({ name: 'R-7' })));
    renderApp({ path: '/release/10007' });
    expect(await screen.findByRole('heading', { level: 1, name: 'R-7' })).toBeTruthy();
    expect(fake.invocationsOf('release/get')).toEqual([{ versionId: '10007' }]);
  });

  it('navigates with real links through the Forge history, by mouse and keyboard', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('project/overview', ok(anOverview()));
    fake.answer('release/get', ok(aReleaseView()));
    fake.answer('report/compliance', ok(aComplianceReport()));
    const { world } = renderApp({ path: '/' });

    await user.click(await screen.findByRole('link', { name: 'Open release' }));
    expect(await screen.findByRole('heading', { level: 1, name: '2025-06-02-10-00-00' })).toBeTruthy();
    expect(world.history.location.pathname).toBe('/release/10001');

    screen.getByRole('link', { name: 'Compliance report' }).focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Compliance report' })).toBeTruthy();
    expect(world.history.pathnames).toEqual(['/', '/release/10001', '/compliance']);

    world.history.goBack();
    expect(await screen.findByRole('heading', { level: 1, name: '2025-06-02-10-00-00' })).toBeTruthy();
  });

  it('says so when the address is unknown, with a way back', async () => {
    renderApp({ path: '/nowhere' });
    expect(await screen.findByText('There is nothing at this address')).toBeTruthy();
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Go to the releases overview' })).toBeTruthy();
  });

  it('shows a loading state while the first answer is on its way', async () => {
    fake.answer('project/overview', never);
    renderApp();
    expect(await screen.findByRole('status')).toBeTruthy();
    expect(screen.getByText('Loading releases…')).toBeTruthy();
  });

  it('asks the host for theming', async () => {
    await enableTheme();
    expect(fake.world.themeEnabled).toBe(1);
  });
});
