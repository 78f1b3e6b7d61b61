/**
 * Loads a project's configuration and builds its Kosli and GitHub clients with its tokens.
 * Every use case that talks to Kosli or GitHub starts here, so "not configured" reads the same.
 */
import { AppError } from '../errors';
import type { GitHubClient } from '../github/types';
import type { KosliClient } from '../kosli/types';
import type { ProjectConfig } from '../release/config';
import type { EnvironmentRole, EnvironmentSnapshot } from '../release/types';
import type { Deps } from './deps';

export interface ProjectClients {
  config: ProjectConfig;
  kosli: KosliClient;
  github: GitHubClient;
}

export async function loadConfig(deps: Deps, projectKey: string): Promise<ProjectConfig> {
  const stored = await deps.store.settings.config(projectKey);
  if (!stored) {
    throw new AppError(
      'NOT_CONFIGURED',
      `Kosli Release Gate is not configured for project ${projectKey}: a Jira administrator must fill in its settings (Jira settings → Apps → Kosli Release Gate).`,
    );
  }
  return stored.config;
}

export async function projectClients(deps: Deps, projectKey: string): Promise<ProjectClients> {
  const [config, kosliToken, githubToken] = await Promise.all([
    loadConfig(deps, projectKey),
    deps.secrets.get(projectKey, 'kosliToken'),
    deps.secrets.get(projectKey, 'githubToken'),
  ]);
  if (!kosliToken)
    throw new AppError(
      'NOT_CONFIGURED',
      'The Kosli API token is not set: an administrator must set it in the app settings.',
    );
  if (!githubToken)
    throw new AppError(
      'NOT_CONFIGURED',
      'The GitHub token is not set: an administrator must set it in the app settings.',
    );
  // From here these values may surface in an upstream message: every log line hides them.
  deps.log.knowSecret(kosliToken);
  deps.log.knowSecret(githubToken);
  return { config, kosli: deps.kosli(config, kosliToken), github: deps.github(config, githubToken) };
}

/** The latest snapshot of one of the project's environments, each artifact's flow picked by its app's build flow. */
export function latestSnapshot(
  config: ProjectConfig,
  kosli: KosliClient,
  role: EnvironmentRole,
): Promise<EnvironmentSnapshot> {
  return kosli.latestSnapshot(
    config.kosli.environments[role],
    (name) => config.apps.find((app) => app.name === name)?.buildFlow,
  );
}
