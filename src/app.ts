/**
 * The composition root, beside the entry: the production `Deps` built from Forge's seams
 * (src/platform), and the three handlers manifest.yml names. Tests, the sandbox and the benchmark
 * run this same composition on the local Forge runtime, so they exercise the real SDKs.
 */
import { RESOLVER_KEYS } from './contract';
import { createGitHubClient } from './github/client';
import { createJiraClient } from './jira/client';
import { createJiraDeploymentsClient } from './jira/deployments';
import { runDeployJob } from './jobs/deploy-consumer';
import { runScheduledCheck } from './jobs/scheduled-trigger';
import { createKosliClient } from './kosli/client';
import { systemClock } from './platform/clock';
import { forgeFetch } from './platform/forge-fetch';
import { jiraTransportAsApp, jiraTransportAsUser } from './platform/forge-jira';
import { forgeKeyValueStore } from './platform/forge-kvs';
import { forgeDeployQueue } from './platform/forge-queue';
import { forgeResolver, type ForgeResolverFunction } from './platform/forge-resolver';
import { readForgeVariable } from './platform/forge-secrets';
import { consoleSink, createLogger } from './platform/logger';
import { randomId } from './platform/ids';
import { RESOLVERS } from './resolvers';
import { handleCall, type CallEnvironment } from './resolvers/handle-call';
import type { Deps } from './services/deps';
import { answerJqlFunction } from './services/jql-functions';
import { createSecretSource, SECRET_VARIABLES } from './services/secrets';
import { createStore } from './store';

const GITHUB_API = 'https://api.github.com';

export function composeDeps(): Deps {
  const store = createStore(forgeKeyValueStore(), randomId);
  const log = createLogger(
    consoleSink,
    Object.values(SECRET_VARIABLES).map((name) => readForgeVariable(name)),
  );
  return {
    store,
    clock: systemClock,
    newId: randomId,
    queue: forgeDeployQueue(),
    secrets: createSecretSource(store.secrets, (name) => readForgeVariable(name)),
    jiraAsApp: createJiraClient(jiraTransportAsApp()),
    jiraDeployments: createJiraDeploymentsClient(jiraTransportAsApp()),
    kosli: (config, token) => createKosliClient({ host: config.kosli.host, org: config.kosli.org, token }, forgeFetch),
    github: (config, token) =>
      createGitHubClient(
        { baseUrl: GITHUB_API, owner: config.github.owner, repo: config.github.repo, token },
        forgeFetch,
      ),
    timing: { verifyWindowMs: 15 * 60_000 },
    log,
  };
}

function callEnvironment(): CallEnvironment {
  const deps = composeDeps();
  return {
    deps,
    jiraAsUser: () => createJiraClient(jiraTransportAsUser()),
    secretValues: async (projectKey) => {
      const entered = projectKey
        ? await Promise.all([deps.secrets.get(projectKey, 'kosliToken'), deps.secrets.get(projectKey, 'githubToken')])
        : [];
      const values = [...Object.values(SECRET_VARIABLES).map((name) => readForgeVariable(name)), ...entered];
      return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
    },
  };
}

function buildResolver() {
  const handlers: Record<string, ForgeResolverFunction> = {};
  for (const key of RESOLVER_KEYS) {
    const definition = RESOLVERS[key];
    handlers[key] = (request) => handleCall(callEnvironment(), definition, request);
  }
  return forgeResolver(handlers);
}

/** Custom UI resolvers (function `resolver`). */
export const handler = buildResolver();

/** scheduledTrigger `release-gate-check` (function `scheduled-check`, 300 s). */
export const scheduledCheck = async () => {
  const { statusCode, body } = await runScheduledCheck(composeDeps());
  return { statusCode, body };
};

/** Queue consumer `deploy-consumer` (function `deploy-worker`, 900 s). */
export const deployConsumer = async (event: { body?: unknown }) => {
  return runDeployJob(composeDeps(), event.body);
};

/** jira:jqlFunction runningIn() and releaseGate() (function `jql-function`): `{ jql }` or `{ error }`. */
export const jqlFunction = async (args: unknown) => answerJqlFunction(composeDeps(), args);
