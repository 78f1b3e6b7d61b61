/**
 * The settings resolvers through the real pipeline (Forge context → payload validation → service →
 * Result envelope) on the local Forge runtime and the fake Jira: only Jira administrators get in,
 * bad saves change nothing, tokens go in and never come out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProjectConfig, type ProjectConfig } from '../../src/release/config';
import { GITHUB_TOKEN, KOSLI_TOKEN, PROJECT, aConfig, startTestWorld, type TestWorld } from './support';

let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld({ now: '2026-05-04T09:30:00.000Z' });
});

afterAll(async () => {
  // Every response any test in this file received, as the browser got it: no token value anywhere.
  const everything = JSON.stringify(world.responses);
  expect(world.responses.length).toBeGreaterThan(40);
  expect(everything).not.toContain(KOSLI_TOKEN);
  expect(everything).not.toContain(GITHUB_TOKEN);
  await world.close();
});

const storedConfig = () => world.runtime.storage.peek(`config:${PROJECT}`);
const storedSecretMeta = () => [
  world.runtime.storage.peek(`secretmeta:${PROJECT}:kosliToken`),
  world.runtime.storage.peek(`secretmeta:${PROJECT}:githubToken`),
];

describe('settings/get and settings/save', () => {
  it('shows the defaults, unsaved, with no token set, before anything is saved', async () => {
    const result = await world.invoke(world.people.admin, 'settings/get', { projectKey: PROJECT });
    expect(result).toEqual({
      ok: true,
      data: {
        projectKey: PROJECT,
        config: defaultProjectConfig(),
        approvers: [],
        saved: false,
        secrets: {
          kosliToken: { set: false, source: null, updatedAt: null },
          githubToken: { set: false, source: null, updatedAt: null },
        },
      },
    });
  });

  it('lets an admin save and read back, recording who saved and when', async () => {
    const config = aConfig({ kosli: { org: 'acme-eu' } });
    const saved = await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config });
    expect(saved).toMatchObject({ ok: true, data: { projectKey: PROJECT, config, saved: true } });
    expect(await world.invoke(world.people.admin, 'settings/get', { projectKey: PROJECT })).toMatchObject({
      ok: true,
      data: { config, saved: true },
    });
    expect(storedConfig()).toEqual({ config, savedAt: '2026-05-04T09:30:00.000Z', savedBy: world.people.admin });
  });

  it('normalises what it stores (trimmed names, no trailing slash on the host)', async () => {
    const config = aConfig();
    const sloppy = { ...config, kosli: { ...config.kosli, host: 'https://app.us.kosli.com/', org: '  acme ' } };
    const result = await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config: sloppy });
    expect(result).toMatchObject({
      ok: true,
      data: { config: { kosli: { host: 'https://app.us.kosli.com', org: 'acme' } } },
    });
  });

  it('refuses a project that does not exist in Jira, storing nothing', async () => {
    const result = await world.invoke(world.people.admin, 'settings/save', { projectKey: 'NOPE', config: aConfig() });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('no Jira project with the key NOPE') },
    });
    expect(world.runtime.storage.peek('config:NOPE')).toBeUndefined();
  });

  it('answers NOT_FOUND, not the defaults, for a project that does not exist', async () => {
    const result = await world.invoke(world.people.admin, 'settings/get', { projectKey: 'NOPE' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('no Jira project with the key NOPE') },
    });
  });

  it('refuses a payload without a valid project key', async () => {
    const result = await world.invoke(world.people.admin, 'settings/get', { projectKey: 'lower-case' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('only Jira administrators', () => {
  it.each([
    ['settings/get', { projectKey: PROJECT }],
    ['settings/save', { projectKey: PROJECT, config: aConfig({ kosli: { org: 'intruder' } }) }],
    ['settings/secret', { projectKey: PROJECT, name: 'kosliToken', value: 'intruder-token' }],
    ['settings/secret', { projectKey: PROJECT, name: 'githubToken', value: null }],
    ['settings/check', { projectKey: PROJECT }],
    ['settings/setup-kosli', { projectKey: PROJECT }],
  ] as const)('refuses %s to a developer, changing nothing', async (key, payload) => {
    const before = [storedConfig(), ...storedSecretMeta()];
    const result = await world.invoke(world.people.developer, key, payload);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: 'Only Jira administrators can read or change the Kosli Release Gate settings.',
      },
    });
    expect([storedConfig(), ...storedSecretMeta()]).toEqual(before);
  });

  it('shows a developer no part of the configuration', async () => {
    const result = await world.invoke(world.people.developer, 'settings/get', { projectKey: PROJECT });
    expect(JSON.stringify(result)).not.toContain('acme');
  });
});

type Mutation = (config: ProjectConfig) => void;

/** Each invalid input and the field its error is reported on. */
const INVALID: [string, Mutation, string][] = [
  ['Kosli host without https', (c) => void (c.kosli.host = 'http://app.kosli.com'), 'kosli.host'],
  ['Kosli host that is not a URL', (c) => void (c.kosli.host = 'kosli'), 'kosli.host'],
  ['Kosli org with spaces', (c) => void (c.kosli.org = 'my org'), 'kosli.org'],
  ['empty dev environment', (c) => void (c.kosli.environments.dev = ''), 'kosli.environments.dev'],
  [
    'staging environment with a slash',
    (c) => void (c.kosli.environments.staging = 'a/b'),
    'kosli.environments.staging',
  ],
  [
    'prod environment starting with a dash',
    (c) => void (c.kosli.environments.prod = '-prod'),
    'kosli.environments.prod',
  ],
  [
    'the same environment twice',
    (c) => void (c.kosli.environments.prod = c.kosli.environments.staging),
    'kosli.environments',
  ],
  ['source flow with a space', (c) => void (c.kosli.sourceFlow = 'source flow'), 'kosli.sourceFlow'],
  ['empty release flow', (c) => void (c.kosli.releaseFlow = ''), 'kosli.releaseFlow'],
  ['no apps', (c) => void (c.apps = []), 'apps'],
  ['an app name with a space', (c) => void (c.apps[0] && (c.apps[0].name = 'back end')), 'apps.0.name'],
  ['an app without a path', (c) => void (c.apps[0] && (c.apps[0].path = '')), 'apps.0.path'],
  ['an absolute app path', (c) => void (c.apps[1] && (c.apps[1].path = '/apps/frontend')), 'apps.1.path'],
  ['an app path climbing out', (c) => void (c.apps[0] && (c.apps[0].path = 'apps/../secrets')), 'apps.0.path'],
  ['an empty build flow', (c) => void (c.apps[1] && (c.apps[1].buildFlow = '')), 'apps.1.buildFlow'],
  [
    'a template name with a colon',
    (c) => void (c.apps[0] && (c.apps[0].templateName = 'backend:v1')),
    'apps.0.templateName',
  ],
  ['two apps with one name', (c) => void (c.apps[1] && (c.apps[1].name = 'backend')), 'apps.1.name'],
  ['two apps with one path', (c) => void (c.apps[1] && (c.apps[1].path = 'apps/backend')), 'apps.1.path'],
  ['a GitHub owner with a slash', (c) => void (c.github.owner = 'acme/x'), 'github.owner'],
  ['an empty repository', (c) => void (c.github.repo = ''), 'github.repo'],
  ['a ref with ".."', (c) => void (c.github.ref = 'main..dev'), 'github.ref'],
  [
    'a staging workflow that is not YAML',
    (c) => void (c.github.stagingWorkflow = 'deploy.sh'),
    'github.stagingWorkflow',
  ],
  [
    'a prod workflow in a folder',
    (c) => void (c.github.prodWorkflow = '.github/workflows/deploy.yml'),
    'github.prodWorkflow',
  ],
  ['a tag pattern without {app}', (c) => void (c.github.tagPattern = 'running-{env}'), 'github.tagPattern'],
  ['a tag pattern with a space', (c) => void (c.github.tagPattern = 'running {env}-{app}'), 'github.tagPattern'],
  ['an approver that is not an account id', (c) => void (c.approval.approvers = ['Ada Admin']), 'approval.approvers.0'],
  [
    'no approvers and no Jira approvers',
    (c) => void ((c.approval.approvers = []), (c.approval.includeJiraApprovers = false)),
    'approval.approvers',
  ],
  [
    'more approvals required than approvers',
    (c) =>
      void (
        (c.approval.approvers = ['acc-1']),
        (c.approval.includeJiraApprovers = false),
        (c.approval.rule = { kind: 'atLeast', count: 2 })
      ),
    'approval.rule.count',
  ],
  [
    'a rule needing zero approvals',
    (c) => void (c.approval.rule = { kind: 'atLeast', count: 0 }),
    'approval.rule.count',
  ],
  [
    'a version name pattern without a date token',
    (c) => void (c.release.namePattern = 'release'),
    'release.namePattern',
  ],
  [
    'a first-release limit of zero',
    (c) => void (c.release.firstReleaseCommitLimit = 0),
    'release.firstReleaseCommitLimit',
  ],
];

describe('validation on save', () => {
  let before: unknown;

  beforeAll(async () => {
    const result = await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config: aConfig() });
    expect(result.ok).toBe(true);
    before = storedConfig();
  });

  it.each(INVALID)('rejects %s next to its field, storing nothing', async (_case, mutate, field) => {
    const config = structuredClone(aConfig());
    mutate(config);
    const result = await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: { fields: { [field]: expect.any(String) } } },
    });
    expect(storedConfig()).toEqual(before);
  });

  it('reports every bad field of one save at once', async () => {
    const config = structuredClone(aConfig());
    config.kosli.org = 'bad org';
    config.github.repo = '';
    const result = await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'The settings were not saved: 2 fields need correcting.' },
    });
    expect(result.ok ? {} : result.error.details?.['fields']).toEqual({
      'kosli.org': expect.any(String),
      'github.repo': expect.any(String),
    });
  });

  it.each([
    ['an unknown field', { ...aConfig(), extra: true }],
    ['a missing section', { ...aConfig(), github: undefined }],
    ['no configuration at all', null],
    ['a string', 'kosli'],
  ])('rejects %s, storing nothing', async (_case, config) => {
    const result = await world.invoke(world.people.admin, 'settings/save', { projectKey: PROJECT, config });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(storedConfig()).toEqual(before);
  });
});

describe('settings/secret', () => {
  it('stores a token, shows only "set", when and where from, and never the value', async () => {
    const result = await world.invoke(world.people.admin, 'settings/secret', {
      projectKey: PROJECT,
      name: 'kosliToken',
      value: KOSLI_TOKEN,
    });
    expect(result).toMatchObject({
      ok: true,
      data: {
        secrets: {
          kosliToken: { set: true, source: 'settings', updatedAt: '2026-05-04T09:30:00.000Z' },
          githubToken: { set: false },
        },
      },
    });
    expect(await world.deps.secrets.get(PROJECT, 'kosliToken')).toBe(KOSLI_TOKEN);
    // The metadata key holds no value, only who and when.
    expect(world.runtime.storage.peek(`secretmeta:${PROJECT}:kosliToken`)).toEqual({
      set: true,
      source: 'settings',
      updatedAt: '2026-05-04T09:30:00.000Z',
      updatedBy: world.people.admin,
    });
    expect(await world.invoke(world.people.admin, 'settings/get', { projectKey: PROJECT })).toMatchObject({
      ok: true,
      data: { secrets: { kosliToken: { set: true } } },
    });
  });

  it("keeps each project's tokens apart", async () => {
    expect(await world.deps.secrets.get('OTHER', 'kosliToken')).toBeUndefined();
  });

  it('clears a token', async () => {
    await world.invoke(world.people.admin, 'settings/secret', {
      projectKey: PROJECT,
      name: 'githubToken',
      value: GITHUB_TOKEN,
    });
    const result = await world.invoke(world.people.admin, 'settings/secret', {
      projectKey: PROJECT,
      name: 'githubToken',
      value: null,
    });
    expect(result).toMatchObject({
      ok: true,
      data: { secrets: { githubToken: { set: false, source: null, updatedAt: null } } },
    });
    expect(await world.deps.secrets.get(PROJECT, 'githubToken')).toBeUndefined();
    expect(world.runtime.storage.peek(`secretmeta:${PROJECT}:githubToken`)).toBeUndefined();
  });

  it.each([
    ['empty', '', /empty/],
    ['with a space', 'ghp_abc def', /no spaces or line breaks/],
    ['with a line break', `${GITHUB_TOKEN}\n`, /no spaces or line breaks/],
    ['longer than 4096 characters', 'x'.repeat(4097), /at most 4096/],
  ])('refuses a token that is %s without repeating it, storing nothing', async (_case, value, message) => {
    const result = await world.invoke(world.people.admin, 'settings/secret', {
      projectKey: PROJECT,
      name: 'githubToken',
      value,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) },
    });
    if (value.length > 0) expect(JSON.stringify(result)).not.toContain(value.trim());
    expect(await world.deps.secrets.get(PROJECT, 'githubToken')).toBeUndefined();
  });

  it('refuses a token for a project that does not exist, storing nothing', async () => {
    const result = await world.invoke(world.people.admin, 'settings/secret', {
      projectKey: 'NOPE',
      name: 'kosliToken',
      value: KOSLI_TOKEN,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('NOPE') } });
    expect(await world.deps.secrets.get('NOPE', 'kosliToken')).not.toBe(KOSLI_TOKEN);
    expect(world.runtime.storage.peek('secretmeta:NOPE:kosliToken')).toBeUndefined();
  });

  it.each(['x', 'abc', 'short-token-15c'])(
    'refuses a token too short to be real (%s), without repeating it',
    async (value) => {
      const result = await world.invoke(world.people.admin, 'settings/secret', {
        projectKey: PROJECT,
        name: 'githubToken',
        value,
      });
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringMatching(/at least 16 characters/) },
      });
      if (value.length > 1) expect(JSON.stringify(result)).not.toContain(value);
      expect(await world.deps.secrets.get(PROJECT, 'githubToken')).toBeUndefined();
    },
  );

  it('refuses an unknown token name', async () => {
    const result = await world.invoke(world.people.admin, 'settings/secret', {
      projectKey: PROJECT,
      name: 'jiraToken',
      value: 'abc',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('createSecretSource', () => {
  it('prefers the admin-entered token and falls back to the Forge encrypted variable', async () => {
    const [{ forgeKeyValueStore }, { createSecretSource }, { StoredSecrets }] = await Promise.all([
      import('../../src/platform/forge-kvs'),
      import('../../src/services/secrets'),
      import('../../src/store/stored-secrets'),
    ]);
    const secrets = createSecretSource(new StoredSecrets(forgeKeyValueStore()), (name) =>
      name === 'KOSLI_API_TOKEN' ? 'from-forge-variable' : undefined,
    );
    expect(await secrets.get('VAR', 'kosliToken')).toBe('from-forge-variable');
    expect(await secrets.status('VAR', 'kosliToken')).toEqual({ set: true, source: 'forge-variable', updatedAt: null });
    expect(await secrets.status('VAR', 'githubToken')).toEqual({ set: false, source: null, updatedAt: null });

    await secrets.set('VAR', 'kosliToken', 'entered-by-admin', { at: '2026-05-04T10:00:00.000Z', accountId: 'ada' });
    expect(await secrets.get('VAR', 'kosliToken')).toBe('entered-by-admin');
    expect(await secrets.status('VAR', 'kosliToken')).toEqual({
      set: true,
      source: 'settings',
      updatedAt: '2026-05-04T10:00:00.000Z',
    });

    await secrets.clear('VAR', 'kosliToken');
    expect(await secrets.get('VAR', 'kosliToken')).toBe('from-forge-variable');
  });
});
