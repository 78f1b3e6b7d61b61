#!/usr/bin/env node
// Finds the Chromium the browser tests drive (playwright-core with a system browser: no
// `playwright install`, which would need a download we cannot make). Order: $CHROME_PATH, then
// Debian's /usr/bin/chromium. When it is missing, root installs it with apt; anyone else gets the
// one command to run.
//
// Usage: node scripts/ensure-chromium.mjs   (prints the path; exit 1 when Chromium is unavailable)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CHROME_PATH = '/usr/bin/chromium';
export const INSTALL_COMMAND = 'sudo apt-get install -y chromium';

const isExecutable = (file) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

const aptInstall = () => {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    process.stderr.write(`ensure-chromium: apt-get ${args.join(' ')}\n`);
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) return false;
  }
  return true;
};

/**
 * Resolves the Chromium executable, installing it with apt when running as root.
 * Returns the path, or an error sentence for the user when there is none.
 */
export function ensureChromium() {
  const wanted = process.env.CHROME_PATH;
  if (wanted) {
    return isExecutable(wanted)
      ? { path: wanted }
      : { error: `CHROME_PATH is set to ${wanted}, which is not an executable file.` };
  }
  if (isExecutable(DEFAULT_CHROME_PATH)) return { path: DEFAULT_CHROME_PATH };
  if (process.getuid?.() === 0) {
    process.stderr.write('ensure-chromium: Chromium is missing; installing it with apt (about 20 s).\n');
    if (aptInstall() && isExecutable(DEFAULT_CHROME_PATH)) return { path: DEFAULT_CHROME_PATH };
    return { error: `Installing Chromium with apt failed. Install it and retry:\n  ${INSTALL_COMMAND}` };
  }
  return {
    error: `The browser tests need Chromium. Install it with:\n  ${INSTALL_COMMAND}\n(or set CHROME_PATH to an installed Chromium or Chrome).`,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = ensureChromium();
  if (found.error) {
    process.stderr.write(`${found.error}\n`);
    process.exit(1);
  }
  process.stdout.write(`${found.path}\n`);
}
