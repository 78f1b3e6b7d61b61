/**
 * Runs the shipped workflow's shell steps, as Actions would, against a local git repository with a
 * bare "origin" and a stand-in `kosli` that refuses fingerprints starting with "dead". Checks that
 * the inputs are validated, that the Kosli assertion comes before any tag move, and that tags move
 * (forward or back) only when every artifact is good.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDeployInputs, type DeployArtifact } from '../../src/github/deploy-inputs';
import { aDeployRequest, deployWorkflowYaml } from './helpers';

const available = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const steps =
  z
    .object({
      jobs: z.record(
        z.string(),
        z.object({ steps: z.array(z.object({ name: z.string().optional(), run: z.string().optional() })) }),
      ),
    })
    .parse(parse(deployWorkflowYaml()))
    .jobs.deploy?.steps.filter((step) => step.run !== undefined) ?? [];

let dir: string;
let work: string;
let commits: string[];
const FP = 'f'.repeat(64);

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: work,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function remoteTags(): Record<string, string> {
  const lines = execFileSync('git', ['ls-remote', '--tags', join(dir, 'origin.git')], { encoding: 'utf8' }).trim();
  return Object.fromEntries(
    lines === ''
      ? []
      : lines.split('\n').map((line) => {
          const [sha = '', ref = ''] = line.split('\t');
          return [ref.replace('refs/tags/', ''), sha];
        }),
  );
}

/** Runs the steps in order, stopping at the first failure; returns the exit code and the output. */
function runWorkflow(inputs: Record<string, string>): { code: number; output: string } {
  const env = {
    PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    KOSLI_ORG: 'acme',
    KOSLI_API_TOKEN: 'kosli-token',
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`IN_${name.toUpperCase()}`, value])),
  };
  let output = '';
  for (const step of steps) {
    const result = spawnSync('bash', ['-e', '-c', step.run ?? ''], { cwd: work, env, encoding: 'utf8' });
    output += `${result.stdout}${result.stderr}`;
    if (result.status !== 0) return { code: result.status ?? 1, output };
  }
  return { code: 0, output };
}

function inputsFor(artifacts: DeployArtifact[], overrides: Record<string, string> = {}): Record<string, string> {
  return { ...buildDeployInputs(aDeployRequest({ artifacts })), kosli_environment: 'prod-env', ...overrides };
}

describe.skipIf(!available('jq') || !available('git') || !available('bash'))('the deploy workflow’s scripts', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-workflow-'));
    work = join(dir, 'work');
    execFileSync('git', ['init', '-q', '--bare', join(dir, 'origin.git')]);
    execFileSync('git', ['clone', '-q', join(dir, 'origin.git'), work], { stdio: 'ignore' });
    commits = ['one', 'two'].map((content) => {
      writeFileSync(join(work, 'content.txt'), content);
      git('add', 'content.txt');
      git('commit', '-q', '-m', content);
      return git('rev-parse', 'HEAD');
    });
    git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    mkdirSync(join(dir, 'bin'));
    const kosli = join(dir, 'bin', 'kosli');
    writeFileSync(
      kosli,
      '#!/usr/bin/env bash\necho "kosli $*" >> "$RUNNER_TEMP/kosli.log"\n[[ "$*" != *"--fingerprint dead"* ]]\n',
    );
    chmodSync(kosli, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('asserts each artifact against the Kosli environment, then moves the tags', () => {
    const [one = '', two = ''] = commits;
    const result = runWorkflow(
      inputsFor([
        { app: 'backend', commit: one, fingerprint: FP },
        { app: 'frontend', commit: two, fingerprint: FP },
      ]),
    );
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(dir, 'kosli.log'), 'utf8')).toContain(
      `kosli assert artifact --fingerprint ${FP} --environment prod-env`,
    );
    expect(remoteTags()).toMatchObject({ 'running-prod-backend': one, 'running-prod-frontend': two });
  });

  it('moves a tag backwards too (a rollback is a deploy)', () => {
    const [one = '', two = ''] = commits;
    expect(runWorkflow(inputsFor([{ app: 'backend', commit: two, fingerprint: FP }])).code).toBe(0);
    expect(runWorkflow(inputsFor([{ app: 'backend', commit: one, fingerprint: FP }])).code).toBe(0);
    expect(remoteTags()['running-prod-backend']).toBe(one);
  });

  it('moves nothing when Kosli refuses an artifact', () => {
    const [one = '', two = ''] = commits;
    const before = remoteTags();
    const result = runWorkflow(
      inputsFor([
        { app: 'backend', commit: two, fingerprint: FP },
        { app: 'frontend', commit: one, fingerprint: `dead${'f'.repeat(60)}` },
      ]),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('frontend is not allowed in prod-env');
    expect(remoteTags()).toEqual(before);
  });

  it('moves nothing when one commit is unknown', () => {
    const [one = ''] = commits;
    const before = remoteTags();
    const result = runWorkflow(
      inputsFor(
        [
          { app: 'backend', commit: one, fingerprint: FP },
          { app: 'frontend', commit: 'e'.repeat(40), fingerprint: FP },
        ],
        { environment: 'staging' },
      ),
    );
    expect(result.code).not.toBe(0);
    expect(remoteTags()).toEqual(before);
  });

  it.each([
    ['artifacts that are not JSON', { artifacts: 'not json' }],
    ['an empty artifact list', { artifacts: '[]' }],
    [
      'an app name that smuggles a command',
      { artifacts: JSON.stringify([{ app: 'x;touch pwned', commit: 'a'.repeat(40), fingerprint: FP }]) },
    ],
    [
      'a short fingerprint',
      { artifacts: JSON.stringify([{ app: 'backend', commit: 'a'.repeat(40), fingerprint: 'abc' }]) },
    ],
    ['an unknown environment', { environment: 'qa' }],
    ['a tag pattern without {app}', { tag_pattern: 'running-{env}' }],
    ['a request id with spaces', { request_id: 'a b c d e f g h' }],
  ])('refuses %s before calling Kosli', (_label, overrides) => {
    rmSync(join(dir, 'kosli.log'), { force: true });
    const result = runWorkflow(inputsFor([{ app: 'backend', commit: commits[0] ?? '', fingerprint: FP }], overrides));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('::error::');
    expect(() => readFileSync(join(dir, 'kosli.log'))).toThrow();
  });
});
