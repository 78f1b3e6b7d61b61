/**
 * The composition root: the production `Deps` built from Forge's seams. Tests, the sandbox and the
 * benchmark run this same composition on the local Forge runtime, so they exercise the real SDKs.
 */
import { createGitHubClient } from '../github/client';
import { createJiraClient } from '../jira/client';
import { createKosliClient } from '../kosli/client';
import type { Deps } from '../services/deps';
import { createSecretSource } from '../services/secrets';
import { ReleaseStore } from '../store/release-store';
import { systemClock } from './clock';
import { forgeFetch } from './forge-fetch';
import { jiraTransportAsApp } from './forge-jira';
import { forgeKeyValueStore } from './forge-kvs';
import { forgeDeployQueue } from './forge-queue';
import { consoleSink, createLogger } from './logger';
import { readForgeVariable } from './forge-secrets';
import { randomId } from './ids';

const GITHUB_API = 'https://api.github.com';

export function composeDeps(): Deps {
  const kv = forgeKeyValueStore();
  const log = createLogger(consoleSink, [readForgeVariable('KOSLI_API_TOKEN'), readForgeVariable('GITHUB_TOKEN')]);
  return {
    store: new ReleaseStore(kv, randomId),
    clock: systemClock,
    newId: randomId,
    queue: forgeDeployQueue(),
    secrets: createSecretSource(kv, (name) => (name === 'KOSLI_API_TOKEN' || name === 'GITHUB_TOKEN' ? readForgeVariable(name) : undefined)),
    jiraAsApp: createJiraClient(jiraTransportAsApp()),
    kosli: (config, token) => createKosliClient({ host: config.kosli.host, org: config.kosli.org, token }, forgeFetch),
    github: (config, token) => createGitHubClient({ baseUrl: GITHUB_API, owner: config.github.owner, repo: config.github.repo, token }, forgeFetch),
    timing: { verifyWindowMs: 15 * 60_000 },
    log,
  };
}
