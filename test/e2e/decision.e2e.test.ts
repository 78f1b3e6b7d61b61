/**
 * The decision screen in a real browser at 1280×800, every state of a release as the people who see
 * it: open, partly approved, stale, declined, failed, deploying and released, as product owners and
 * a developer, plus the admin's settings. At each stop: the verdict and its buttons are inside the
 * first 800 px, axe-core finds nothing serious or critical in the light and the dark theme, and a
 * screenshot of the first screen lands in test-results/screenshots/decision-*.png.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxClient } from '../../sandbox/server/control-client';
import type { Sandbox } from '../../sandbox/server/start-sandbox';
import { SCREENSHOTS, startBrowserSandbox, type BrowserSandbox } from './browser';

const VIEWPORT = { width: 1280, height: 800 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PO1 = 'po0001';
const PO2 = 'po0002';
const DEV = 'dev0001';

let sandbox: Sandbox;
let client: SandboxClient;
let e2e: BrowserSandbox;
let page: Page;
let versionId: string;
let releaseName: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The scheduled trigger runs every 1.5 s here (every 5 min on Forge); runs take 3 s.
  e2e = await startBrowserSandbox('decision', { workflowDelayMs: 3000, triggerIntervalMs: 1500, viewport: VIEWPORT });
  ({ sandbox, client } = e2e);
  await client.commit('backend', 'OPS-11 Faster product search');
  await client.commit('backend', 'Tidy the search logging');
  const backend = await client.commit('backend', 'OPS-12 Align the checkout button on mobile');
  const frontend = await client.commit('frontend', 'OPS-12 Align the checkout button on mobile');
  await client.promoteReported(DEV, [
    { name: 'backend', fingerprint: backend.fingerprint },
    { name: 'frontend', fingerprint: frontend.fingerprint },
  ]);
  const created = await client.invokeOk(
    DEV,
    'candidate/refresh',
    {},
    z.object({ versionId: z.string(), name: z.string() }),
  );
  versionId = created.versionId;
  releaseName = created.name;
  page = await e2e.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(() => e2e?.stop());

async function panelFrame(): Promise<Frame> {
  const frame = await (await page.locator('#panel').elementHandle())?.contentFrame();
  if (!frame) throw new Error('The host page has no app iframe');
  return frame;
}

/** Opens a route of a module as a user; the host reloads the iframe for the new user. */
async function open(accountId: string, route: string): Promise<FrameLocator> {
  await page.goto(`${sandbox.url}/#/${route}`);
  await page.locator(`#user-select option[value="${accountId}"]`).waitFor({ state: 'attached' });
  if ((await page.locator('#user-select').inputValue()) !== accountId)
    await page.locator('#user-select').selectOption(accountId);
  return page.frameLocator('#panel');
}

async function openRelease(accountId: string): Promise<FrameLocator> {
  const panel = await open(accountId, `release-gate/release/${versionId}`);
  await panel.getByRole('heading', { level: 1, name: releaseName }).waitFor();
  await panel.locator('#decision-heading').waitFor();
  return panel;
}

async function setTheme(mode: 'light' | 'dark'): Promise<void> {
  const panel = page.frameLocator('#panel');
  if ((await panel.locator('html').getAttribute('data-color-mode')) !== mode)
    await page.locator('#theme-toggle').click();
  await expect.poll(() => panel.locator('html').getAttribute('data-color-mode')).toBe(mode);
}

/** axe-core inside the app's iframe: the serious and critical findings, as "rule: target" lines. */
async function axeFindings(): Promise<string[]> {
  const frame = await panelFrame();
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(AXE); // through the debugger protocol: the panel's CSP (rightly) refuses an injected <script>
  const result: unknown = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  const violations = z
    .object({
      violations: z.array(
        z.object({
          id: z.string(),
          impact: z.string().nullable(),
          nodes: z.array(z.object({ target: z.array(z.unknown()) })),
        }),
      ),
    })
    .parse(result).violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

/**
 * One stop of the walk: the decision panel and its buttons inside the first 800 px (release pages),
 * no serious or critical axe finding in either theme, and a screenshot of the first screen of each.
 */
async function checkStop(name: string, options: { decision: boolean } = { decision: true }): Promise<void> {
  const panel = page.frameLocator('#panel');
  await page.mouse.move(0, VIEWPORT.height - 1);
  if (options.decision) {
    const boxes = [
      await panel.locator('#decision-heading').boundingBox(),
      ...(await Promise.all((await panel.locator('#decision button').all()).map((b) => b.boundingBox()))),
    ];
    for (const box of boxes) {
      expect(box, `${name}: a decision element has no box`).not.toBeNull();
      expect(
        (box?.y ?? 0) + (box?.height ?? 0),
        `${name}: the decision panel reaches below 800 px`,
      ).toBeLessThanOrEqual(VIEWPORT.height);
    }
  }
  for (const mode of ['light', 'dark'] as const) {
    await setTheme(mode);
    expect(await axeFindings(), `${name} (${mode}): serious or critical axe findings`).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `decision-${name}-${mode}.png`) });
  }
  await setTheme('light');
}

const verdict = (panel: FrameLocator) => panel.locator('#decision-heading');

it('walks a release through every state as product owners, a developer and an admin', async () => {
  // Open, as the first product owner: whose turn, the checks, Approve (1 of 2).
  let panel = await openRelease(PO1);
  await expect(verdict(panel).textContent()).resolves.toBe('Waiting for you and Omar Owner');
  const checks = await panel.getByRole('list', { name: 'Checks behind the verdict' }).textContent();
  expect(checks).toContain('4 of 4 commits reviewed');
  expect(checks).toContain('1 commit without a Jira key: “Tidy the search logging”');
  await checkStop('open-po');

  // Keyboard: the skip link is the first stop, before the tabs, and lands on the verdict.
  await panel.getByRole('navigation', { name: 'Kosli Release Gate' }).getByRole('link').first().focus();
  await page.keyboard.press('Shift+Tab');
  await expect(panel.locator(':focus').textContent()).resolves.toBe('Skip to the decision');
  await panel.locator(':focus').press('Enter');
  await expect(panel.locator(':focus').getAttribute('id')).resolves.toBe('decision-heading');

  // The developer sees the same verdict and no decision buttons.
  panel = await openRelease(DEV);
  await expect(panel.getByText('You are not an approver of this release.').isVisible()).resolves.toBe(true);
  await checkStop('open-developer');

  // Partly approved: Paula approves; focus lands on the new verdict.
  panel = await openRelease(PO1);
  await panel.getByRole('button', { name: 'Approve (1 of 2)' }).click();
  await expect.poll(() => verdict(panel).textContent()).toBe('Waiting for Omar Owner');
  await expect(panel.locator(':focus').getAttribute('id')).resolves.toBe('decision-heading');
  await checkStop('partly-approved-po');
  panel = await open(PO2, 'release-gate/');
  const card = panel.getByRole('article', { name: `Release candidate ${releaseName}` });
  await card.getByText('1 of 2 approved — your decision is needed.').waitFor();
  await checkStop('card-partly-approved', { decision: false });

  // Stale: a new change reaches staging and the candidate is refreshed.
  const estimate = await client.commit('backend', 'OPS-13 Show a delivery estimate');
  await client.promoteReported(DEV, [{ name: 'backend', fingerprint: estimate.fingerprint }]);
  await client.invokeOk(DEV, 'candidate/refresh', {}, z.object({ changed: z.literal(true) }));
  panel = await openRelease(PO1);
  const banner = panel.getByText(
    /^The release changed since your decision on .* by Dana Developer: it no longer counts$/,
  );
  await expect(banner.isVisible()).resolves.toBe(true);
  await expect(panel.getByText(/^backend moved from \w{7} to \w{7}: 1 new commit\.$/).isVisible()).resolves.toBe(true);
  await expect(panel.getByText('Issues added: OPS-13.').isVisible()).resolves.toBe(true);
  await checkStop('stale-po');

  // Declined: Omar declines with a reason; Escape closes the form first, with focus back on Decline.
  panel = await openRelease(PO2);
  await panel.getByRole('button', { name: 'Decline' }).click();
  await panel.getByLabel('Why are you declining? (required)').press('Escape');
  await expect(panel.locator(':focus').textContent()).resolves.toBe('Decline');
  await panel.getByRole('button', { name: 'Decline' }).click();
  await panel.getByLabel('Why are you declining? (required)').fill('The estimate copy is not signed off.');
  await panel.getByRole('button', { name: 'Decline release' }).click();
  await expect.poll(() => verdict(panel).textContent()).toBe('Blocked: declined by Omar Owner');
  await expect(panel.locator('header').getByText('declined', { exact: true }).isVisible()).resolves.toBe(true);
  await checkStop('declined-po');

  // Omar changes his mind (his decline is superseded); Paula's approval is the last one: dialog, comment.
  await panel.getByRole('button', { name: 'Approve (1 of 2)' }).click();
  await expect.poll(() => verdict(panel).textContent()).toBe('Waiting for Paula Product');
  sandbox.world.github.world.failNextRun();
  panel = await openRelease(PO1);
  await panel.getByRole('button', { name: 'Approve and deploy to prod' }).click();
  const dialog = panel.getByRole('dialog');
  await expect(dialog.getByRole('list', { name: 'What ships' }).textContent()).resolves.toContain('backend at');
  await checkStop('approve-dialog-po', { decision: false });
  await panel.getByLabel(/Comment \(optional/).fill('Estimate copy signed off by marketing.');
  await dialog.getByRole('button', { name: 'Approve and deploy to prod' }).click();

  // Deploying, live: the page follows without a reload, then the forced run failure shows at the top.
  await expect.poll(() => verdict(panel).textContent(), { timeout: 10_000 }).toMatch(/^Shipping to prod|^Not shipped/);
  await expect
    .poll(() => verdict(panel).textContent(), { timeout: 20_000 })
    .toBe('Not shipped: the deploy failed while running the prod deploy');
  await expect(panel.getByRole('button', { name: /^Retry/ }).count()).resolves.toBe(0);
  await expect(panel.getByText(/Ask a developer of the project/).isVisible()).resolves.toBe(true);
  await checkStop('failed-po');

  // The developer retries; the page shows the deploy moving, then released.
  panel = await openRelease(DEV);
  await checkStop('failed-developer');
  await panel.getByRole('button', { name: 'Retry running the prod deploy' }).click();
  await expect.poll(() => verdict(panel).textContent(), { timeout: 10_000 }).toBe('Shipping to prod');
  await expect(panel.locator('.deploy-live').textContent()).resolves.toMatch(/Now: .* since approval/);
  await checkStop('deploying-developer');
  await expect.poll(() => verdict(panel).textContent(), { timeout: 30_000 }).toBe('Released to prod');
  panel = await openRelease(PO1);
  await checkStop('released-po');

  // The comment went into the Kosli approval attestation.
  const [attestation] = sandbox.world.kosli.world.trailAttestationsJson(
    sandbox.world.config.kosli.releaseFlow,
    versionId,
    'release-approval',
  );
  expect(JSON.stringify(attestation?.['attestation_data'])).toContain(
    '"comment":"Estimate copy signed off by marketing."',
  );

  // The admin's settings page.
  panel = await open(DEV, 'release-gate-settings/');
  await panel.getByRole('heading', { level: 1, name: 'Kosli Release Gate settings' }).waitFor();
  await panel.getByLabel('Jira project', { exact: true }).selectOption('OPS');
  await panel.getByRole('button', { name: 'Load' }).click();
  await panel.getByRole('form', { name: 'Configuration of OPS' }).waitFor();
  // The approver picker finds people by name.
  await panel.getByLabel(/^Find a person/).fill('om');
  await panel.getByRole('button', { name: 'Find', exact: true }).click();
  await panel.getByRole('button', { name: 'Add Omar Owner' }).waitFor();
  await checkStop('settings-admin', { decision: false });

  expect(pageErrors).toEqual([]);
}, 420_000);
