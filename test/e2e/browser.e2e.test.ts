/** The browser harness itself: Chromium starts with our flags and renders a page. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

it('launches the system Chromium and renders a page', async () => {
  if (!browser) throw new Error('the browser did not start');
  const page = await browser.newPage();
  await page.setContent('<main><h1>Releases</h1></main>');
  expect(await page.textContent('h1')).toBe('Releases');
  expect(browser.version()).toMatch(/^\d+\./);
});
