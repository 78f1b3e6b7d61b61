/**
 * The dependencies of the use cases without the loopback world: the in-memory store, a manual
 * clock, sequential ids, a queue that records what was pushed, and the real Jira, Kosli and GitHub
 * clients on the fakes (their loopback servers started bare: no Forge runtime, no seeding, no simulation).
 * A use-case test builds exactly the state it needs with `given` and runs in milliseconds; the world
 * tests (test/flow) keep the flows end to end.
 */
import { createGitHubFake } from '../../sandbox/fakes/github/github-fake';
import { GitHubWorld } from '../../sandbox/fakes/github/world';
import { createFakeJiraTransport } from '../../sandbox/fakes/jira/fake-transport';
import { createJiraFake } from '../../sandbox/fakes/jira/jira-fake';
import { JiraWorld } from '../../sandbox/fakes/jira/world';
import { createKosliFake } from '../../sandbox/fakes/kosli/kosli-fake';
import { KosliWorld } from '../../sandbox/fakes/kosli/world';
import { createGitHubClient } from '../../src/github/client';
import { createJiraClient } from '../../src/jira/client';
import { createJiraDeploymentsClient } from '../../src/jira/deployments';
import { createKosliClient } from '../../src/kosli/client';
import { createLogger } from '../../src/platform/logger';
import type { ProjectConfig } from '../../src/release/config';
import type { CallContext, DeployJob, Deps } from '../../src/services/deps';
import { createSecretSource } from '../../src/services/secrets';
import { createStore } from '../../src/store';
import { aConfig } from './builders';
import { MemoryKeyValueStore } from './memory-kvs';

export const PROJECT = { key: 'OPS', id: '10000' };
const KOSLI_TOKEN = 'kosli-use-case-token-1234';
const GITHUB_TOKEN = 'ghp_useCaseToken5678abcd';
/** Retries wait on nothing: a fault test counts attempts, it does not sleep. */
const NO_WAIT = { retry: { baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 2_000 }, sleep: async () => undefined };

export interface ManualClock {
  now(): string;
  epochMs(): number;
  advance(seconds: number): void;
}

export function manualClock(start = '2026-11-02T10:00:00.000Z'): ManualClock {
  let at = Date.parse(start);
  return {
    now: () => new Date(at).toISOString(),
    epochMs: () => at,
    advance: (seconds) => {
      at += seconds * 1000;
    },
  };
}

export interface QueuedJob {
  job: DeployJob;
  delayInSeconds: number | undefined;
}

export interface UseCaseDeps {
  deps: Deps;
  clock: ManualClock;
  kv: MemoryKeyValueStore;
  queued: QueuedJob[];
  jira: JiraWorld;
  kosli: KosliWorld;
  github: GitHubWorld;
  /** The call context of a person (or 'scheduled-check') in the project. */
  as(actor: string): CallContext;
  /** Stores the project's configuration, adjusted. */
  configure(adjust?: (config: ProjectConfig) => void): Promise<ProjectConfig>;
  close(): Promise<void>;
}

export async function startUseCases(): Promise<UseCaseDeps> {
  const clock = manualClock();
  const kv = new MemoryKeyValueStore(clock.epochMs);
  const jira = new JiraWorld();
  jira.addProject({ key: PROJECT.key, id: PROJECT.id, name: 'Operations' });
  const kosli = new KosliWorld({ org: 'acme', token: KOSLI_TOKEN, now: () => clock.epochMs() / 1000 });
  const github = new GitHubWorld({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN });
  const fakes = [createJiraFake(jira, { now: clock.epochMs }), createKosliFake(kosli), createGitHubFake(github)];
  const [jiraUrl, kosliUrl, githubUrl] = await Promise.all(fakes.map((fake) => fake.service.listen()));
  const jiraTransport = createFakeJiraTransport(jiraUrl ?? '');
  let ids = 0;
  /** Sequential, unique in their first 8 characters (the append-only keys use those), in key order. */
  const newId = () => String(++ids).padStart(8, '0');
  const store = createStore(kv, newId);
  const queued: QueuedJob[] = [];
  const deps: Deps = {
    store,
    clock,
    newId,
    queue: {
      push: async (job, options) => {
        queued.push({ job, delayInSeconds: options?.delayInSeconds });
      },
    },
    secrets: createSecretSource(store.secrets, (name) => ({ KOSLI_API_TOKEN: KOSLI_TOKEN, GITHUB_TOKEN })[name]),
    jiraAsApp: createJiraClient(jiraTransport, NO_WAIT),
    jiraDeployments: createJiraDeploymentsClient(jiraTransport, NO_WAIT),
    kosli: (config, token) => createKosliClient({ host: kosliUrl ?? '', org: config.kosli.org, token }, fetch, NO_WAIT),
    github: (config, token) =>
      createGitHubClient(
        { baseUrl: githubUrl ?? '', owner: config.github.owner, repo: config.github.repo, token },
        fetch,
        NO_WAIT,
      ),
    timing: { verifyWindowMs: 15 * 60_000 },
    log: createLogger(() => undefined),
  };
  return {
    deps,
    clock,
    kv,
    queued,
    jira,
    kosli,
    github,
    as: (actor) => ({
      projectKey: PROJECT.key,
      projectId: PROJECT.id,
      actor,
      jiraAsUser: null,
      links: {
        releasePage: (projectKey, versionId) => `https://site.example/release/${projectKey}/${versionId}`,
        jiraRelease: (projectKey, versionId) => `https://site.example/projects/${projectKey}/versions/${versionId}`,
        jiraIssue: (key) => `https://site.example/browse/${key}`,
      },
    }),
    configure: async (adjust = () => undefined) => {
      const config = aConfig((c) => {
        c.kosli.org = 'acme';
        c.github = { ...c.github, owner: 'acme', repo: 'shop' };
        adjust(c);
      });
      await store.settings.saveConfig(PROJECT.key, { config, savedAt: clock.now(), savedBy: 'admin' });
      return config;
    },
    close: async () => {
      await Promise.all(fakes.map((fake) => fake.service.close()));
    },
  };
}
