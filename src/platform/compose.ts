/**
 * The composition root: the production `Deps` built from Forge's seams. Tests, the sandbox and the
 * benchmark run this same composition on the local Forge runtime, so they exercise the real SDKs.
 */
import { createGitHubClient } from '../github/client';
import { createJiraClient } from '../jira/client';
import { createJiraDeploymentsClient } from '../jira/deployments';
import { createKosliClient } from '../kosli/client';
import { realSleep } from '../http/transport';
import type { Deps } from '../services/deps';
import { createSecretSource } from '../services/secrets';
import { DeploymentReports } from '../store/deployment-reports';
import { ReleaseIndex } from '../store/release-index';
import { ReleaseStore } from '../store/release-store';
import { systemClock } from './clock';
import { forgeFetch } from './forge-fetch';
import { jiraTransportAsApp } from './forge-jira';
import { forgeKeyValueStore } from './forge-kvs';
import { forgeDeployQueue } from './forge-queue';
import { readForgeVariable } from './forge-secrets';
import { randomId } from './ids';

const GITHUB_API = 'https://api.github.com';

export interface JobBudget {
  /** How long one invocation may wait for a run or for prod to report. */
  followRunForMs: number;
}

export function composeDeps(budget: JobBudget): Deps {
  const kv = forgeKeyValueStore();
  return {
    store: new ReleaseStore(kv, randomId),
    clock: systemClock,
    newId: randomId,
    queue: forgeDeployQueue(),
    secrets: createSecretSource(kv, (name) => (name === 'KOSLI_API_TOKEN' || name === 'GITHUB_TOKEN' ? readForgeVariable(name) : undefined)),
    jiraAsApp: createJiraClient(jiraTransportAsApp()),
    jiraDeployments: createJiraDeploymentsClient(jiraTransportAsApp()),
    deploymentReports: new DeploymentReports(kv),
    releaseIndex: new ReleaseIndex(kv),
    kosli: (config, token) => createKosliClient({ host: config.kosli.host, org: config.kosli.org, token }, forgeFetch),
    github: (config, token) => createGitHubClient({ baseUrl: GITHUB_API, owner: config.github.owner, repo: config.github.repo, token }, forgeFetch),
    timing: { followRunForMs: budget.followRunForMs, pollEveryMs: 500, verifyWindowMs: 15 * 60_000, sleep: realSleep },
  };
}
