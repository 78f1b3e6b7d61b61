/**
 * The release page of a candidate being composed in the background, in a real browser under Forge's
 * CSP: the progress bars, the reason a run stopped, then the release once its content is recorded.
 * The composing state is written into the sandbox's storage as the consumer would leave it half-way
 * (a 12,000-commit world is slow to seed into the sandbox's real git repository; the flow test
 * test/flow/background-composition.test.ts composes one for real). Screenshots: composition-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { Sandbox } from '../../sandbox/server/start-sandbox';
import type { ReleaseRecord } from '../../src/store/records';
import { screenshot, startBrowserSandbox, type BrowserSandbox } from './browser';

let sandbox: Sandbox;
let e2e: BrowserSandbox;
let context: BrowserContext;
let recorded: ReleaseRecord;

beforeAll(async () => {
  e2e = await startBrowserSandbox('composition', { workflowDelayMs: 300 });
  ({ sandbox, context } = e2e);
  const { client } = e2e;
  const builds = [];
  for (const [app, message] of [
    ['backend', 'OPS-11 Faster product search'],
    ['frontend', 'OPS-12 Align the checkout button on mobile'],
  ] as const) {
    builds.push({ name: app, fingerprint: (await client.commit(app, message)).fingerprint });
  }
  await client.promoteReported('dev0001', builds);
  const { versionId } = await client.invokeOk('dev0001', 'candidate/refresh', {}, z.object({ versionId: z.string() }));
  const record = await sandbox.world.store.releases.get('OPS', versionId);
  if (!record) throw new Error(`no record of ${versionId}`);
  recorded = record;
});

afterAll(() => e2e?.stop());

async function composingHalfWay(error: string | null): Promise<void> {
  const { store } = sandbox.world;
  const since = new Date(Date.now() - 40_000).toISOString();
  await store.releases.put({ ...recorded, composing: { since, by: 'dev0001', selection: null } });
  await store.compositions.setStatus(recorded.versionId, {
    startedAt: since,
    updatedAt: new Date().toISOString(),
    attempts: error ? 2 : 1,
    progress: {
      apps: 10,
      appsListed: 4,
      pagesRead: 212,
      pagesTotal: 510,
      commits: 21_200,
      lookupsDone: 96,
      lookupsTotal: 212,
      keysFound: 2_117,
    },
    error,
  });
}

async function openRelease(page: Page) {
  await page.goto(`${sandbox.url}/#/release-gate/release/${recorded.versionId}`);
  const panel = page.frameLocator('#panel');
  await panel.getByRole('heading', { level: 1, name: recorded.name }).waitFor();
  return panel;
}

it('shows the composition half-way, then the release once its content is recorded', async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await composingHalfWay(null);
  const panel = await openRelease(page);
  const pages = panel.getByRole('progressbar', { name: 'Commit pages read from GitHub' });
  await pages.waitFor();
  await expect(pages.getAttribute('value')).resolves.toBe('212');
  await expect(pages.getAttribute('max')).resolves.toBe('510');
  await expect(
    panel.getByText('4 of 10 apps listed · 21,200 commits · 2,117 Jira issues found').isVisible(),
  ).resolves.toBe(true);
  await expect(panel.getByRole('button', { name: /Approve/ }).count()).resolves.toBe(0);
  await screenshot(page, 'composition-1-half-way');

  await composingHalfWay('Kosli did not answer (503) after 4 tries.');
  await panel.getByText('The last attempt stopped').waitFor();
  await screenshot(page, 'composition-2-stopped');

  // The consumer records the content: the page, which looks again every 3 s, shows the release.
  await sandbox.world.store.releases.put({ ...recorded, composing: null });
  await sandbox.world.store.compositions.clear(recorded.versionId);
  await panel.getByRole('heading', { level: 2, name: 'Artifacts' }).waitFor({ timeout: 10_000 });
  await expect(panel.getByRole('heading', { level: 2, name: 'Composing the candidate' }).count()).resolves.toBe(0);
  await screenshot(page, 'composition-3-recorded');
  expect(errors).toEqual([]);
  expect(sandbox.cspReports.violations).toEqual([]);
});
