#!/usr/bin/env node
// Offline equivalent of `forge lint` (which needs an Atlassian login): runs @forge/lint's client-side
// linters over src/ with the manifest. On top of the manifest checks they verify that every
// `requestJira` route has its OAuth scope, every literal `fetch` URL is in the egress list, handlers
// exist, and `timeoutSeconds` sits only on scheduledTrigger/consumer functions.
//
// The permission linter normally downloads Atlassian's OpenAPI documents; we feed it the real Jira
// platform document vendored in reference/jira, the Deployments operations of Jira Software from
// reference/jira/jira-software-deployments-openapi.json (empty stubs for the products we do not call). Because
// that linter silently skips routes it cannot find or read, this script also reports:
//   - every requestJira call it matched to a Jira REST operation, with the scopes that operation needs;
//   - routes that are not in the Jira document (an error: likely a typo, and unchecked otherwise);
//   - requestJira calls whose route or method is not a literal, so their scope cannot be checked (warning);
//   - a linter that crashed (an error: @forge/lint logs a one-line warning and drops ALL of that
//     linter's findings, for every file), and the call names known to crash the permission linter.
//
// Usage: node scripts/forge-lint-offline.mjs [projectDir]   (projectDir holds manifest.yml and src/)
// Exit: 0 clean, 1 on lint errors, 2 when the check could not run.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import forgeLint from '@forge/lint';
import yaml from 'yaml';

const { lint, getClientSideLintersOnly, parseSourceFile, reportLintResults, problemCount } = forgeLint;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const projectDir = path.resolve(process.argv[2] ?? '.');
const SOURCE_EXTENSIONS = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
const REQUEST_PRODUCT = /^request(Jira|Confluence|Bitbucket)$/;
// @forge/lint's own pattern is unanchored: calling any function whose name merely contains
// `requestJira` (say `jiraTransportAsUser()`) throws "Unknown product" inside the permission linter.
const CRASHES_PERMISSION_LINTER = /request(Jira|Confluence|Bitbucket)/;

const started = performance.now();

// Five of the linters each build a @forge/manifest validator that compiles the same 2.3 MB manifest
// schema with ajv (2–4 s each). The compiled function is pure and identical, so compile it once.
function shareSchemaCompilation() {
  const requireFromManifest = createRequire(createRequire(import.meta.url).resolve('@forge/manifest'));
  const Ajv = requireFromManifest('ajv').default;
  const compile = Ajv.prototype.compile;
  const compiled = new Map();
  Ajv.prototype.compile = function compileOnce(schema, meta) {
    const { allErrors, verbose, strict } = this.opts;
    const key = JSON.stringify([allErrors, verbose, strict, schema]);
    if (!compiled.has(key)) compiled.set(key, compile.call(this, schema, meta));
    return compiled.get(key);
  };
}

const out = (line) => process.stdout.write(`${line}\n`);
const fail = (message) => {
  process.stderr.write(`forge-lint-offline: ${message}\n`);
  process.exit(2);
};

function jiraSpecPath() {
  const candidate = process.env.LOCAL_JIRA_SWAGGER
    ? path.resolve(process.env.LOCAL_JIRA_SWAGGER)
    : path.resolve(repoRoot, 'reference/jira/jira-platform-openapi-v3.json');
  if (!fs.existsSync(candidate)) {
    fail(
      `the Jira OpenAPI document is missing at ${candidate}.\n` +
        'The scope check needs the real document: restore reference/jira/jira-platform-openapi-v3.json ' +
        '(reference/README.md says where it comes from) or set LOCAL_JIRA_SWAGGER to its path.',
    );
  }
  return candidate;
}

function useLocalSpecs(jiraSpec) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-lint-specs-'));
  const empty = path.join(dir, 'empty.json');
  fs.writeFileSync(empty, JSON.stringify({ paths: {} }));
  Object.assign(process.env, {
    USE_LOCAL_SWAGGER: '1',
    LOCAL_JIRA_SWAGGER: jiraSpec,
    LOCAL_JSM_SWAGGER: empty,
    // Jira Software: only its Deployments operations, which the app calls (devops:deploymentInfoProvider).
    LOCAL_JSW_SWAGGER: path.join(repoRoot, 'reference/jira/jira-software-deployments-openapi.json'),
    LOCAL_CONF_SWAGGER: empty,
    LOCAL_CONF_V2_SWAGGER: empty,
    LOCAL_BB_SWAGGER: empty,
  });
  return dir;
}

const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full);
    return SOURCE_EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });

const calleeName = (node) => {
  if (node.type !== 'CallExpression') return undefined;
  if (node.callee.type === 'Identifier') return node.callee.name;
  if (node.callee.type === 'MemberExpression' && node.callee.property.type === 'Identifier') {
    return node.callee.property.name;
  }
  return undefined;
};

// Mirrors what @forge/lint's ProductNodeVisitor can read: a literal or template route, no options or an
// object literal, and a string-literal `method` when one is given (anything else is checked as GET).
function unreadableReason(call) {
  const [route, options] = call.arguments;
  if (!route) return 'no route argument';
  if (!['Literal', 'TemplateLiteral', 'TaggedTemplateExpression'].includes(route.type)) {
    return 'the route is not a literal or template';
  }
  if (!options) return undefined;
  if (options.type !== 'ObjectExpression') return 'the options are not an object literal';
  const method = options.properties.find(
    (p) => p.type === 'Property' && p.key.type === 'Identifier' && p.key.name === 'method',
  );
  if (method && !(method.value.type === 'Literal' && typeof method.value.value === 'string')) {
    return 'the method is not a string literal (the linter would check it as GET)';
  }
  return undefined;
}

const rel = (file) => path.relative(projectDir, path.resolve(projectDir, file));

async function main() {
  const jiraSpec = jiraSpecPath();
  shareSchemaCompilation();
  const specDir = useLocalSpecs(jiraSpec);
  process.chdir(projectDir);

  const manifestFile = path.join(projectDir, 'manifest.yml');
  if (!fs.existsSync(manifestFile)) fail(`no manifest.yml in ${projectDir}`);
  const manifest = yaml.parse(fs.readFileSync(manifestFile, 'utf8'));
  const srcDir = path.join(projectDir, 'src');
  if (!fs.existsSync(srcDir)) fail(`no src/ folder in ${projectDir}`);
  const files = walk('src');

  const logger = { info: (...args) => out(args.join(' ')) };
  // The only StatsigService method the client-side linters call.
  const statsig = { getDeprecatedRuntimes: async () => [] };
  const linters = await getClientSideLintersOnly(manifest, 'development', logger, statsig);
  const permissionLinter = linters.find((l) => l.constructor.name === 'PermissionLinter');
  if (!permissionLinter) fail('@forge/lint no longer has a PermissionLinter; update this script');

  // A linter that throws is reported by @forge/lint as a warning and contributes no findings at all.
  const crashed = [];
  for (const linter of linters) {
    const run = linter.batchExecuteImpl.bind(linter);
    linter.batchExecuteImpl = async (inputs) => {
      try {
        return await run(inputs);
      } catch (error) {
        crashed.push({
          linter: linter.constructor.name,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    };
  }

  const parsed = [];
  const unreadable = [];
  const crashingNames = [];
  const parseFunction = async (filepath, parser) => {
    const input = await parseSourceFile(filepath, parser);
    parsed.push(filepath);
    input.ast.traverse({
      enter: (node) => {
        const name = calleeName(node);
        if (!name || !CRASHES_PERMISSION_LINTER.test(name)) return;
        if (!REQUEST_PRODUCT.test(name)) {
          crashingNames.push({ file: filepath, line: node.loc.start.line, name });
          return;
        }
        const reason = unreadableReason(node);
        if (reason) unreadable.push({ file: filepath, line: node.loc.start.line, name, reason });
      },
    });
    return input;
  };

  let results;
  try {
    results = await lint(files, manifest, 'development', logger, statsig, {
      linter: { mode: 'client-side' },
      linters,
      parseFunction,
    });
  } finally {
    fs.rmSync(specDir, { recursive: true, force: true });
  }
  let { errors, warnings } = problemCount(results);
  // Its "No issues found." would read oddly above the findings of this script.
  if (errors + warnings > 0) reportLintResults(logger, results, false);

  // .ts files outside tsconfig.json's `include` are skipped silently by @forge/lint (a non-glob
  // include such as ["src"] skips them all), which would make every source check pass vacuously.
  const skipped = files.filter((f) => !parsed.includes(f));
  for (const f of skipped) {
    out(`error ${rel(f)}: not linted: tsconfig.json "include" does not cover it (use a glob such as "src/**/*")`);
  }
  errors += skipped.length;

  for (const c of crashed) {
    out(`error ${c.linter} crashed ("${c.message}"): none of its checks ran, so this lint proves nothing about them`);
  }
  for (const c of crashingNames) {
    out(
      `error ${rel(c.file)}:${c.line}: calling \`${c.name}\` crashes @forge/lint's permission linter (it treats any name containing "requestJira", "requestConfluence" or "requestBitbucket" as a product call): rename it`,
    );
  }
  errors += crashed.length + crashingNames.length;

  // What the permission linter saw: each requestJira call matched to an operation of the real document.
  const jiraPaths = permissionLinter.jira;
  const matched = [];
  for (const [file, byKind] of permissionLinter.matches) {
    for (const call of byKind.jira) {
      const pathOnly = call.path.replace(/\?.+$/, '');
      const method = call.method.toLowerCase();
      const hit = [...jiraPaths.entries()].find(([regex]) => regex.test(pathOnly));
      const where = `${rel(file)}:${call.line}`;
      if (!hit || !hit[1].methods[method]) {
        const shown = pathOnly.replaceAll('\\S*', '${…}');
        out(
          `error ${where}: ${method.toUpperCase()} ${shown} is not an operation of the Jira REST API document, so its scope cannot be checked`,
        );
        errors += 1;
        continue;
      }
      const scopes = (hit[1].methods[method]['x-atlassian-oauth2-scopes'] ?? [])
        .filter((s) => s.state === 'Current')
        .flatMap((s) => s.scopes);
      matched.push({ where, route: `${method.toUpperCase()} ${hit[1].originalPath}`, scopes });
    }
  }
  for (const m of matched) out(`info  ${m.where}: ${m.route} needs ${m.scopes.join(', ') || '(no scope)'}`);
  for (const u of unreadable) {
    out(`warning ${rel(u.file)}:${u.line}: ${u.name} call not checked for scopes: ${u.reason}`);
  }
  warnings += unreadable.length;

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out(`forge-lint-offline: linted ${parsed.length} of ${files.length} source file(s) against ${jiraSpec}`);
  out(`forge-lint-offline: ${matched.length} requestJira route(s) matched to scopes, ${unreadable.length} unreadable`);
  out(`forge-lint-offline: ${errors ? 'FAILED' : 'OK'}, ${errors} error(s), ${warnings} warning(s) in ${seconds} s`);
  process.exit(errors ? 1 : 0);
}

main().catch((error) => fail(`the linter crashed: ${error instanceof Error ? error.stack : String(error)}`));
