/**
 * The two offline manifest checks (`npm run check:manifest`, `npm run lint:forge`) pass on the real
 * manifest and source, and fail on a broken manifest for each kind of mistake they exist to catch.
 * The linter takes 15–25 s per run on an idle 2-core machine, so all runs start together and each
 * test awaits its own.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  edit,
  fixtureCalls,
  fixtureIndex,
  makeProject,
  realManifest,
  repoRoot,
  runScript,
  type RunResult,
} from './fixture-project';

// Generous: three linters and two validators share the CPU with the other test files.
const SLOW = 300_000;

// Spelled in pieces so that a repository-wide rename of such names in src/ leaves this fixture alone.
const CRASHING_NAME = ['request', 'Jira', 'AsApp'].join('');

const manifestPermissions = z.object({ permissions: z.object({ scopes: z.array(z.string()) }) });

const brokenManifest = (): string => {
  let text = realManifest();
  text = edit(
    text,
    '  jira:adminPage:\n',
    '  jira:versionPanel:\n    - key: version-panel\n      title: Release\n      resource: panel\n  jira:adminPage:\n',
  );
  text = edit(text, '    - manage:jira-project\n', '');
  text = edit(text, '        - address: https://api.github.com\n', '');
  text = edit(text, '        - address: https://app.us.kosli.com\n', '        - https://app.us.kosli.com\n');
  return text;
};

let realProject = '';
let brokenProject = '';
let crashingProject = '';
let runs: Record<'realValidate' | 'realLint' | 'brokenValidate' | 'brokenLint' | 'crashingLint', Promise<RunResult>>;

beforeAll(() => {
  realProject = makeProject(
    { 'manifest.yml': realManifest(), 'tsconfig.json': fs.readFileSync(`${repoRoot}/tsconfig.json`, 'utf8') },
    ['src'],
  );
  brokenProject = makeProject({
    'manifest.yml': brokenManifest(),
    'src/index.ts': fixtureIndex,
    'src/calls.ts': fixtureCalls,
    'src/extra/outside-include.ts': 'export const outside = 1;\n',
    // A non-recursive include: @forge/lint would skip src/extra/ without a word.
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ['src/*.ts'] }),
  });
  // @forge/lint's permission linter throws on any call whose name contains "requestJira" and then
  // drops every finding it had; a lint that only warns about that proves nothing.
  crashingProject = makeProject({
    'manifest.yml': realManifest(),
    'src/index.ts': fixtureIndex,
    'src/seam.ts': `import api from '@forge/api';
export const ${CRASHING_NAME} = () => api.asApp().requestJira;
export const jira = ${CRASHING_NAME}();
`,
  });
  runs = {
    realValidate: runScript('validate-manifest.mjs', ['manifest.yml'], realProject),
    realLint: runScript('forge-lint-offline.mjs', [], realProject),
    brokenValidate: runScript('validate-manifest.mjs', [`${brokenProject}/manifest.yml`], repoRoot),
    brokenLint: runScript('forge-lint-offline.mjs', [brokenProject], repoRoot),
    crashingLint: runScript('forge-lint-offline.mjs', [crashingProject], repoRoot),
  };
});

afterAll(async () => {
  await Promise.all(Object.values(runs ?? {}));
  for (const dir of [realProject, brokenProject, crashingProject])
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, SLOW);

const explain = (run: RunResult): string => `exit ${run.code} after ${run.seconds.toFixed(1)} s\n${run.output}`;

describe('the real manifest', () => {
  it('passes @forge/manifest FULL validation', { timeout: SLOW }, async () => {
    const run = await runs.realValidate;
    expect(run.code, explain(run)).toBe(0);
    expect(run.output).toContain('validate-manifest: OK, 0 error(s)');
  });

  it('passes the offline forge lint, which sees the Jira calls of src/', { timeout: SLOW }, async () => {
    const run = await runs.realLint;
    expect(run.code, explain(run)).toBe(0);
    const matched = Number(/(\d+) requestJira route\(s\) matched to scopes/.exec(run.output)?.[1] ?? 0);
    expect(matched, explain(run)).toBeGreaterThan(0);
    expect(run.output).not.toMatch(/linted 0 of/);
  });

  it('asks for no Jira scope that no call of src/ needs', { timeout: SLOW }, async () => {
    const run = await runs.realLint;
    const needed = new Set(
      [...run.output.matchAll(/^info\s+\S+: [A-Z]+ \S+ needs (.+)$/gm)].flatMap((m) => (m[1] ?? '').split(', ')),
    );
    const { scopes } = manifestPermissions.parse(parse(realManifest())).permissions;
    // storage:app is for @forge/kvs, which no REST route reveals.
    const jiraScopes = scopes.filter((s) => s !== 'storage:app').sort();
    expect(jiraScopes, explain(run)).toEqual([...needed].sort());
  });
});

describe('a broken manifest', () => {
  it(
    'fails @forge/manifest validation on an unknown module and a plain-string egress entry',
    { timeout: SLOW },
    async () => {
      const run = await runs.brokenValidate;
      expect(run.code, explain(run)).toBe(1);
      expect(run.output).toContain("invalid value 'jira:versionPanel' in modules");
      expect(run.output).toContain("deprecated egress permission entries for 'fetch.backend'");
    },
  );

  it(
    'fails the offline forge lint on the unknown module, the missing scope and the missing egress',
    { timeout: SLOW },
    async () => {
      const run = await runs.brokenLint;
      expect(run.code, explain(run)).toBe(1);
      expect(run.output).toContain("invalid value 'jira:versionPanel' in modules");
      expect(run.output).toContain('Jira endpoint: POST /rest/api/3/version requires "manage:jira-project" scope');
      expect(run.output).toMatch(
        /The domain https:\/\/api\.github\.com\/repos\/acme\/shop\/actions\/workflows is not included in the "permissions\.external\.fetch" section/,
      );
    },
  );

  it(
    'also fails on routes the plain linter would skip, and names the calls it cannot read',
    { timeout: SLOW },
    async () => {
      const run = await runs.brokenLint;
      expect(run.output).toContain('GET /rest/api/3/verzion/${…} is not an operation of the Jira REST API document');
      expect(run.output).toMatch(
        /src\/extra\/outside-include\.ts: not linted: tsconfig\.json "include" does not cover it/,
      );
      expect(run.output).toMatch(
        /warning src\/calls\.ts:\d+: requestJira call not checked for scopes: the route is not a literal/,
      );
      expect(run.output).toContain('1 requestJira route(s) matched to scopes, 1 unreadable');
    },
  );

  it('fails when a linter crashes instead of passing with its checks dropped', { timeout: SLOW }, async () => {
    const run = await runs.crashingLint;
    expect(run.code, explain(run)).toBe(1);
    expect(run.output).toContain('PermissionLinter crashed ("Unknown product")');
    expect(run.output).toContain(`src/seam.ts:3: calling \`${CRASHING_NAME}\` crashes @forge/lint's permission linter`);
  });
});
