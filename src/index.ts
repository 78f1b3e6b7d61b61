/**
 * The app's only entry: the handlers manifest.yml names. Each builds the production dependencies
 * from Forge's seams (src/platform) and hands over to plain code.
 */
import { makeResolver, type ResolverFunction } from '@forge/resolver';
import { createJiraClient } from './jira/client';
import { runDeployJob } from './jobs/deploy-consumer';
import { runScheduledCheck } from './jobs/scheduled-trigger';
import { answerJqlFunction } from './services/jql-functions';
import { composeDeps } from './platform/compose';
import { jiraTransportAsUser } from './platform/forge-jira';
import { RESOLVERS } from './resolvers';
import { handleCall, type CallEnvironment } from './resolvers/handle-call';
import { RESOLVER_KEYS } from './contract';

function callEnvironment(): CallEnvironment {
  const deps = composeDeps({ followRunForMs: 0 });
  return {
    deps,
    jiraAsUser: () => createJiraClient(jiraTransportAsUser()),
    secretValues: async (projectKey) => {
      const entered = projectKey ? await Promise.all([deps.secrets.get(projectKey, 'kosliToken'), deps.secrets.get(projectKey, 'githubToken')]) : [];
      const values = [process.env['KOSLI_API_TOKEN'], process.env['GITHUB_TOKEN'], ...entered];
      return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
    },
  };
}

// makeResolver, a named export, rather than the default-exported class: Node's own ESM loader (the
// sandbox runs on it) hands over a CommonJS module's exports object as its default import.
function buildResolver() {
  const handlers: Record<string, ResolverFunction> = {};
  for (const key of RESOLVER_KEYS) {
    const definition = RESOLVERS[key];
    handlers[key] = (request) => handleCall(callEnvironment(), definition, request);
  }
  return makeResolver(handlers);
}

/** Custom UI resolvers (function `resolver`). */
export const handler = buildResolver();

/** scheduledTrigger `release-gate-check` (function `scheduled-check`, 300 s). */
export const scheduledCheck = async () => {
  const { statusCode, body } = await runScheduledCheck(composeDeps({ followRunForMs: 60_000 }));
  return { statusCode, body };
};

/** Queue consumer `deploy-consumer` (function `deploy-worker`, 900 s). */
export const deployConsumer = async (event: { body?: unknown }) => {
  return runDeployJob(composeDeps({ followRunForMs: 840_000 }), event.body);
};

/** jira:jqlFunction runningIn() and releaseGate() (function `jql-function`): `{ jql }` or `{ error }`. */
export const jqlFunction = async (args: unknown) => answerJqlFunction(composeDeps({ followRunForMs: 0 }), args);
