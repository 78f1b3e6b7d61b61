/**
 * The one way browser tests start Chromium (playwright-core driving the system browser found by
 * scripts/ensure-chromium.mjs, which sets CHROME_PATH, with the flags that keep it quiet and offline),
 * and their shared set-up: a fresh sandbox beside it, the app's iframe, screenshots.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { SandboxClient } from '../../sandbox/server/control-client';
import { startSandbox, type Sandbox } from '../../sandbox/server/start-sandbox';

const QUIET_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: QUIET_FLAGS });
}

/** Where the browser tests leave their screenshots (the README's figures come from there). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
export const VIEWPORT = { width: 1366, height: 900 };

export interface BrowserSandbox {
  sandbox: Sandbox;
  client: SandboxClient;
  browser: Browser;
  /** A context in the panel's test locale and zone (en-GB, UTC) at `viewport`. */
  context: BrowserContext;
  /** Closes the browser and the sandbox and removes the sandbox's data folder. */
  stop(): Promise<void>;
}

export interface BrowserSandboxOptions {
  /** How long a workflow run takes (ms). */
  workflowDelayMs: number;
  /** The scheduled trigger's interval; null (the default) leaves it to the test. */
  triggerIntervalMs?: number | null;
  viewport?: { width: number; height: number };
}

/**
 * A fresh sandbox (its own data folder, a free port, Kosli reporting every 300 ms) and Chromium
 * beside it, started together: every browser test's set-up.
 */
export async function startBrowserSandbox(name: string, options: BrowserSandboxOptions): Promise<BrowserSandbox> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `krg-e2e-${name}-`));
  const [sandbox, browser] = await Promise.all([
    startSandbox({
      dataDir,
      port: 0,
      workflowDelayMs: options.workflowDelayMs,
      triggerIntervalMs: options.triggerIntervalMs ?? null,
      realism: { reportIntervalMs: 300 },
    }),
    launchBrowser(),
  ]);
  const context = await browser.newContext({
    viewport: options.viewport ?? VIEWPORT,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    sandbox,
    client: new SandboxClient(sandbox.url),
    browser,
    context,
    stop: async () => {
      await context.close();
      await browser.close();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The app's iframe on the host page. */
export async function panelFrame(page: Page): Promise<Frame> {
  const frame = await (await page.locator('#panel').elementHandle())?.contentFrame();
  if (!frame) throw new Error('The host page has no app iframe');
  return frame;
}

/** A full-page screenshot with no hover highlight from wherever the last click left the mouse. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, (page.viewportSize() ?? VIEWPORT).height - 1);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
