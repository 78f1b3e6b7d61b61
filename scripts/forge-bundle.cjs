#!/usr/bin/env node
// Packages the backend exactly as `forge deploy` (Forge CLI 13.3.0) does, offline, with the real
// @forge/bundler 7.1.0 that CLI pins:
//   - the handlers come from manifest.yml through @forge/cli-shared's ConfigFile.getAppHandlers(),
//     and become entry points through @forge/bundler's getEntryPoints() (src/<module>);
//   - the bundler is @forge/bundler's getNodeBundler() (webpack + ts-loader over the app's own
//     tsconfig.json, type-checking every bundled file), as the CLI's dependency injection builds it;
//   - the runtime wrapper that `forge deploy` downloads from Atlassian's CDN is replaced by the local
//     stand-in in sandbox/forge-runtime/wrapper (FORGE_RUNTIME_PATH, the bundler's own switch);
//   - the archive's other files are added as the CLI's RuntimeBundler does: the manifest (as JSON)
//     and package.json / package-lock.json.
// The result goes to .forge-bundle/ (what the archive would hold), which the local Forge runtime can
// load instead of src/index.ts (FORGE_APP_ENTRY=bundle). Any bundling error fails the script.
//
// CommonJS like the CLI: @forge/bundler's webpack config needs `require.main`, which ESM lacks.
//
// Usage: node scripts/forge-bundle.cjs [outDir]     Exit: 0 bundled, 1 bundling failed.
'use strict';
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const outDir = path.resolve(repoRoot, process.argv[2] ?? '.forge-bundle');
const WRAPPER_STAND_IN = path.join(repoRoot, 'sandbox/forge-runtime/wrapper');

// The CLI's own copies: @forge/bundler resolves @forge/cli-shared and @forge/manifest for itself.
const requireFromRepo = createRequire(path.join(repoRoot, 'package.json'));
const bundlerPath = requireFromRepo.resolve('@forge/bundler');
const bundler = requireFromRepo('@forge/bundler');
const cliShared = createRequire(bundlerPath)('@forge/cli-shared');
const bundlerVersion = JSON.parse(
  fs.readFileSync(path.join(path.dirname(bundlerPath), '../package.json'), 'utf8'),
).version;

const out = (line) => process.stdout.write(`${line}\n`);
const started = performance.now();

// The CLI's logger is its terminal UI; the bundler calls info/warn/debug on it.
const logger = {
  traceEnabled: false,
  debugEnabled: false,
  trace: () => undefined,
  debug: () => undefined,
  info: (message) => out(`forge-bundle: ${message}`),
  warn: (message) => out(`forge-bundle: warning: ${message}`),
  error: (error) => out(`forge-bundle: error: ${error instanceof Error ? error.message : String(error)}`),
};
// Feature gates the CLI reads from Statsig. Only the opt-in "typescript" bundler and the CDN loader
// ask; this manifest uses neither (the default webpack bundler, the local wrapper provider).
const statsig = {
  isTypescriptBundlerEnabled: async () => false,
  testForgeCliBundleRuntimeLoaderGate: async () => false,
};

function sizeOf(file) {
  return fs.statSync(file).size;
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  process.chdir(repoRoot);
  process.env.FORGE_RUNTIME_PATH = WRAPPER_STAND_IN;

  const fileReader = new cliShared.FileSystemReader();
  const configFile = new cliShared.ConfigFile(fileReader, new cliShared.FileSystemWriter());
  const handlers = await configFile.getAppHandlers();
  const entryPoints = bundler.getEntryPoints(handlers);
  out(
    `forge-bundle: @forge/bundler ${bundlerVersion}; handlers ${handlers.map((h) => `${h.module}.${h.func}`).join(', ')}`,
  );
  out(
    `forge-bundle: entry points ${entryPoints.map((e) => path.relative(repoRoot, e.path)).join(', ')}; tsconfig.json of the app`,
  );

  const nodeBundler = bundler.getNodeBundler(
    logger,
    bundler.getWrapperProvider({ fileSystemReader: fileReader, statsigService: statsig }),
    configFile,
    statsig,
  );
  const { outputDir, additionalOutputs, metadata } = await nodeBundler.bundle({ appDirectory: repoRoot, entryPoints });

  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.cpSync(outputDir, outDir, { recursive: true });
  fs.rmSync(outputDir, { recursive: true, force: true });
  for (const [name, content] of additionalOutputs ?? []) {
    fs.mkdirSync(path.dirname(path.join(outDir, name)), { recursive: true });
    fs.writeFileSync(path.join(outDir, name), content);
  }
  // As the CLI's RuntimeBundler.packageDependencies: the parsed manifest, then the dependency files.
  fs.writeFileSync(path.join(outDir, cliShared.manifestFileName), JSON.stringify(await configFile.readConfig()));
  for (const name of cliShared.dependencyFileNames) {
    if (fs.existsSync(name)) fs.copyFileSync(name, path.join(outDir, name));
  }

  for (const { module, func } of handlers) {
    if (!fs.existsSync(path.join(outDir, `${module}.cjs`)))
      throw new Error(`the bundle has no ${module}.cjs for handler ${module}.${func}`);
  }
  const files = fs
    .readdirSync(outDir, { recursive: true })
    .filter((name) => fs.statSync(path.join(outDir, name)).isFile());
  const code = files.filter((name) => name.endsWith('.cjs'));
  const codeBytes = code.reduce((sum, name) => sum + sizeOf(path.join(outDir, name)), 0);
  const totalBytes = files.reduce((sum, name) => sum + sizeOf(path.join(outDir, name)), 0);
  for (const name of files.sort())
    out(`forge-bundle:   ${name.padEnd(32)} ${kib(sizeOf(path.join(outDir, name))).padStart(12)}`);
  out(`forge-bundle: node modules bundled: ${(metadata?.modules ?? []).join(', ') || '(none)'}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out(
    `forge-bundle: OK, code ${kib(codeBytes)} (${code.length} .cjs files), archive contents ${kib(totalBytes)} in ${path.relative(repoRoot, outDir)}/, ${seconds} s`,
  );
}

main().catch((error) => {
  process.stderr.write(
    `forge-bundle: FAILED, the bundle cannot be built as forge deploy would build it:\n${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
