/**
 * Test harness for the panel. Importing it installs the fake bridge first (before any module that
 * loads @forge/bridge), unmounts after each test and records downloads the page starts.
 */
import { fake, FakeHistory } from './fake-bridge';
import { cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { App } from '../app';

export interface Download {
  filename: string;
  type: string;
  text: () => Promise<string>;
}

/** Files the page handed to the browser in this test (a[download] clicks on a blob URL). */
export const downloads: Download[] = [];
const blobs = new Map<string, Blob>();
let nextBlob = 0;

// The browser is the world here: record blob URLs and download clicks instead of navigating.
URL.createObjectURL = (blob: Blob) => {
  const url = `blob:fake/${(nextBlob += 1)}`;
  blobs.set(url, blob);
  return url;
};
URL.revokeObjectURL = (url: string) => {
  blobs.delete(url);
};
document.addEventListener(
  'click',
  (event) => {
    const target = event.target;
    if (!(target instanceof HTMLAnchorElement) || !target.download) return;
    event.preventDefault();
    const blob = blobs.get(target.href);
    if (blob) downloads.push({ filename: target.download, type: blob.type, text: () => blob.text() });
  },
  true,
);

beforeEach(() => {
  downloads.length = 0;
  fake.reset();
});

afterEach(() => {
  cleanup();
});

/** Renders the whole app as Forge would open it. */
export function renderApp(
  options: { module?: 'release-gate' | 'release-gate-settings'; path?: string; accountId?: string } = {},
) {
  const world = fake.world;
  const settings = options.module === 'release-gate-settings';
  world.moduleKey = options.module ?? 'release-gate';
  world.projectKey = settings ? null : 'OPS';
  world.accountId = options.accountId ?? 'acc-po1';
  world.history = new FakeHistory(options.path ?? '/');
  return { world, ...render(<App />) };
}
