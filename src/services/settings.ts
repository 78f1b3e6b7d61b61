/**
 * The per-project settings, for Jira administrators only (checked on the server as the calling
 * user). A save is validated completely before anything is written, so a bad save changes nothing;
 * tokens are written only to the secret store and reported back as "set" / "not set".
 */
import type { Person, ProjectChoice, SettingsView } from '../contract';
import { lookupUsers } from './approval-status';
import type { ProjectConfig } from '../release/config';
import { AppError } from '../errors';
import { defaultProjectConfig, validateProjectConfig } from '../release/config';
import type { CallContext, Deps, SecretName } from './deps';
import { requireJiraAdmin } from './permissions';
import { checkSecretValue, secretStore } from './secrets';

/** One page of Jira's project search: enough to pick from, with a filter for the rest. */
const PROJECT_CHOICES = 50;

export async function getSettings(deps: Deps, ctx: CallContext): Promise<SettingsView> {
  await requireJiraAdmin(ctx);
  // A mistyped key must not load the defaults as if the project existed.
  await requireJiraProject(deps, ctx.projectKey);
  return settingsView(deps, ctx.projectKey);
}

export async function saveSettings(deps: Deps, ctx: CallContext, input: unknown): Promise<SettingsView> {
  await requireJiraAdmin(ctx);
  const checked = validateProjectConfig(input);
  if (!checked.ok) {
    const count = Object.keys(checked.errors).length;
    throw new AppError(
      'INVALID_INPUT',
      `The settings were not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} correcting.`,
      {
        details: { fields: checked.errors },
      },
    );
  }
  await requireJiraProject(deps, ctx.projectKey);
  await deps.store.settings.saveConfig(ctx.projectKey, {
    config: checked.config,
    savedAt: deps.clock.now(),
    savedBy: ctx.actor,
  });
  return settingsView(deps, ctx.projectKey);
}

/** Sets (a string) or clears (null) the project's admin-entered token. */
export async function setSecret(
  deps: Deps,
  ctx: CallContext,
  name: SecretName,
  value: string | null,
): Promise<SettingsView> {
  await requireJiraAdmin(ctx);
  const store = secretStore(deps.secrets);
  if (value === null) await store.clear(ctx.projectKey, name);
  else {
    // Validated before the project is looked up, so a bad value costs no Jira call.
    checkSecretValue(name, value);
    await requireJiraProject(deps, ctx.projectKey);
    await store.set(ctx.projectKey, name, value, { at: deps.clock.now(), accountId: ctx.actor });
  }
  return settingsView(deps, ctx.projectKey);
}

async function settingsView(deps: Deps, projectKey: string): Promise<SettingsView> {
  const store = secretStore(deps.secrets);
  const [stored, kosliToken, githubToken] = await Promise.all([
    deps.store.settings.config(projectKey),
    store.status(projectKey, 'kosliToken'),
    store.status(projectKey, 'githubToken'),
  ]);
  const config = stored?.config ?? defaultProjectConfig();
  const names = await lookupUsers(deps, config.approval.approvers);
  return {
    projectKey,
    config,
    approvers: config.approval.approvers.map((accountId) => ({
      accountId,
      displayName: names.get(accountId)?.displayName ?? accountId,
    })),
    saved: stored !== undefined,
    secrets: { kosliToken, githubToken },
  };
}

/** People an admin can pick as approvers: Jira's user search, as the app. */
export async function searchPeople(deps: Deps, ctx: CallContext, query: string): Promise<{ users: Person[] }> {
  await requireJiraAdmin(ctx);
  const users = await deps.jiraAsApp.searchUsers(query);
  return { users: users.map(({ accountId, displayName }) => ({ accountId, displayName })) };
}

/** Projects an admin can pick on the settings page: Jira's project search as the app, each marked configured or not. */
export async function listProjects(
  deps: Deps,
  ctx: CallContext,
  query: string,
): Promise<{ projects: ProjectChoice[]; more: boolean }> {
  await requireJiraAdmin(ctx);
  const { projects, more } = await deps.jiraAsApp.searchProjects(query, PROJECT_CHOICES);
  const stored = await Promise.all(projects.map((project) => deps.store.settings.config(project.key)));
  return { projects: projects.map(({ key, name }, i) => ({ key, name, configured: stored[i] !== undefined })), more };
}

/** The saved configuration, for the checks and the Kosli set-up (they test what was saved). */
export async function savedConfig(deps: Deps, projectKey: string): Promise<ProjectConfig> {
  const stored = await deps.store.settings.config(projectKey);
  if (!stored)
    throw new AppError('NOT_CONFIGURED', `Save the settings for ${projectKey} first: this uses the saved settings.`);
  return stored.config;
}

/** Settings for a project that does not exist would never be used: say so instead of storing them. */
async function requireJiraProject(deps: Deps, projectKey: string): Promise<void> {
  try {
    await deps.jiraAsApp.getProject(projectKey);
  } catch (error) {
    if (error instanceof AppError && error.code === 'UPSTREAM_NOT_FOUND') {
      throw new AppError(
        'NOT_FOUND',
        `There is no Jira project with the key ${projectKey} (or the app cannot see it): check the key.`,
        { cause: error },
      );
    }
    throw error;
  }
}
