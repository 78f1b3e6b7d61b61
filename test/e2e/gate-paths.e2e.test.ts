/**
 * The gate's other paths in a real browser, on the sandbox server: a developer creates a partial
 * candidate (one app held back, said on the page), a member of the emergency group ships it alone
 * with a reason (marked on the page), and after a second release the developer rolls prod back to
 * the first release from its page; the rollback goes through the gate and the prod tag returns to
 * the first release's commit. Screenshots in test-results/screenshots/gate-*.png.
 */
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxClient } from '../../sandbox/server/control-client';
import type { Sandbox } from '../../sandbox/server/start-sandbox';
import { screenshot, startBrowserSandbox, type BrowserSandbox } from './browser';

const DEV = 'dev0001';
const PO1 = 'po0001';
const PO2 = 'po0002';
let sandbox: Sandbox;
let client: SandboxClient;
let e2e: BrowserSandbox;
let context: BrowserContext;

const released = z.object({
  state: z.string(),
  name: z.string(),
  contentHash: z.string(),
  artifacts: z.array(z.object({ app: z.string(), commit: z.string() })),
});

/** Changes apps, lets dev report them, promotes them to staging and waits for staging's report. */
async function toStaging(changes: Record<string, string>): Promise<void> {
  const builds = [];
  for (const [app, message] of Object.entries(changes))
    builds.push({ name: app, fingerprint: (await client.commit(app, message)).fingerprint });
  await client.reported('dev', builds);
  await client.invokeOk(DEV, 'staging/promote', {}, z.object({ runId: z.number() }));
  await client.settle();
  await client.reported('staging', builds);
}

/** Forge's five-minute check, until the release is released. */
async function untilReleased(versionId: string): Promise<void> {
  for (let run = 0; run < 10; run++) {
    await client.runScheduledCheck();
    if ((await client.invokeOk(PO1, 'release/get', { versionId }, released)).state === 'released') return;
    await client.settle();
  }
  throw new Error(`Release ${versionId} was not released`);
}

beforeAll(async () => {
  e2e = await startBrowserSandbox('gate', { workflowDelayMs: 300 });
  ({ sandbox, client, context } = e2e);
  // The admin opens the emergency path for Omar (the settings resolver, as the admin page calls it).
  const settings = await client.invoke(
    DEV,
    'settings/get',
    { projectKey: 'OPS' },
    z.object({ config: z.record(z.string(), z.unknown()) }),
    'release-gate-settings',
  );
  if (!settings.ok) throw new Error(settings.error.message);
  const saved = await client.invoke(
    DEV,
    'settings/save',
    {
      projectKey: 'OPS',
      config: {
        ...settings.data.config,
        emergency: { enabled: true, groupName: 'Incident commanders', approvers: [PO2] },
      },
    },
    z.unknown(),
    'release-gate-settings',
  );
  if (!saved.ok) throw new Error(saved.error.message);
  await toStaging({ backend: 'OPS-11 Faster product search', frontend: 'OPS-12 Align the checkout button on mobile' });
});

afterAll(() => e2e?.stop());

/** Opens a page of the app as a user: the host page's user switcher, then the app's route. */
async function openAs(page: Page, accountId: string, route: string): Promise<FrameLocator> {
  await page.goto(`${sandbox.url}/#/release-gate/${route}`);
  await page.locator(`#user-select option[value="${accountId}"]`).waitFor({ state: 'attached' });
  await page.locator('#user-select').selectOption(accountId);
  return page.frameLocator('#panel');
}

it('partial candidate, emergency release, then a rollback to it, through the browser', async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  // A developer ships the backend only: the frontend is held back.
  let panel = await openAs(page, DEV, '');
  const chooser = panel.getByRole('group', { name: 'Apps in the candidate' });
  await chooser.getByRole('checkbox', { name: 'frontend' }).uncheck();
  await panel.getByRole('button', { name: 'Create / refresh candidate' }).click();
  await panel.getByText('Release candidate created').waitFor();
  await panel
    .getByRole('link', { name: /^\d{4}-/ })
    .first()
    .click();
  const gate = panel.locator('section[aria-labelledby="gate-heading"]');
  await gate.getByRole('heading', { name: 'Held back from this release' }).waitFor();
  await expect(gate.textContent()).resolves.toContain('frontend: prod keeps');
  const first = await client.invokeOk(
    PO1,
    'project/overview',
    {},
    z.object({ openCandidate: z.object({ versionId: z.string(), name: z.string() }) }),
  );
  const firstId = first.openCandidate.versionId;
  await screenshot(page, 'gate-01-partial-candidate');

  // Omar, of the emergency group, ships it alone with a reason.
  panel = await openAs(page, PO2, `release/${firstId}`);
  await panel.getByLabel(/Why can this not wait/).fill('Search times out for every customer');
  await panel.getByRole('button', { name: 'Ship as an emergency' }).click();
  await panel.getByText('Emergency release', { exact: true }).first().waitFor();
  await untilReleased(firstId);
  await page.reload();
  panel = page.frameLocator('#panel');
  await panel.locator('header.page-header').getByText('released', { exact: true }).waitFor();
  await expect(panel.locator('section[aria-labelledby="gate-heading"]').textContent()).resolves.toContain(
    'Approved alone by Omar Owner (Incident commanders)',
  );
  await screenshot(page, 'gate-02-emergency-released');
  const firstBackend = (await client.state()).git.tags['running-prod-backend'];
  const frontendBefore = (await client.state()).git.tags['running-prod-frontend'];

  // A second release, through the API: the held-back frontend and a new backend.
  await toStaging({ backend: 'OPS-13 Show the delivery estimate' });
  const second = await client.invokeOk(
    DEV,
    'candidate/refresh',
    {},
    z.object({ versionId: z.string(), contentHash: z.string() }),
  );
  for (const owner of [PO1, PO2])
    await client.invokeOk(
      owner,
      'release/decide',
      { versionId: second.versionId, decision: 'approved', contentHash: second.contentHash },
      z.unknown(),
    );
  await untilReleased(second.versionId);
  expect((await client.state()).git.tags['running-prod-backend']).not.toBe(firstBackend);

  // The developer rolls prod back to the first release from its page.
  panel = await openAs(page, DEV, `release/${firstId}`);
  await panel.getByRole('button', { name: 'Roll back prod to this release' }).click();
  await panel.getByLabel(/Why must prod go back/).fill('Delivery estimates are wrong since the second release');
  await panel.getByRole('button', { name: 'Open the rollback' }).click();
  await panel.getByText('Rollback opened').waitFor();
  await panel.getByRole('link', { name: /^Rollback to / }).click();
  await panel.getByText(`Rollback of prod to ${first.openCandidate.name}`, { exact: true }).waitFor();
  await expect(panel.getByRole('heading', { level: 2, name: /^Blocked/ }).count()).resolves.toBe(0);
  await screenshot(page, 'gate-03-rollback-open');

  const rollbackId = z
    .object({ openRollback: z.object({ versionId: z.string() }) })
    .parse(await client.invokeOk(PO1, 'project/overview', {}, z.unknown())).openRollback.versionId;
  const rollback = await client.invokeOk(PO1, 'release/get', { versionId: rollbackId }, released);
  for (const owner of [PO1, PO2])
    await client.invokeOk(
      owner,
      'release/decide',
      { versionId: rollbackId, decision: 'approved', contentHash: rollback.contentHash },
      z.unknown(),
    );
  await untilReleased(rollbackId);
  await page.reload();
  panel = page.frameLocator('#panel');
  await panel.locator('header.page-header').getByText('released', { exact: true }).waitFor();
  await screenshot(page, 'gate-04-rolled-back');

  const tags = (await client.state()).git.tags;
  expect(tags['running-prod-backend']).toBe(firstBackend);
  // The first release held the frontend back; the second shipped it, and the rollback leaves it.
  expect(tags['running-prod-frontend']).not.toBe(frontendBefore);
  expect(errors).toEqual([]);
});
