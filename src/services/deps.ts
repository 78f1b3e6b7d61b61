/**
 * What the use cases need from the world, passed in as values (no module singletons): the store,
 * the clock, id generation, the queue, secret lookup and client factories. `src/app.ts`
 * builds the production set from Forge; tests and the sandbox build the same set on the local runtime.
 */
import type { SecretName } from '../contract';
import type { GitHubClient } from '../github/types';
import type { JiraDeploymentsClient } from '../jira/deployments';
import type { JiraClient } from '../jira/types';
import type { KosliClient } from '../kosli/types';
import type { ProjectConfig } from '../release/config';
import type { Logger } from '../platform/logger';
import type { Store } from '../store';

export interface Clock {
  /** ISO time. */
  now(): string;
}

/** The consumer function's `timeoutSeconds` in manifest.yml: a job's deadlines count from its start. */
export const CONSUMER_LIMIT_SECONDS = 900;

export interface DeployQueue {
  /** Queues a job; `delayInSeconds` delivers it later (Forge allows up to 900 s). */
  push(event: DeployJob, options?: { delayInSeconds?: number }): Promise<void>;
}

/**
 * A job for the release's consumer (900 s): `deploy` (the default) advances the deploy; `candidate`
 * finishes a candidate too large for a resolver: composes it, then writes its fix versions.
 */
export interface DeployJob {
  kind?: 'deploy' | 'candidate';
  projectKey: string;
  versionId: string;
  reason: string;
  /** How many times this job was re-queued to wait (a run, a lease); bounds the chain. */
  hops?: number;
}

export type { SecretName };

export interface SecretSource {
  /** The token for the project: an admin-entered secret first, else the Forge encrypted variable. */
  get(projectKey: string, name: SecretName): Promise<string | undefined>;
}

export interface Deps {
  /** The repositories, one per concern (src/store/index.ts maps their keys). */
  store: Store;
  clock: Clock;
  newId(): string;
  queue: DeployQueue;
  secrets: SecretSource;
  /** Jira as the app (triggers, consumers, writes the app makes on its own behalf). */
  jiraAsApp: JiraClient;
  /** Jira's Deployments API, as the app (the devops:deploymentInfoProvider module). */
  jiraDeployments: JiraDeploymentsClient;
  kosli(config: ProjectConfig, token: string): KosliClient;
  github(config: ProjectConfig, token: string): GitHubClient;
  /** How long prod may take to report the approved artifacts after the deploy run succeeded. */
  timing: { verifyWindowMs: number };
  /** Structured, redacted log lines (what `forge logs` shows). */
  log: Logger;
}

/** The calling user and where the call came from (resolver context; the app itself for jobs). */
export interface CallContext {
  projectKey: string;
  projectId: string;
  /** Account id of the user, or 'app' for jobs. */
  actor: string;
  /** Jira as the calling user, for permission checks; jobs have none. */
  jiraAsUser: JiraClient | null;
  links: Links;
  /** When the invocation began (the injected clock) and its time limit: deadlines count from there. */
  invocation?: { startedAt: string; limitSeconds: number };
}

export interface Links {
  /** The app's release page for the version (the Related-work link target). */
  releasePage(projectKey: string, versionId: string): string;
  jiraRelease(projectKey: string, versionId: string): string;
  jiraIssue(key: string): string;
}

export function kosliTrailUrl(config: ProjectConfig, trail: string): string {
  return `${config.kosli.host}/${config.kosli.org}/flows/${config.kosli.releaseFlow}/trails/${encodeURIComponent(trail)}`;
}
