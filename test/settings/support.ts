/**
 * A small world for the settings and compliance tests, until the shared `sandbox/world` harness
 * exists: the fake Jira, Kosli and GitHub servers on loopback ports, the local Forge runtime (real
 * @forge/kvs, @forge/api and @forge/resolver), the production composition of `Deps`, and the real
 * resolver pipeline (`handleCall`) for the settings and report resolvers. Every response is kept so a
 * test can scan them all for token values.
 */
import { createGitHubFake, type GitHubFake } from '../../sandbox/fakes/github/github-fake';
import { GitHubWorld } from '../../sandbox/fakes/github/world';
import { createJiraFake, type JiraFake } from '../../sandbox/fakes/jira/jira-fake';
import { JiraWorld } from '../../sandbox/fakes/jira/world';
import { createKosliFake, type KosliFake } from '../../sandbox/fakes/kosli/kosli-fake';
import { KosliWorld } from '../../sandbox/fakes/kosli/world';
import { installForgeRuntime, type LocalForgeRuntime } from '../../sandbox/forge-runtime';
import { z } from 'zod';
import type { ResolverKey } from '../../src/contract';
import { defaultProjectConfig, type ProjectConfig } from '../../src/release/config';
import type { Deps } from '../../src/services/deps';

export const PROJECT = 'OPS';
export const KOSLI_TOKEN = 'kosli_sk_T0KEN-for-settings-tests-7f3a9c';
export const GITHUB_TOKEN = 'ghp_T0KENforSettingsTests00000000000000';

export interface TestWorld {
  jira: JiraFake;
  kosli: KosliFake;
  github: GitHubFake;
  runtime: LocalForgeRuntime;
  deps: Deps;
  people: { admin: string; developer: string };
  /** Calls a resolver as Forge does for the Custom UI: admin page for settings/*, project page otherwise. */
  invoke(accountId: string, key: ResolverKey, payload: unknown): Promise<Envelope>;
  /** Every resolver response so far, as the browser received it. */
  responses: unknown[];
  /** The admin saves a valid configuration and both tokens. */
  configure(config?: ProjectConfig): Promise<void>;
  close(): Promise<void>;
}

/** The default configuration, pointed at the fakes' org and repository. */
export function aConfig(
  overrides: {
    kosli?: Partial<ProjectConfig['kosli']>;
    github?: Partial<ProjectConfig['github']>;
    apps?: ProjectConfig['apps'];
  } = {},
): ProjectConfig {
  const base = defaultProjectConfig();
  return {
    ...base,
    kosli: { ...base.kosli, org: 'acme', ...overrides.kosli },
    github: { ...base.github, owner: 'acme', repo: 'shop', ...overrides.github },
    apps: overrides.apps ?? base.apps,
  };
}

/** Creates in Kosli and GitHub everything `config` names, so every connection check passes. */
export function seedEverything(world: TestWorld, config: ProjectConfig = aConfig()): void {
  const { environments, sourceFlow, releaseFlow } = config.kosli;
  for (const env of Object.values(environments)) world.kosli.world.createEnvironment(env);
  for (const flow of [sourceFlow, releaseFlow, ...config.apps.map((app) => app.buildFlow)])
    world.kosli.world.createFlow(flow);
  const workflow =
    'name: deploy\non:\n  workflow_dispatch:\n    inputs:\n      environment:\n        required: true\njobs: {}\n';
  world.github.world.registerWorkflow(config.github.stagingWorkflow, workflow);
  world.github.world.registerWorkflow(config.github.prodWorkflow, workflow);
}

export async function startTestWorld(options: { now?: string } = {}): Promise<TestWorld> {
  const jiraWorld = new JiraWorld();
  jiraWorld.addProject({ key: PROJECT, name: 'Operations' });
  const admin = jiraWorld.addUser({ displayName: 'Ada Admin', emailAddress: 'ada@example.com' }).accountId;
  jiraWorld.makeAdmin(admin);
  const developer = jiraWorld.addUser({ displayName: 'Dev Eloper', emailAddress: 'dev@example.com' }).accountId;
  jiraWorld.grantPermission(developer, PROJECT, 'EDIT_ISSUES');

  const jira = createJiraFake(jiraWorld);
  const kosli = createKosliFake(new KosliWorld({ org: 'acme', token: KOSLI_TOKEN }));
  const github = createGitHubFake(new GitHubWorld({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN }));
  const [jiraUrl, kosliUrl, githubUrl] = await Promise.all([
    jira.service.listen(),
    kosli.service.listen(),
    github.service.listen(),
  ]);

  const runtime = await installForgeRuntime({
    jiraBaseUrl: jiraUrl,
    egress: {
      'https://app.kosli.com': kosliUrl,
      'https://app.us.kosli.com': kosliUrl,
      'https://api.github.com': githubUrl,
    },
  });
  // Only now may anything load @forge/api (see sandbox/forge-runtime/runtime.ts).
  const [{ composeDeps }, { jiraTransportAsUser }, { createJiraClient }, { handleCall }, resolvers, Resolver] =
    await Promise.all([
      import('../../src/app'),
      import('../../src/platform/forge-jira'),
      import('../../src/jira/client'),
      import('../../src/resolvers/handle-call'),
      resolverDefinitions(),
      import('@forge/resolver').then((m) => m.default),
    ]);
  const now = options.now;
  const deps: Deps = { ...composeDeps(), ...(now ? { clock: { now: () => now } } : {}) };
  const env = {
    deps,
    jiraAsUser: () => createJiraClient(jiraTransportAsUser()),
    secretValues: async () => [KOSLI_TOKEN, GITHUB_TOKEN],
  };
  const resolver = new Resolver();
  for (const definition of resolvers)
    resolver.define(definition.key, (request) => handleCall(env, definition, request));
  const handler = resolver.getDefinitions();

  const responses: unknown[] = [];
  const world: TestWorld = {
    jira,
    kosli,
    github,
    runtime,
    deps,
    people: { admin, developer },
    responses,
    async invoke(accountId, key, payload) {
      const where = key.startsWith('settings/')
        ? ({ moduleType: 'jira:adminPage' } as const)
        : { projectKey: PROJECT, projectId: jiraWorld.project(PROJECT)?.id ?? '10000' };
      const response = await runtime.invokeResolver(handler, { key, payload, accountId, ...where });
      responses.push(response);
      return envelope.parse(response);
    },
    async configure(config = aConfig()) {
      for (const call of [
        { key: 'settings/save', payload: { projectKey: PROJECT, config } },
        { key: 'settings/secret', payload: { projectKey: PROJECT, name: 'kosliToken', value: KOSLI_TOKEN } },
        { key: 'settings/secret', payload: { projectKey: PROJECT, name: 'githubToken', value: GITHUB_TOKEN } },
      ] as const) {
        const result = await world.invoke(admin, call.key, call.payload);
        if (!result.ok) throw new Error(`${call.key} failed: ${result.error.message}`);
      }
    },
    async close() {
      runtime.uninstall();
      await Promise.all([jira.service.close(), kosli.service.close(), github.service.close()]);
    },
  };
  return world;
}

async function resolverDefinitions() {
  const [get, save, secret, check, setup, report] = await Promise.all([
    import('../../src/resolvers/settings-get'),
    import('../../src/resolvers/settings-save'),
    import('../../src/resolvers/settings-secret'),
    import('../../src/resolvers/settings-check'),
    import('../../src/resolvers/settings-setup-kosli'),
    import('../../src/resolvers/report-compliance'),
  ]);
  return [
    get.settingsGetResolver,
    save.settingsSaveResolver,
    secret.settingsSecretResolver,
    check.settingsCheckResolver,
    setup.settingsSetupKosliResolver,
    report.reportComplianceResolver,
  ] as const;
}

/** The Result envelope as the browser receives it; a response of another shape fails the test. */
export const envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

export type Envelope = z.output<typeof envelope>;
