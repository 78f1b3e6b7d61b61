/**
 * The one way browser tests start Chromium: playwright-core driving the system browser found by
 * scripts/ensure-chromium.mjs (it sets CHROME_PATH), with the flags that keep it quiet and offline.
 */
import { chromium, type Browser } from 'playwright-core';

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
