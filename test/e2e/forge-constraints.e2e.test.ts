/**
 * The panel under Forge's real constraints, in a real browser: served with the CSP @forge/csp
 * computes for this manifest, inside an iframe with Forge's documented sandbox (no popups). Each
 * kind of external link on the release page (Kosli trail, GitHub run, commit, pull request) is
 * clicked: it must reach the host page through router.open, which asks before leaving. Any CSP
 * violation the app causes fails the test; one provoked on purpose shows the reports do arrive.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { CUSTOM_UI_SANDBOX } from '../../sandbox/host/forge-frame';
import type { Sandbox } from '../../sandbox/server/start-sandbox';
import { panelFrame, startBrowserSandbox, type BrowserSandbox } from './browser';

let sandbox: Sandbox;
let e2e: BrowserSandbox;
let context: BrowserContext;
let versionId: string;
/** Requests the browser tried to send off this machine: refused, and the test fails on any. */
const offMachine: string[] = [];

beforeAll(async () => {
  e2e = await startBrowserSandbox('forge', { workflowDelayMs: 300 });
  ({ sandbox, context } = e2e);
  const { client } = e2e;
  // A commit without a Jira key under the built one: the page lists it, linked to GitHub.
  await client.commit('backend', 'Tidy the build script');
  const built = await client.commit('backend', 'OPS-11 Faster product search');
  await client.promoteReported('dev0001', [{ name: 'backend', fingerprint: built.fingerprint }]);
  ({ versionId } = await client.invokeOk('dev0001', 'candidate/refresh', {}, z.object({ versionId: z.string() })));
  // Approved by both product owners and deployed, so the page also links the prod workflow run.
  const { contentHash } = await client.invokeOk(
    'po0001',
    'release/get',
    { versionId },
    z.object({ contentHash: z.string() }),
  );
  for (const owner of ['po0001', 'po0002'])
    await client.invokeOk(
      owner,
      'release/decide',
      { versionId, decision: 'approved', contentHash },
      z.object({ versionId: z.string() }),
    );
  // The scheduled check deploys; the release completes once Kosli's next prod report shows the build.
  for (let attempt = 0; attempt < 60; attempt += 1) {
    await client.runScheduledCheck();
    await client.settle();
    const { state } = await client.invokeOk('po0001', 'release/get', { versionId }, z.object({ state: z.string() }));
    if (state === 'released') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    async (route) => {
      offMachine.push(route.request().url());
      await route.abort();
    },
  );
});

afterAll(() => e2e?.stop());

it('opens every kind of external link through the host, with no CSP violation', async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const panelResponse = page.waitForResponse((response) => response.url().includes('/panel/index.html'));
  await page.goto(`${sandbox.url}/#/release-gate/release/${versionId}`);

  const served = await panelResponse;
  expect(served.headers()['content-security-policy']).toMatch(/default-src 'self'/);
  expect((await page.locator('#panel').getAttribute('sandbox'))?.split(' ').sort()).toEqual(
    [...CUSTOM_UI_SANDBOX].sort(),
  );

  const panel = page.frameLocator('#panel');
  await panel.getByRole('heading', { level: 1 }).waitFor();
  await panel.locator('a[href*="/actions/runs/"]').first().waitFor();
  // Each app's commits and their pull requests sit in a collapsed list: open them as a reader would.
  for (const summary of await panel.locator('details.commit-evidence > summary').all()) await summary.click();
  const kinds: [string, string][] = [
    ['Kosli trail', 'a[href*="/trails/"]'],
    ['GitHub run', 'a[href*="/actions/runs/"]'],
    ['commit', 'a[href*="/commit/"]'],
    ['pull request', 'a[href*="/pull/"]'],
  ];
  for (const [kind, selector] of kinds) {
    const link = panel.locator(selector).first();
    const href = await link.getAttribute('href');
    expect(href, `a ${kind} link on the release page`).toMatch(/^https:\/\//);
    expect(await link.getAttribute('target'), `the ${kind} link`).toBeNull();
    await link.click();
    // Handed to the host (router.open), which asks before leaving; cancelled, so nothing opens.
    await expect.poll(() => page.locator('#leave-dialog').getAttribute('open'), { message: kind }).toBe('');
    await expect(page.locator('#leave-url').textContent()).resolves.toBe(href);
    await page.locator('#leave-dialog button[value="cancel"]').click();
    await expect.poll(() => page.locator('#leave-dialog').getAttribute('open')).toBeNull();
  }
  expect(context.pages()).toHaveLength(1);

  // The app caused no violation; then one provoked on purpose shows reports reach the sandbox.
  await page.waitForTimeout(500);
  expect(sandbox.cspReports.violations).toEqual([]);
  const frame = await panelFrame(page);
  await frame.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.name = "inline script ran";';
    document.head.append(script);
  });
  await expect.poll(() => sandbox.cspReports.violations.length).toBe(1);
  expect(sandbox.cspReports.violations[0]?.['violated-directive']).toMatch(/^script-src/);
  expect(await frame.evaluate(() => window.name)).not.toBe('inline script ran');

  expect(errors).toEqual([]);
  expect(offMachine).toEqual([]);
});
