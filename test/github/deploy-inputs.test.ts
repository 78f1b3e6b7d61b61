import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDeployInputs, DEFAULT_TAG_PATTERN, DEPLOY_INPUT_NAMES } from '../../src/github/deploy-inputs';
import { tagName } from '../../src/release/config';
import { AppError } from '../../src/errors';
import {
  aDeployRequest,
  DEPLOY_WORKFLOW,
  deployWorkflowYaml,
  type GitHubHarness,
  seedCommits,
  startGitHub,
} from './helpers';

const workflowSchema = z.object({
  'run-name': z.string(),
  on: z.object({
    workflow_dispatch: z.object({
      inputs: z.record(
        z.string(),
        z.object({
          required: z.boolean(),
          type: z.string(),
          default: z.string().optional(),
          options: z.array(z.string()).optional(),
        }),
      ),
    }),
  }),
  permissions: z.record(z.string(), z.string()),
  jobs: z.record(
    z.string(),
    z.object({
      steps: z.array(
        z.object({ name: z.string().optional(), uses: z.string().optional(), run: z.string().optional() }),
      ),
    }),
  ),
});

describe('the shipped deploy workflow', () => {
  const workflow = workflowSchema.parse(parse(deployWorkflowYaml()));
  const inputs = workflow.on.workflow_dispatch.inputs;

  it('declares exactly the inputs buildDeployInputs produces', () => {
    const built = buildDeployInputs(aDeployRequest());
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(built).sort());
    expect(Object.keys(inputs)).toEqual([...DEPLOY_INPUT_NAMES]);
  });

  it('requires what the app always sends and defaults the rest', () => {
    expect(inputs.request_id?.required).toBe(true);
    expect(inputs.environment).toMatchObject({ type: 'choice', options: ['staging', 'prod'] });
    expect(inputs.release_id).toMatchObject({ required: false, default: '' });
    expect(inputs.tag_pattern).toMatchObject({ required: false, default: DEFAULT_TAG_PATTERN });
  });

  it('puts the request id in the run name, so a run can be found without a run id', () => {
    expect(workflow['run-name']).toContain('${{ inputs.request_id }}');
  });

  it('asserts with Kosli before it moves any tag, and may write contents', () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const assertAt = steps.findIndex((step) => step.run?.includes('kosli assert artifact'));
    const moveAt = steps.findIndex((step) => step.run?.includes('git push -f origin'));
    expect(steps.some((step) => step.uses?.startsWith('kosli-dev/setup-cli-action@'))).toBe(true);
    expect(assertAt).toBeGreaterThanOrEqual(0);
    expect(moveAt).toBeGreaterThan(assertAt);
    expect(workflow.permissions.contents).toBe('write');
  });

  it('never interpolates inputs into scripts (they come from outside)', () => {
    const scripts = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .map((step) => step.run ?? '');
    for (const script of scripts) expect(script).not.toMatch(/\$\{\{/);
  });
});

describe('buildDeployInputs', () => {
  it('builds string inputs with the artifacts as compact JSON sorted by app', () => {
    const inputs = buildDeployInputs(
      aDeployRequest({
        releaseId: null,
        environment: 'staging',
        artifacts: [
          { app: 'frontend', commit: 'b'.repeat(40), fingerprint: 'c'.repeat(64) },
          { app: 'backend', commit: 'a'.repeat(40), fingerprint: 'f'.repeat(64) },
        ],
      }),
    );
    expect(inputs).toEqual({
      request_id: 'rq-2025-0001-abcdef',
      release_id: '',
      environment: 'staging',
      artifacts: `[{"app":"backend","commit":"${'a'.repeat(40)}","fingerprint":"${'f'.repeat(64)}"},{"app":"frontend","commit":"${'b'.repeat(40)}","fingerprint":"${'c'.repeat(64)}"}]`,
      kosli_environment: 'jira-integration-example-prod',
      tag_pattern: 'running-{env}-{app}',
    });
  });

  it.each([
    ['a short request id', { requestId: 'abc' }],
    ['an uppercase commit', { artifacts: [{ app: 'backend', commit: 'A'.repeat(40), fingerprint: 'f'.repeat(64) }] }],
    ['a short fingerprint', { artifacts: [{ app: 'backend', commit: 'a'.repeat(40), fingerprint: 'f'.repeat(63) }] }],
    [
      'an app name with a space',
      { artifacts: [{ app: 'back end', commit: 'a'.repeat(40), fingerprint: 'f'.repeat(64) }] },
    ],
    ['no artifacts', { artifacts: [] }],
    ['a tag pattern without {app}', { tagPattern: 'running-{env}' }],
    ['a Kosli environment with a slash', { kosliEnvironment: 'a/b' }],
    [
      'the same app twice',
      {
        artifacts: [
          { app: 'x', commit: 'a'.repeat(40), fingerprint: 'f'.repeat(64) },
          { app: 'x', commit: 'b'.repeat(40), fingerprint: 'f'.repeat(64) },
        ],
      },
    ],
  ])('refuses %s', (_label, overrides) => {
    expect(() => buildDeployInputs(aDeployRequest(overrides))).toThrow(AppError);
  });

  it('names tags from the pattern', () => {
    expect(tagName(DEFAULT_TAG_PATTERN, 'prod', 'backend')).toBe('running-prod-backend');
  });
});

describe('the fake GitHub with the shipped workflow', () => {
  let gh: GitHubHarness;
  afterEach(async () => gh.close());

  it('accepts what buildDeployInputs produces and renders the run name with the request id', async () => {
    gh = await startGitHub();
    const [commit] = seedCommits(gh.world, 1);
    const inputs = buildDeployInputs(
      aDeployRequest({ artifacts: [{ app: 'backend', commit: commit ?? '', fingerprint: 'f'.repeat(64) }] }),
    );
    const result = await gh
      .client()
      .dispatchWorkflow({ workflow: DEPLOY_WORKFLOW, ref: 'main', inputs, requestId: inputs.request_id });
    const run = gh.world.runs.find((candidate) => candidate.id === result.runId);
    expect(run?.displayTitle).toBe('Kosli Release Gate: deploy prod 10042 [rq-2025-0001-abcdef]');
    await gh.world.settleRuns();
    expect(gh.world.getRef('tags/running-prod-backend')).toBe(commit);
  });
});
