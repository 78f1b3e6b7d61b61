/**
 * The product owner's path in a real browser, on the sandbox server: the project page lists the
 * candidate, the release page shows its provenance and issues, both product owners approve (the
 * host page's user switcher), the scheduled check deploys, and after a reload the page shows the
 * run and "released". Each step leaves a screenshot in test-results/screenshots/ (the release page
 * in the light and the dark theme).
 */
import { join } from 'node:path';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxClient } from '../../sandbox/server/control-client';
import type { Sandbox } from '../../sandbox/server/start-sandbox';
import { panelFrame, SCREENSHOTS, startBrowserSandbox, VIEWPORT, type BrowserSandbox } from './browser';

let sandbox: Sandbox;
let client: SandboxClient;
let e2e: BrowserSandbox;
let context: BrowserContext;
let candidate: { versionId: string; name: string };
const fingerprints: Record<string, string> = {};

beforeAll(async () => {
  e2e = await startBrowserSandbox('release', { workflowDelayMs: 600 });
  ({ sandbox, client, context } = e2e);
  // A developer's part, through the control API: two changes, promoted to staging, made a candidate.
  for (const [app, message] of [
    ['backend', 'OPS-11 Faster product search'],
    ['frontend', 'OPS-12 Align the checkout button on mobile'],
  ] as const) {
    fingerprints[app] = (await client.commit(app, message)).fingerprint;
  }
  // Kosli sees the builds in dev, then the deploy in staging, with each environment's next report.
  await client.reported(
    'dev',
    Object.entries(fingerprints).map(([name, fingerprint]) => ({ name, fingerprint })),
  );
  await client.invokeOk('dev0001', 'staging/promote', {}, z.object({ runId: z.number() }));
  await client.settle();
  await client.reported(
    'staging',
    Object.entries(fingerprints).map(([name, fingerprint]) => ({ name, fingerprint })),
  );
  candidate = await client.invokeOk(
    'dev0001',
    'candidate/refresh',
    {},
    z.object({ versionId: z.string(), name: z.string() }),
  );
});

afterAll(() => e2e?.stop());

/** The whole page, with the viewport grown so the app's iframe shows all of its content. */
async function screenshot(page: Page, name: string): Promise<void> {
  const frame = await panelFrame(page);
  // No hover highlight from wherever the last click left the mouse.
  await page.mouse.move(0, VIEWPORT.height - 1);
  const contentHeight = await frame.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, contentHeight + 120) });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  await page.setViewportSize(VIEWPORT);
}

async function actAs(page: Page, accountId: string): Promise<FrameLocator> {
  await page.locator('#user-select').selectOption(accountId);
  const panel = page.frameLocator('#panel');
  // The iframe reloads as the new user: wait for the release page to render again.
  await panel.getByRole('heading', { level: 1, name: candidate.name }).waitFor();
  return panel;
}

it('takes a release from the candidate to released, as both product owners', async () => {
  const started = Date.now();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto(`${sandbox.url}/`);
  await page.locator('#user-select option[value="po0001"]').waitFor({ state: 'attached' });
  await page.locator('#user-select').selectOption('po0001');
  const panel = page.frameLocator('#panel');
  const card = panel.getByRole('article', { name: `Release candidate ${candidate.name}` });
  await card.waitFor();
  await expect(card.textContent()).resolves.toContain('0 of 2 approved — your decision is needed.');
  await screenshot(page, '01-project-page');

  await card.getByRole('link', { name: 'Open release' }).click();
  await panel.getByRole('heading', { level: 1, name: candidate.name }).waitFor();
  await expect(page.evaluate(() => window.location.hash)).resolves.toBe(
    `#/release-gate/release/${candidate.versionId}`,
  );
  const artifacts = panel.locator('section[aria-labelledby="artifacts-heading"]');
  for (const app of ['backend', 'frontend']) {
    const row = artifacts.getByRole('row').filter({ has: panel.getByRole('rowheader', { name: app }) });
    await expect(row.locator('code').first().getAttribute('title')).resolves.toBe(fingerprints[app]);
    await expect(row.textContent()).resolves.toMatch(/Approved by/);
  }
  const issues = panel.locator('section[aria-labelledby="issues-heading"]');
  await expect(issues.getByRole('link', { name: 'OPS-11' }).isVisible()).resolves.toBe(true);
  await expect(issues.getByRole('link', { name: 'OPS-12' }).isVisible()).resolves.toBe(true);
  await screenshot(page, '02-release-page-light');

  await page.locator('#theme-toggle').click();
  await expect.poll(() => panel.locator('html').getAttribute('data-color-mode')).toBe('dark');
  await screenshot(page, '03-release-page-dark');
  await page.locator('#theme-toggle').click();
  await expect.poll(() => panel.locator('html').getAttribute('data-color-mode')).toBe('light');

  await panel.getByRole('button', { name: 'Approve (1 of 2)' }).click();
  await panel.getByText('You approved this content.').waitFor();
  await expect(panel.getByRole('heading', { level: 2, name: 'Waiting for Omar Owner' }).isVisible()).resolves.toBe(
    true,
  );
  await screenshot(page, '04-approved-by-paula');

  const asOmar = await actAs(page, 'po0002');
  await asOmar.getByRole('button', { name: 'Approve and deploy to prod' }).click();
  await asOmar.getByRole('dialog').getByRole('button', { name: 'Approve and deploy to prod' }).click();
  await asOmar.getByRole('heading', { level: 2, name: /^(Ready to ship|Shipping to prod|Released to prod)/ }).waitFor();
  await screenshot(page, '05-approved-by-omar');

  // Forge's five-minute check, now: it deploys and releases (the run settles after 600 ms).
  await client.runScheduledCheck();
  await page.reload();
  const released = page.frameLocator('#panel');
  const header = released.locator('header.page-header');
  await header.getByText('released', { exact: true }).waitFor();
  const deploy = released.locator('section[aria-labelledby="deploy-heading"]');
  const run = (await client.state()).github.runs.find((r) => r.inputs['environment'] === 'prod');
  await expect(deploy.getByRole('link', { name: `Workflow run #${run?.id ?? '?'}` }).isVisible()).resolves.toBe(true);
  await expect(deploy.textContent()).resolves.toContain('conclusion success');
  await expect(
    deploy.getByText('Prod runs exactly the approved artifacts', { exact: false }).isVisible(),
  ).resolves.toBe(true);
  await expect(header.textContent()).resolves.toMatch(/Released /);
  await screenshot(page, '06-released');

  const tags = (await client.state()).git.tags;
  const approved = (
    await client.invokeOk(
      'po0001',
      'release/get',
      { versionId: candidate.versionId },
      z.object({ artifacts: z.array(z.object({ app: z.string(), commit: z.string() })) }),
    )
  ).artifacts;
  for (const artifact of approved) expect(tags[`running-prod-${artifact.app}`]).toBe(artifact.commit);
  expect(errors).toEqual([]);
  expect(Date.now() - started).toBeLessThan(60_000);
});
