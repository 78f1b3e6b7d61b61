/**
 * Builders for the GitHub tests: a fake GitHub on a free loopback port with the shipped deploy
 * workflow registered and its steps simulated (sandbox/world/deploy-workflow.ts), a real client pointed at it, and seeds for commit histories.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client';
import type { DeployRequest } from '../../src/github/deploy-inputs';
import type { GitHubClient } from '../../src/github/types';
import {
  createGitHubFake,
  type GitHubFake,
  registerShippedDeployWorkflow,
  SHIPPED_DEPLOY_WORKFLOW,
} from '../../sandbox/fakes/github/github-fake';
import { type GitHubWorldOptions, GitHubWorld } from '../../sandbox/fakes/github/world';
import { runDeployWorkflow } from '../../sandbox/world/deploy-workflow';

export const DEPLOY_WORKFLOW = SHIPPED_DEPLOY_WORKFLOW;
export const DEPLOY_WORKFLOW_PATH = fileURLToPath(
  new URL('../../github/workflows/kosli-release-gate-deploy.yml', import.meta.url),
);
export const TOKEN = 'ghp_Secret0123456789abcdefTOKEN';

export function deployWorkflowYaml(): string {
  return readFileSync(DEPLOY_WORKFLOW_PATH, 'utf8');
}

export interface GitHubHarness extends GitHubFake {
  baseUrl: string;
  /** Every wait the client asked for (the transport's and the correlation's), in ms; nothing really sleeps. */
  waits: number[];
  client: (options?: GitHubClientOptions & { token?: string }) => GitHubClient;
  close: () => Promise<void>;
}

export async function startGitHub(worldOptions: GitHubWorldOptions = {}): Promise<GitHubHarness> {
  const world = new GitHubWorld({ token: TOKEN, ...worldOptions });
  registerShippedDeployWorkflow(world);
  world.executor = runDeployWorkflow;
  const fake = createGitHubFake(world);
  const baseUrl = await fake.service.listen();
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
  };
  return {
    ...fake,
    baseUrl,
    waits,
    client: ({ token, ...options } = {}) =>
      createGitHubClient({ baseUrl, owner: world.owner, repo: world.repo, token: token ?? TOKEN }, fetch, {
        sleep,
        retry: { baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2_000 },
        correlation: { attempts: 3, delayMs: 10 },
        ...options,
      }),
    close: () => fake.service.close(),
  };
}

/** Adds `count` commits on the default branch, each touching `path` (or the paths given per index). */
export function seedCommits(
  world: GitHubWorld,
  count: number,
  files: (index: number) => string[] = () => ['apps/backend/content.txt'],
): string[] {
  return Array.from({ length: count }, (_, index) =>
    world.addCommit({
      message: `OPS-${index + 1} change ${index + 1}\n\nbody line`,
      files: files(index),
      author: { name: `Author ${index % 3}`, email: `a${index % 3}@example.com` },
    }),
  );
}

export function aDeployRequest(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    requestId: 'rq-2025-0001-abcdef',
    releaseId: '10042',
    environment: 'prod',
    kosliEnvironment: 'jira-integration-example-prod',
    tagPattern: 'running-{env}-{app}',
    artifacts: [{ app: 'backend', commit: 'a'.repeat(40), fingerprint: 'f'.repeat(64) }],
    ...overrides,
  };
}

/** Requests logged for one "METHOD /route/pattern". */
export function calls(fake: GitHubFake, operation: string): GitHubFake['service']['log'] {
  return fake.service.log.filter((entry) => `${entry.method} ${entry.route}` === operation);
}
