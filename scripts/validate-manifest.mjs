#!/usr/bin/env node
// Offline manifest check: the same FULL validation the Forge CLI runs (`forge lint` and `forge deploy`
// need an Atlassian login we do not have in CI). It checks the schema, module keys, references between
// modules, handler files and resource folders. Resource paths and handler files are resolved from the
// current directory, so the script runs from the manifest's folder.
//
// Usage: node scripts/validate-manifest.mjs [path/to/manifest.yml]
// Exit: 0 clean, 1 on any error or on a deprecated-egress warning, 2 when the check itself crashed.
import path from 'node:path';
import manifestPkg from '@forge/manifest';

const { ProcessorBuilder, ValidationTypes } = manifestPkg;

const manifestPath = path.resolve(process.argv[2] ?? 'manifest.yml');
process.chdir(path.dirname(manifestPath));

const started = performance.now();
try {
  const result = await ProcessorBuilder.instance()
    .withValidation(ValidationTypes.FULL)
    .build()
    .process(path.basename(manifestPath));
  const problems = result.errors ?? [];
  // Plain-string egress entries still deploy today but are deprecated; we treat them as errors so the
  // manifest stays on the object form (`- address: https://...`).
  const isFatal = (p) => p.level === 'error' || p.metadata?.hasDeprecatedEgressPermissions === true;
  for (const p of problems) {
    const where = `${manifestPath}:${p.line ?? '?'}:${p.column ?? '?'}`;
    process.stdout.write(
      `${isFatal(p) ? 'error' : p.level} ${where} ${p.message}${p.reference ? ` (${p.reference})` : ''}\n`,
    );
  }
  const fatal = problems.filter(isFatal).length;
  const warnings = problems.length - fatal;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = fatal === 0 && result.success !== false;
  process.stdout.write(
    `validate-manifest: ${ok ? 'OK' : 'FAILED'}, ${fatal} error(s), ${warnings} warning(s) in ${seconds} s\n`,
  );
  process.exit(ok ? 0 : 1);
} catch (error) {
  process.stderr.write(
    `validate-manifest: the validator crashed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(2);
}
