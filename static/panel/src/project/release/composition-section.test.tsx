import { fake, ok } from '../../test/fake-bridge';
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderApp } from '../../test/harness';
import { aComposition, aReleaseView } from '../../test/builders';

const composing = aReleaseView({
  contentHash: '',
  artifacts: [],
  issues: [],
  composition: aComposition(),
  fixVersions: { written: 0, pending: 0 },
});

async function open(release = composing) {
  fake.answer('release/get', ok(release));
  renderApp({ path: `/release/${release.versionId}` });
  await screen.findByRole('heading', { level: 1, name: release.name });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a candidate composed in the background', () => {
  it('shows what is done so far as labelled progress bars, and no decision to take yet', async () => {
    await open();
    const section = within(
      screen.getByRole('heading', { level: 2, name: 'Composing the candidate' }).closest('section') as HTMLElement,
    );
    const pages = section.getByRole('progressbar', { name: 'Commit pages read from GitHub' });
    expect(pages.getAttribute('value')).toBe('200');
    expect(pages.getAttribute('max')).toBe('510');
    expect(section.getByText('200 of 510')).toBeTruthy();
    expect(section.getByRole('progressbar', { name: 'Commit batches looked up in Kosli' }).getAttribute('max')).toBe(
      '150',
    );
    expect(section.getByText(/3 of 10 apps listed · 15,000 commits · 1,200 Jira issues found/)).toBeTruthy();
    expect(section.getByText(/Asked by Dana Developer/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
    expect(screen.queryByRole('heading', { level: 2, name: 'Artifacts' })).toBeNull();
    // No content hash yet: the header does not offer an empty one to copy.
    expect(screen.queryByText(/^Content/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy the content hash' })).toBeNull();
  });

  it('says why the last attempt stopped and that it continues on its own', async () => {
    await open(
      aReleaseView({ ...composing, composition: aComposition({ error: 'Kosli did not answer.', attempts: 2 }) }),
    );
    expect(screen.getByText('The last attempt stopped')).toBeTruthy();
    expect(screen.getByText(/Kosli did not answer\. The app tries again on its own .*attempt 2/)).toBeTruthy();
  });

  it('shows "starting…" before the first figures are in', async () => {
    await open(aReleaseView({ ...composing, composition: aComposition({ progress: null }) }));
    expect(screen.getAllByText('starting…')).toHaveLength(2);
  });

  it('follows the composition until the content is recorded, then shows the release', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await open();
    const composed = aReleaseView({ fixVersions: { written: 1200, pending: 3800 } });
    fake.answer('release/get', ok(composed));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3000);
    });
    expect(await screen.findByRole('heading', { level: 2, name: 'Artifacts' })).toBeTruthy();
    expect(screen.queryByRole('heading', { level: 2, name: 'Composing the candidate' })).toBeNull();
    const fixVersions = screen.getByRole('progressbar', {
      name: `Adding ${composed.name} as fix version to its issues`,
    });
    expect(fixVersions.getAttribute('value')).toBe('1200');
    expect(fixVersions.getAttribute('max')).toBe('5000');
    expect(fake.invocationsOf('release/get')).toHaveLength(2);
  });

  it('shows no fix-version bar once every issue has it', async () => {
    await open(aReleaseView());
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
