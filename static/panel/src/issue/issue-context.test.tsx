// The harness installs the fake bridge before any app module loads @forge/bridge.
import '../test/harness';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { IssueContextView, Result } from '../../../../src/contract';
import { App } from '../app';
import { fake } from '../test/fake-bridge';

function aView(overrides: Partial<IssueContextView> = {}): IssueContextView {
  return {
    issueKey: 'OPS-11',
    summary: 'Faster product search',
    release: {
      versionId: '10001',
      name: '2026-03-02-10-00-00',
      state: 'open',
      released: false,
      releaseDate: null,
      approval: {
        satisfied: false,
        validApprovals: 1,
        needed: 2,
        summary: 'Awaiting approval: 1 of 2 for the current content.',
      },
      deploy: 'Not deployed to prod: the release waits for its approvals.',
      releasePageUrl: 'https://acme.atlassian.net/jira/software/projects/OPS/apps/app/env/release/10001',
    },
    environments: [
      {
        role: 'dev',
        environment: 'dev',
        status: 'running',
        summary: 'OPS-11 runs in dev: backend 1a2b3c4, Kosli compliant.',
        apps: [
          {
            app: 'backend',
            fingerprint: 'a'.repeat(64),
            commit: '1a2b3c4d',
            compliant: true,
            kosliUrl: null,
            exact: true,
          },
        ],
        since: '2026-03-02T09:00:00Z',
        sinceSource: 'snapshot',
        snapshotIndex: 7,
      },
      {
        role: 'staging',
        environment: 'staging',
        status: 'running',
        summary: 'OPS-11 runs in staging: backend 1a2b3c4, Kosli compliant.',
        apps: [
          {
            app: 'backend',
            fingerprint: 'a'.repeat(64),
            commit: '1a2b3c4d',
            compliant: true,
            kosliUrl: null,
            exact: true,
          },
        ],
        since: '2026-03-02T09:30:00Z',
        sinceSource: 'verified',
        snapshotIndex: 3,
      },
      {
        role: 'prod',
        environment: 'prod',
        status: 'not-running',
        summary: 'OPS-11 is not in prod yet: it runs a build from before its commits (backend).',
        apps: [],
        since: null,
        sinceSource: null,
        snapshotIndex: 2,
      },
    ],
    notes: [],
    ...overrides,
  };
}

/** Opens the app as Jira opens the issue-context module on OPS-11. */
function renderIssuePanel(answer: Result<IssueContextView>) {
  fake.reset({ moduleKey: 'issue-where-running', issueKey: 'OPS-11', answers: { 'issue/context': answer } });
  return render(<App />);
}

describe('issue context panel', () => {
  it('asks for the issue of its context and shows each environment, the release and its approval', async () => {
    renderIssuePanel({ ok: true, data: aView() });
    const staging = await screen.findByText('OPS-11 runs in staging: backend 1a2b3c4, Kosli compliant.');
    const row = staging.closest('li');
    if (!row) throw new Error('no environment row');
    expect(within(row).getByText(/verified by Kosli/)).toBeTruthy();
    expect(screen.getByText('Not yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: /2026-03-02-10-00-00/ }).getAttribute('href')).toContain('/release/10001');
    expect(screen.getByText('Awaiting approval: 1 of 2 for the current content.')).toBeTruthy();
    expect(fake.world.invocations).toEqual([{ key: 'issue/context', payload: { issueKey: 'OPS-11' } }]);
  });

  it('says plainly when no release holds the issue', async () => {
    renderIssuePanel({
      ok: true,
      data: aView({ release: null, environments: [], notes: ['OPS-11 is in no release Kosli Release Gate tracks.'] }),
    });
    expect(await screen.findByText('OPS-11 is in no release Kosli Release Gate tracks.')).toBeTruthy();
  });

  it('shows the backend refusal with what to do next', async () => {
    renderIssuePanel({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Issue OPS-11 was not found, or you may not see it.' },
    });
    expect(await screen.findByText('Issue OPS-11 was not found, or you may not see it.')).toBeTruthy();
  });
});
