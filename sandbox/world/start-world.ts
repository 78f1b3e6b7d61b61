/**
 * A whole simulated world in one call: the fake Jira, Kosli and GitHub servers on loopback, the
 * local Forge runtime, the app's real handlers (src/index.ts, or Forge's bundle of it with
 * FORGE_APP_ENTRY=bundle), the project configured, and the
 * original process simulated on top. Tests, the sandbox and the benchmark all start here.
 */
import { readFileSync } from 'node:fs';
import type { ResolverKey, PayloadOf, Result, ResultOf } from '../../src/contract';
import { defaultProjectConfig, type AppConfig, type ProjectConfig } from '../../src/release/config';
import {
  APPROVAL_JIRA_RULES,
  APPROVAL_JIRA_SCHEMA,
  RELEASE_TEMPLATE_YAML,
  RUNNING_SW_SCHEMA,
} from '../../src/release/attestations';
import { createStore, type Store } from '../../src/store';
import { forgeKeyValueStore } from '../../src/platform/forge-kvs';
import { randomId } from '../../src/platform/ids';
import type { FaultProfile } from '../fakes/http-fake';
import { createGitHubFake, type GitHubFake } from '../fakes/github/github-fake';
import { GitHubWorld } from '../fakes/github/world';
import { createJiraFake, type JiraFake } from '../fakes/jira/jira-fake';
import { JiraWorld } from '../fakes/jira/world';
import { createKosliFake, type KosliFake } from '../fakes/kosli/kosli-fake';
import { KosliWorld } from '../fakes/kosli/world';
import { installForgeRuntime, loadApp, LocalKvs, type AppModule, type LocalForgeRuntime } from '../forge-runtime';
import { defineOriginalPolicies } from './original-policies';
import { MemoryRepository, type Repository } from './repository';
import { DEFAULT_SCENARIO, type Scenario } from './scenario';
import { Simulation, type SimulatedCommit } from './simulation';

export const KOSLI_TOKEN = 'kosli-sandbox-token-3f9a1c';
export const GITHUB_TOKEN = 'ghp_sandboxToken7Qw2Lm9Xc4';
/** What the local Forge runtime presents to the fake Jira, as Forge's proxy presents a token it mints. */
export const JIRA_TOKEN = 'forge-sandbox-jira-token-51c2';

/**
 * The delays of the real services that the fakes model (eventual consistency). None is ever zero:
 * the app must cope with each of them.
 */
export interface Realism {
  /** Every Kosli environment reports this often (ms); a deploy shows in Kosli with the next report. */
  reportIntervalMs: number;
  /** A dispatched GitHub run appears in the run listings this long after the dispatch (ms). */
  runListingDelayMs: number;
  /** Jira's search sees an edit of an issue's fix versions this long after it (ms). */
  jiraSearchLagMs: number;
}

/** The sandbox's defaults (`npm start`): about what the real services show. */
export const SANDBOX_REALISM: Realism = { reportIntervalMs: 30_000, runListingDelayMs: 3_000, jiraSearchLagMs: 1_000 };
/** The same delays, short, for tests and the benchmark (startWorld's default). */
export const QUICK_REALISM: Realism = { reportIntervalMs: 150, runListingDelayMs: 100, jiraSearchLagMs: 100 };
const WORKFLOW_FILE = new URL('../../github/workflows/kosli-release-gate-deploy.yml', import.meta.url);

export interface WorldOptions {
  scenario?: Scenario;
  repository?: Repository;
  storage?: LocalKvs;
  /** Eventual consistency of the fakes (default QUICK_REALISM; the sandbox uses SANDBOX_REALISM). */
  realism?: Partial<Realism>;
  /** Random 429/5xx/dropped connections on all three fakes, seeded (off by default). */
  faults?: FaultProfile;
  /** Latency added to every fake upstream call and every storage call (benchmark P2). */
  upstreamLatencyMs?: number;
  storageLatencyMs?: number;
  /**
   * Milliseconds per second of a queued job's delay; 1 by default (a 20 s look at prod after 20 ms),
   * so a worker's bounded chain of looks spans the fakes' own timers (Kosli reports every 150 ms in
   * QUICK_REALISM) as Forge's delays span real reports. 0 delivers at once.
   */
  queueDelayScaleMs?: number;
  /** Configure the project and its tokens (default true); false leaves the app unconfigured. */
  configure?: boolean;
  /** Adjust the project configuration before it is stored. */
  adjustConfig?: (config: ProjectConfig) => void;
  siteUrl?: string;
  /**
   * Seed the fakes, store the config and make the initial commits (default true). The sandbox
   * passes false when it restores a saved world: it then fills the fakes itself, and the stored
   * config (perhaps edited on the settings page) is kept.
   */
  seed?: boolean;
}

export interface World {
  scenario: Scenario;
  config: ProjectConfig;
  jira: JiraFake;
  kosli: KosliFake;
  github: GitHubFake;
  runtime: LocalForgeRuntime;
  app: AppModule;
  store: Store;
  simulation: Simulation;
  /** Calls a resolver as a user, through the real handler, and returns its Result envelope. */
  invoke<K extends ResolverKey>(accountId: string, key: K, payload: PayloadOf<K>): Promise<Result<ResultOf<K>>>;
  /** Like invoke, for the admin page (no project context). */
  invokeAdmin<K extends ResolverKey>(accountId: string, key: K, payload: PayloadOf<K>): Promise<Result<ResultOf<K>>>;
  /** Runs the scheduled trigger once, then waits for queued deploy work. */
  runTrigger(): Promise<unknown>;
  drain(): Promise<void>;
  /** Outbound calls made so far to each system. */
  calls(): { jira: number; kosli: number; github: number; total: number };
  resetCalls(): void;
  stop(): Promise<void>;
}

function isResult(value: unknown): value is Result<never> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}

let appModule: AppModule | undefined;

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const jiraWorld = new JiraWorld();
  const kosliWorld = new KosliWorld({ org: scenario.kosli.org, token: KOSLI_TOKEN });
  const githubWorld = new GitHubWorld({
    owner: scenario.github.owner,
    repo: scenario.github.repo,
    token: GITHUB_TOKEN,
  });
  const realism = { ...QUICK_REALISM, ...options.realism };
  for (const [name, value] of Object.entries(realism)) {
    if (!(value > 0))
      throw new Error(
        `realism.${name} must be a positive number of ms (the real services are never instant), not ${value}`,
      );
  }
  jiraWorld.searchLagMs = realism.jiraSearchLagMs;
  githubWorld.runListingDelayMs = realism.runListingDelayMs;
  const jira = createJiraFake(jiraWorld, { token: JIRA_TOKEN });
  const kosli = createKosliFake(kosliWorld);
  const github = createGitHubFake(githubWorld);
  const [jiraUrl, kosliUrl, githubUrl] = await Promise.all([
    jira.service.listen(),
    kosli.service.listen(),
    github.service.listen(),
  ]);
  for (const service of [jira.service, kosli.service, github.service]) {
    service.setLatency('*', options.upstreamLatencyMs ?? 0);
    service.setFaultProfile(options.faults);
  }

  const runtime = await installForgeRuntime({
    jiraBaseUrl: jiraUrl,
    egress: {
      'https://app.kosli.com': kosliUrl,
      'https://app.us.kosli.com': kosliUrl,
      'https://api.github.com': githubUrl,
    },
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.storageLatencyMs !== undefined ? { storageLatencyMs: options.storageLatencyMs } : {}),
    siteUrl: options.siteUrl ?? jiraUrl,
    queueDelayScaleMs: options.queueDelayScaleMs ?? 1,
    jiraToken: JIRA_TOKEN,
  });
  // @forge/api is loaded once per process (it captures fetch); later worlds re-point the runtime.
  appModule ??= await loadApp();
  const app = appModule;
  runtime.onQueue('deploy-queue', (event) => app.deployConsumer(event));

  const config = defaultProjectConfig();
  config.kosli.org = scenario.kosli.org;
  config.kosli.environments = { dev: 'dev', staging: 'staging', prod: 'prod' };
  config.kosli.sourceFlow = 'shop-source';
  config.kosli.releaseFlow = 'shop-release';
  config.apps = scenario.apps.map((a) => ({
    name: a.name,
    path: a.path,
    buildFlow: `shop-${a.name}`,
    templateName: a.name,
  }));
  config.github = { ...config.github, owner: scenario.github.owner, repo: scenario.github.repo };
  config.approval = {
    approvers: scenario.users.filter((u) => u.role === 'product-owner').map((u) => u.accountId),
    includeJiraApprovers: true,
    rule: { kind: 'all' },
    noSelfApproval: false,
  };
  options.adjustConfig?.(config);

  const seed = options.seed !== false;
  if (seed) {
    seedJira(jiraWorld, scenario);
    seedKosli(kosliWorld, config);
  }
  githubWorld.registerWorkflow(config.github.prodWorkflow, readFileSync(WORKFLOW_FILE, 'utf8'));
  if (config.github.stagingWorkflow !== config.github.prodWorkflow)
    githubWorld.registerWorkflow(config.github.stagingWorkflow, readFileSync(WORKFLOW_FILE, 'utf8'));

  const store = createStore(forgeKeyValueStore(), randomId);
  if (options.configure !== false) {
    if (seed)
      await store.settings.saveConfig(scenario.project.key, {
        config,
        savedAt: new Date().toISOString(),
        savedBy: 'sandbox',
      });
    // As an admin would with `forge variables set --encrypt`.
    process.env['KOSLI_API_TOKEN'] = KOSLI_TOKEN;
    process.env['GITHUB_TOKEN'] = GITHUB_TOKEN;
  }

  const simulation = new Simulation(
    { jira: jiraWorld, kosli: kosliWorld, github: githubWorld },
    options.repository ?? new MemoryRepository(),
    config,
    scenario,
  );
  if (seed) {
    // The world starts with every app built once and running everywhere.
    const builds = config.apps.map((a) => ({ app: a, build: simulation.commit(a.name, `OPS-1 Initial ${a.name}`) }));
    const initial = Object.fromEntries(builds.map(({ app, build }) => [app.name, build.sha]));
    approveInitialRelease(kosliWorld, scenario, builds);
    simulation.place('prod', initial);
    simulation.place('staging', initial);
    for (const step of scenario.history) simulation.commit(step.app, step.message);
  }
  simulation.startReporting(realism.reportIntervalMs);

  const call = async <K extends ResolverKey>(
    accountId: string,
    key: K,
    payload: PayloadOf<K>,
    admin: boolean,
  ): Promise<Result<ResultOf<K>>> => {
    const result = await runtime.invokeResolver(
      app.handler,
      admin
        ? { key, payload, accountId, moduleType: 'jira:adminPage' }
        : { key, payload, accountId, projectKey: scenario.project.key, projectId: scenario.project.id },
    );
    if (!isResult(result)) throw new Error(`Resolver ${key} returned no Result envelope`);
    return result;
  };
  const services = [jira.service, kosli.service, github.service];
  return {
    scenario,
    config,
    jira,
    kosli,
    github,
    runtime,
    app,
    store,
    simulation,
    invoke: (accountId, key, payload) => call(accountId, key, payload, false),
    invokeAdmin: (accountId, key, payload) => call(accountId, key, payload, true),
    runTrigger: async () => {
      const out = await runtime.runScheduledTrigger(() => app.scheduledCheck());
      await runtime.drainQueues();
      return out;
    },
    drain: () => runtime.drainQueues(),
    calls: () => {
      const [j, k, g] = services.map((s) => s.requestCount) as [number, number, number];
      return { jira: j, kosli: k, github: g, total: j + k + g };
    },
    resetCalls: () => services.forEach((s) => s.resetCounters()),
    stop: async () => {
      simulation.stopReporting();
      await runtime.drainQueues().catch(() => undefined);
      runtime.uninstall();
      await Promise.all(services.map((s) => s.close()));
    },
  };
}

/** The release that put the initial builds in prod was approved, so prod starts compliant. */
function approveInitialRelease(
  world: KosliWorld,
  scenario: Scenario,
  builds: { app: AppConfig; build: SimulatedCommit }[],
): void {
  const owner = scenario.users.find((u) => u.role === 'product-owner') ?? scenario.users[0];
  if (!owner) return;
  for (const { app, build } of builds) {
    world.attest(app.buildFlow, build.sha, {
      type: 'custom',
      attestation_name: 'release-approval',
      type_name: 'approval-jira',
      artifact_fingerprint: build.fingerprint,
      attestation_data: {
        approvers: [
          { accountId: owner.accountId, displayName: owner.displayName, emailAddress: owner.email, status: 'APPROVED' },
        ],
      },
    });
  }
}

function seedJira(world: JiraWorld, scenario: Scenario): void {
  world.addProject({ key: scenario.project.key, name: scenario.project.name, id: scenario.project.id });
  for (const user of scenario.users) {
    world.addUser({ accountId: user.accountId, displayName: user.displayName, emailAddress: user.email });
    world.grantPermission(user.accountId, scenario.project.key, 'BROWSE_PROJECTS');
    if (user.role === 'developer') world.grantPermission(user.accountId, scenario.project.key, 'EDIT_ISSUES');
    if (user.jiraAdmin) world.makeAdmin(user.accountId);
  }
  for (const issue of scenario.issues)
    world.addIssue({ key: issue.key, summary: issue.summary, type: issue.type, status: issue.status });
}

function seedKosli(world: KosliWorld, config: ProjectConfig): void {
  // What the original process's setup-kosli.yml creates.
  world.upsertCustomType('approval-jira', {
    description: 'Approval from Jira',
    schema: APPROVAL_JIRA_SCHEMA,
    rules: APPROVAL_JIRA_RULES,
  });
  world.upsertCustomType('running-sw', {
    description: 'List of running software in an environment',
    schema: RUNNING_SW_SCHEMA,
    rules: [],
  });
  world.createFlow(
    config.kosli.sourceFlow,
    'version: 1\ntrail:\n  attestations:\n    - name: work-reference\n      type: jira\n    - name: pull-request\n      type: pull_request\n',
  );
  for (const app of config.apps) {
    world.createFlow(
      app.buildFlow,
      `version: 1\ntrail:\n  attestations:\n    - name: work-reference\n      type: jira\n    - name: pull-request\n      type: pull_request\n  artifacts:\n    - name: ${app.templateName}\n`,
    );
  }
  world.createFlow(config.kosli.releaseFlow, RELEASE_TEMPLATE_YAML);
  const { dev, staging, prod } = config.kosli.environments;
  defineOriginalPolicies(world);
  world.createEnvironment(dev, { type: 'server', policies: ['has-provenance', 'trail-compliant'] });
  world.createEnvironment(staging, { type: 'server', policies: ['has-provenance', 'trail-compliant'] });
  world.createEnvironment(prod, {
    type: 'server',
    policies: ['has-provenance', 'trail-compliant', 'has-release-approval'],
  });
}
