#!/usr/bin/env node
// `npm run test:e2e`: the browser tests (test/e2e/**/*.e2e.test.ts) against the built panel, driven
// by playwright-core on the system Chromium. Extra arguments go to vitest (`npm run test:e2e -- -t name`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-chromium.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const e2eDir = path.join(repoRoot, 'test/e2e');

const testFiles = fs.existsSync(e2eDir)
  ? fs.readdirSync(e2eDir, { recursive: true }).filter((f) => String(f).endsWith('.e2e.test.ts'))
  : [];
if (testFiles.length === 0) {
  process.stdout.write('run-e2e: no browser tests yet (test/e2e/**/*.e2e.test.ts): nothing to run.\n');
  process.exit(0);
}

const chromium = ensureChromium();
if (chromium.error) {
  process.stderr.write(`run-e2e: ${chromium.error}\n`);
  process.exit(1);
}
process.stdout.write(`run-e2e: ${testFiles.length} test file(s) on ${chromium.path}\n`);

const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--config', path.join(repoRoot, 'vitest.e2e.config.ts'), ...process.argv.slice(2)],
  { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, CHROME_PATH: chromium.path } },
);
process.exit(result.status ?? 1);
