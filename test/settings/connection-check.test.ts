/**
 * "Check connection" and "Set up Kosli" through the real pipeline, one fresh world per test: every
 * failure the fakes can produce gets its own specific answer, and one failing check never hides
 * the others.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVERY_PROJECT } from '../../sandbox/fakes/jira/world';
import { APPROVAL_JIRA_RULES } from '../../src/release/attestations';
import { GITHUB_TOKEN, KOSLI_TOKEN, PROJECT, aConfig, seedEverything, startTestWorld, type TestWorld } from './support';

const checksSchema = z.object({
  checks: z.array(z.object({ id: z.string(), label: z.string(), ok: z.boolean(), message: z.string() })),
});
const stepsSchema = z.object({ steps: checksSchema.shape.checks });

let world: TestWorld;

beforeEach(async () => {
  world = await startTestWorld();
});

afterEach(async () => {
  const everything = JSON.stringify(world.responses);
  expect(everything).not.toContain(KOSLI_TOKEN);
  expect(everything).not.toContain(GITHUB_TOKEN);
  await world.close();
});

/** Runs the check as the admin; returns the failing checks by id (message) and the passing ids. */
async function check(projectKey = PROJECT) {
  const result = await world.invoke(world.people.admin, 'settings/check', { projectKey });
  if (!result.ok) throw new Error(`settings/check failed: ${result.error.message}`);
  const { checks } = checksSchema.parse(result.data);
  return {
    checks,
    failing: Object.fromEntries(checks.filter((c) => !c.ok).map((c) => [c.id, c.message])),
    passing: checks.filter((c) => c.ok).map((c) => c.id),
  };
}

const ALL_IDS = [
  'kosli.token',
  'kosli.org',
  'kosli.environments.dev',
  'kosli.environments.staging',
  'kosli.environments.prod',
  'kosli.sourceFlow',
  'kosli.releaseFlow',
  'kosli.apps.0.buildFlow',
  'kosli.apps.1.buildFlow',
  'github.token',
  'github.repo',
  'github.workflow.staging-prod',
  'github.dispatch',
  'jira.project',
  'jira.versions',
];

describe('settings/check', () => {
  it('passes every check when everything the settings name exists', async () => {
    seedEverything(world);
    await world.configure();
    const { checks, failing } = await check();
    expect(failing).toEqual({});
    expect(checks.map((c) => c.id)).toEqual(ALL_IDS);
    expect(checks.find((c) => c.id === 'kosli.token')?.message).toMatch(
      /^The Kosli API token was entered in the settings \(\d{4}-\d{2}-\d{2}T/,
    );
  });

  it('needs saved settings first', async () => {
    const result = await world.invoke(world.people.admin, 'settings/check', { projectKey: PROJECT });
    expect(result).toEqual({
      ok: false,
      error: { code: 'NOT_CONFIGURED', message: 'Save the settings for OPS first: this uses the saved settings.' },
    });
  });

  it('says which tokens are missing, and still checks Jira', async () => {
    seedEverything(world);
    await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config: aConfig() });
    const { failing, passing } = await check();
    expect(failing['kosli.token']).toMatch(/Kosli API token is not set.*KOSLI_API_TOKEN/);
    expect(failing['github.token']).toMatch(/GitHub token is not set.*GITHUB_TOKEN/);
    expect(failing['kosli.environments.dev']).toBe('Not checked: the Kosli API token is not set.');
    expect(failing['github.repo']).toBe('Not checked: the GitHub token is not set.');
    expect(passing).toEqual(['jira.project', 'jira.versions']);
  });

  it('says Kosli rejected the token (401) on every Kosli check, and GitHub still passes', async () => {
    seedEverything(world);
    await world.configure();
    world.kosli.world.token = 'rotated-token';
    const { failing, passing } = await check();
    expect(failing['kosli.org']).toBe('Kosli rejected the token (401): set a valid Kosli API token.');
    expect(failing['kosli.environments.prod']).toBe('Kosli rejected the token (401): set a valid Kosli API token.');
    expect(failing['kosli.sourceFlow']).toBe('Kosli rejected the token (401): set a valid Kosli API token.');
    expect(passing).toEqual(expect.arrayContaining(['kosli.token', 'github.repo', 'github.dispatch', 'jira.project']));
  });

  it('says the token has no access to an org it does not belong to (403)', async () => {
    seedEverything(world);
    await world.configure(aConfig({ kosli: { org: 'someone-else' } }));
    const { failing } = await check();
    expect(failing['kosli.org']).toBe(
      "The token has no access to Kosli org 'someone-else' (403): check the org name and the token's org.",
    );
  });

  it('says a custom Kosli host needs an egress entry in the manifest and a redeploy', async () => {
    seedEverything(world);
    await world.configure(aConfig({ kosli: { host: 'https://kosli.internal.example' } }));
    const { failing } = await check();
    expect(failing['kosli.org']).toContain(
      'must be added to manifest.yml (permissions.external.fetch.backend: - address: https://kosli.internal.example)',
    );
    expect(failing['jira.project']).toBeUndefined();
  });

  it('names a missing environment', async () => {
    seedEverything(world);
    const config = aConfig({
      kosli: {
        environments: {
          dev: 'jira-integration-example-dev',
          staging: 'staging-typo',
          prod: 'jira-integration-example-prod',
        },
      },
    });
    await world.configure(config);
    const { failing } = await check();
    expect(failing).toEqual({
      'kosli.environments.staging':
        "Environment 'staging-typo' is missing in Kosli org 'acme': create it or fix the staging environment name.",
    });
  });

  it('names a missing source flow, release flow and build flow', async () => {
    seedEverything(world);
    const base = aConfig();
    const config = aConfig({
      kosli: { sourceFlow: 'no-source', releaseFlow: 'no-release' },
      apps: [
        base.apps[0] ?? { name: 'backend', path: 'apps/backend', buildFlow: 'b', templateName: 'backend' },
        { name: 'frontend', path: 'apps/frontend', buildFlow: 'no-build', templateName: 'frontend' },
      ],
    });
    await world.configure(config);
    const { failing } = await check();
    expect(failing).toEqual({
      'kosli.sourceFlow': `Flow 'no-source' is missing in Kosli org 'acme': create it or fix "Source flow".`,
      'kosli.releaseFlow': `Flow 'no-release' is missing in Kosli org 'acme': create it ("Set up Kosli" creates it) or fix "Release flow".`,
      'kosli.apps.1.buildFlow': `Flow 'no-build' is missing in Kosli org 'acme': create it or fix "Build flow of frontend".`,
    });
  });

  it('says GitHub rejected the token (401)', async () => {
    seedEverything(world);
    await world.configure();
    world.github.world.token = 'another-token';
    const { failing } = await check();
    expect(failing['github.repo']).toBe('GitHub rejected the token (401): set a valid GitHub token.');
    expect(failing['github.dispatch']).toBe('GitHub rejected the token (401): set a valid GitHub token.');
    expect(Object.keys(failing).every((id) => id.startsWith('github.'))).toBe(true);
  });

  it('names a missing repository', async () => {
    seedEverything(world);
    await world.configure(aConfig({ github: { repo: 'no-such-repo' } }));
    const { failing } = await check();
    expect(failing['github.repo']).toBe(
      'Repository acme/no-such-repo was not found (or the token cannot see it): check owner and repository.',
    );
    expect(failing['github.workflow.staging-prod']).toMatch(
      /^Workflow kosli-release-gate-deploy\.yml was not found in acme\/no-such-repo/,
    );
    expect(failing['github.dispatch']).toMatch(/^Could not check the token's permissions/);
  });

  it('names a missing workflow, checking staging and prod separately when they differ', async () => {
    seedEverything(world);
    await world.configure(aConfig({ github: { prodWorkflow: 'release-prod.yml' } }));
    const { failing, passing } = await check();
    expect(failing).toEqual({
      'github.workflow.prod':
        'Workflow release-prod.yml was not found in acme/shop, or it is disabled: add it to .github/workflows or fix the prod workflow file name.',
    });
    expect(passing).toContain('github.workflow.staging');
  });

  it('says when the token may not dispatch workflows', async () => {
    seedEverything(world);
    await world.configure();
    world.github.world.permissions = { admin: false, maintain: false, push: false, triage: false, pull: true };
    const { failing } = await check();
    expect(failing).toEqual({
      'github.dispatch':
        'The token may not dispatch workflows in acme/shop: it needs write access (Actions: write, or the "repo" scope).',
    });
  });

  it('says when the Jira project is gone', async () => {
    seedEverything(world);
    // Settings saved earlier for a project since deleted (a save checks that the project exists).
    await world.deps.store.settings.saveConfig('GONE', {
      config: aConfig(),
      savedAt: '2026-01-01T00:00:00.000Z',
      savedBy: world.people.admin,
    });
    const { failing } = await check('GONE');
    expect(failing['jira.project']).toBe('Jira project GONE was not found, or the app cannot browse it.');
    expect(failing['jira.versions']).toBe('Jira project GONE was not found.');
  });

  it('says when the app may not manage versions', async () => {
    seedEverything(world);
    await world.configure();
    world.jira.world.revokePermission(world.jira.world.appAccountId, EVERY_PROJECT, 'ADMINISTER_PROJECTS');
    const { failing } = await check();
    expect(failing).toEqual({ 'jira.versions': expect.stringMatching(/^The app lacks "Administer Projects" in OPS/) });
  });

  it('runs the checks in parallel', async () => {
    seedEverything(world);
    await world.configure();
    world.kosli.service.setLatency('*', 150);
    world.github.service.setLatency('*', 150);
    const started = Date.now();
    await check();
    // 12 upstream checks at 150 ms each would take 1.8 s one after another.
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe('settings/setup-kosli', () => {
  it('creates the attestation types and the release flow, and running it again is harmless', async () => {
    await world.configure();
    for (let run = 1; run <= 2; run++) {
      const result = await world.invoke(world.people.admin, 'settings/setup-kosli', { projectKey: PROJECT });
      if (!result.ok) throw new Error(result.error.message);
      const { steps } = stepsSchema.parse(result.data);
      expect(steps.map((s) => [s.id, s.ok])).toEqual([
        ['kosli.type.approval-jira', true],
        ['kosli.type.running-sw', true],
        ['kosli.releaseFlow', true],
      ]);
    }
    expect(world.kosli.world.customType('approval-jira')).toMatchObject({ rules: APPROVAL_JIRA_RULES });
    expect(world.kosli.world.customType('running-sw')).toBeDefined();
    expect(world.kosli.world.flowJson('jira-example-release')).toMatchObject({
      template: {
        trail: {
          attestations: expect.arrayContaining([
            expect.objectContaining({ name: 'release-approval', type: 'custom:approval-jira' }),
          ]),
        },
      },
    });
    // Now the release flow check passes.
    seedEverything(world, aConfig({ kosli: { releaseFlow: 'unused-release' } }));
    expect((await check()).failing).toEqual({});
  });

  it('reports each step failing on a rejected token, without attempting the flow', async () => {
    await world.configure();
    world.kosli.world.token = 'rotated-token';
    const result = await world.invoke(world.people.admin, 'settings/setup-kosli', { projectKey: PROJECT });
    if (!result.ok) throw new Error(result.error.message);
    expect(stepsSchema.parse(result.data).steps).toEqual([
      {
        id: 'kosli.type.approval-jira',
        label: 'Attestation type approval-jira',
        ok: false,
        message: 'Kosli rejected the token (401): set a valid Kosli API token.',
      },
      {
        id: 'kosli.type.running-sw',
        label: 'Attestation type running-sw',
        ok: false,
        message: 'Kosli rejected the token (401): set a valid Kosli API token.',
      },
      {
        id: 'kosli.releaseFlow',
        label: 'Release flow jira-example-release',
        ok: false,
        message: 'Not attempted: the attestation types its template uses could not be created.',
      },
    ]);
  });

  it('needs the Kosli token', async () => {
    await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config: aConfig() });
    const result = await world.invoke(world.people.admin, 'settings/setup-kosli', { projectKey: PROJECT });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NOT_CONFIGURED', message: expect.stringContaining('Kosli API token is not set') },
    });
  });
});
