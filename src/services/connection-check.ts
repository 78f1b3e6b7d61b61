/**
 * "Check connection": one live check per setting, each with a specific answer. The checks are
 * independent (one failing never stops another) and run in parallel, so the page answers within a
 * few round trips even when a system is down.
 */
import type { ConnectionCheck, SecretStatus } from '../contract';
import { type AppError, toAppError } from '../errors';
import type { GitHubClient } from '../github/types';
import type { KosliClient } from '../kosli/types';
import { KOSLI_HOSTS, type ProjectConfig } from '../release/config';
import type { CallContext, Deps, SecretName } from './deps';
import { requireJiraAdmin } from './permissions';
import { savedConfig } from './settings';
import { SECRET_LABELS, SECRET_VARIABLES, secretStore } from './secrets';

/** What a check found: ok with a sentence, or not ok with a sentence saying what to fix. */
interface Outcome {
  ok: boolean;
  message: string;
}

interface CheckSpec {
  id: string;
  label: string;
  run(): Promise<Outcome>;
  /** Turns an error of this check into the sentence to show; defaults to the error's message. */
  explain?: (error: AppError) => string;
}

const pass = (message: string): Outcome => ({ ok: true, message });
const fail = (message: string): Outcome => ({ ok: false, message });

export async function checkConnection(deps: Deps, ctx: CallContext): Promise<{ checks: ConnectionCheck[] }> {
  await requireJiraAdmin(ctx);
  const config = await savedConfig(deps, ctx.projectKey);
  const secrets = secretStore(deps.secrets);
  const [kosliToken, githubToken, kosliStatus, githubStatus] = await Promise.all([
    secrets.get(ctx.projectKey, 'kosliToken'),
    secrets.get(ctx.projectKey, 'githubToken'),
    secrets.status(ctx.projectKey, 'kosliToken'),
    secrets.status(ctx.projectKey, 'githubToken'),
  ]);
  const kosli = kosliToken ? deps.kosli(config, kosliToken) : null;
  const github = githubToken ? deps.github(config, githubToken) : null;
  const specs = [
    tokenCheck('kosliToken', kosliStatus),
    ...kosliChecks(config, kosli),
    tokenCheck('githubToken', githubStatus),
    ...githubChecks(config, github),
    ...jiraChecks(deps, ctx.projectKey),
  ];
  return { checks: await Promise.all(specs.map(runCheck)) };
}

async function runCheck(spec: CheckSpec): Promise<ConnectionCheck> {
  try {
    const outcome = await spec.run();
    return { id: spec.id, label: spec.label, ...outcome };
  } catch (thrown) {
    const error = toAppError(thrown);
    return { id: spec.id, label: spec.label, ok: false, message: spec.explain?.(error) ?? error.message };
  }
}

function tokenCheck(name: SecretName, status: SecretStatus): CheckSpec {
  const label = SECRET_LABELS[name];
  return {
    id: name === 'kosliToken' ? 'kosli.token' : 'github.token',
    label: `${label} set`,
    run: async () => {
      if (status.source === 'settings')
        return pass(`The ${label} was entered in the settings${status.updatedAt ? ` (${status.updatedAt})` : ''}.`);
      if (status.source === 'forge-variable')
        return pass(`The ${label} comes from the Forge encrypted variable ${SECRET_VARIABLES[name]}.`);
      return fail(
        `The ${label} is not set: enter it in the settings, or run "forge variables set --encrypt ${SECRET_VARIABLES[name]} <token>".`,
      );
    },
  };
}

/** Explains a Kosli error for one object; auth failures read the same on every check. */
function kosliExplain(config: ProjectConfig, what: string) {
  const knownHost = Object.values(KOSLI_HOSTS).some((host) => host === config.kosli.host);
  return (error: AppError): string => {
    // Forge's egress proxy refuses hosts the manifest does not list, whatever the token.
    if (!knownHost) {
      return `Could not reach ${config.kosli.host}: a custom Kosli host must be added to manifest.yml (permissions.external.fetch.backend: - address: ${config.kosli.host}) and the app redeployed. (${error.message})`;
    }
    if (error.code === 'UPSTREAM_AUTH' && error.status === 401)
      return 'Kosli rejected the token (401): set a valid Kosli API token.';
    if (error.code === 'UPSTREAM_AUTH')
      return `The token has no access to Kosli org '${config.kosli.org}' (403): check the org name and the token's org.`;
    return `Could not check ${what}: ${error.message}`;
  };
}

function kosliChecks(config: ProjectConfig, kosli: KosliClient | null): CheckSpec[] {
  const { org, environments, sourceFlow, releaseFlow } = config.kosli;
  const withKosli = (check: (client: KosliClient) => Promise<Outcome>) => async () =>
    kosli ? check(kosli) : fail(`Not checked: the ${SECRET_LABELS.kosliToken} is not set.`);
  const envCheck = (role: 'dev' | 'staging' | 'prod'): CheckSpec => ({
    id: `kosli.environments.${role}`,
    label: `Kosli ${role} environment`,
    run: withKosli(async (client) =>
      (await client.environmentExists(environments[role]))
        ? pass(`Environment '${environments[role]}' exists in org '${org}'.`)
        : fail(
            `Environment '${environments[role]}' is missing in Kosli org '${org}': create it or fix the ${role} environment name.`,
          ),
    ),
    explain: kosliExplain(config, `environment '${environments[role]}'`),
  });
  const flowCheck = (id: string, label: string, flow: string, setting: string): CheckSpec => ({
    id,
    label,
    run: withKosli(async (client) =>
      (await client.flowExists(flow))
        ? pass(`Flow '${flow}' exists in org '${org}'.`)
        : fail(
            `Flow '${flow}' is missing in Kosli org '${org}': create it${setting === 'Release flow' ? ' ("Set up Kosli" creates it)' : ''} or fix "${setting}".`,
          ),
    ),
    explain: kosliExplain(config, `flow '${flow}'`),
  });
  return [
    {
      id: 'kosli.org',
      label: 'Kosli organisation reachable',
      // Any answer other than 401/403 shows the host answers and the token belongs to the org.
      run: withKosli(async (client) => {
        await client.environmentExists(environments.dev);
        return pass(`Kosli at ${config.kosli.host} accepts the token for org '${org}'.`);
      }),
      explain: kosliExplain(config, `org '${org}' at ${config.kosli.host}`),
    },
    envCheck('dev'),
    envCheck('staging'),
    envCheck('prod'),
    flowCheck('kosli.sourceFlow', 'Kosli source flow', sourceFlow, 'Source flow'),
    flowCheck('kosli.releaseFlow', 'Kosli release flow', releaseFlow, 'Release flow'),
    ...config.apps.map((app, index) =>
      flowCheck(
        `kosli.apps.${index}.buildFlow`,
        `Kosli build flow of ${app.name}`,
        app.buildFlow,
        `Build flow of ${app.name}`,
      ),
    ),
  ];
}

function githubExplain(config: ProjectConfig, what: string) {
  return (error: AppError): string => {
    if (error.code === 'UPSTREAM_AUTH' && error.status === 401)
      return 'GitHub rejected the token (401): set a valid GitHub token.';
    if (error.code === 'UPSTREAM_AUTH')
      return `GitHub refused access to ${config.github.owner}/${config.github.repo} (403): the token lacks a permission.`;
    return `Could not check ${what}: ${error.message}`;
  };
}

function githubChecks(config: ProjectConfig, github: GitHubClient | null): CheckSpec[] {
  const { owner, repo, stagingWorkflow, prodWorkflow } = config.github;
  const slug = `${owner}/${repo}`;
  const withGitHub = (check: (client: GitHubClient) => Promise<Outcome>) => async () =>
    github ? check(github) : fail(`Not checked: the ${SECRET_LABELS.githubToken} is not set.`);
  // Staging and prod often share one workflow file: check it once, under both names.
  const workflows = new Map<string, string[]>();
  for (const [role, file] of [
    ['staging', stagingWorkflow],
    ['prod', prodWorkflow],
  ] as const)
    workflows.set(file, [...(workflows.get(file) ?? []), role]);
  return [
    {
      id: 'github.repo',
      label: 'GitHub repository',
      run: withGitHub(async (client) =>
        (await client.repositoryExists())
          ? pass(`Repository ${slug} exists and the token can read it.`)
          : fail(`Repository ${slug} was not found (or the token cannot see it): check owner and repository.`),
      ),
      explain: githubExplain(config, `repository ${slug}`),
    },
    ...[...workflows].map(([file, roles]): CheckSpec => ({
      id: `github.workflow.${roles.join('-')}`,
      label: `GitHub ${roles.join(' and ')} workflow`,
      run: withGitHub(async (client) =>
        (await client.workflowExists(file))
          ? pass(`Workflow ${file} exists and is active in ${slug}.`)
          : fail(
              `Workflow ${file} was not found in ${slug}, or it is disabled: add it to .github/workflows or fix the ${roles.join(' and ')} workflow file name.`,
            ),
      ),
      explain: githubExplain(config, `workflow ${file}`),
    })),
    {
      id: 'github.dispatch',
      label: 'GitHub token may run workflows',
      run: withGitHub(async (client) =>
        (await client.canDispatch())
          ? pass(`The token may dispatch workflows in ${slug}.`)
          : fail(
              `The token may not dispatch workflows in ${slug}: it needs write access (Actions: write, or the "repo" scope).`,
            ),
      ),
      explain: githubExplain(config, "the token's permissions"),
    },
  ];
}

function jiraChecks(deps: Deps, projectKey: string): CheckSpec[] {
  return [
    {
      id: 'jira.project',
      label: 'Jira project',
      run: async () => {
        const project = await deps.jiraAsApp.getProject(projectKey);
        return pass(`Jira project ${project.key} (${project.name}) exists.`);
      },
      explain: (error) =>
        error.code === 'UPSTREAM_NOT_FOUND'
          ? `Jira project ${projectKey} was not found, or the app cannot browse it.`
          : `Could not check Jira project ${projectKey}: ${error.message}`,
    },
    {
      id: 'jira.versions',
      label: 'App may manage Jira releases',
      // Creating and releasing versions needs Administer Projects in the project (or Administer Jira).
      run: async () => {
        const held = await deps.jiraAsApp.myPermissions(['ADMINISTER_PROJECTS'], projectKey);
        return held['ADMINISTER_PROJECTS'] === true
          ? pass(`The app may create and release versions in ${projectKey}.`)
          : fail(
              `The app lacks "Administer Projects" in ${projectKey}, so it cannot create or release versions: grant it to the app's role (atlassian-addons-project-access) in the project's permission scheme.`,
            );
      },
      explain: (error) =>
        error.code === 'UPSTREAM_NOT_FOUND'
          ? `Jira project ${projectKey} was not found.`
          : `Could not check the app's permissions in ${projectKey}: ${error.message}`,
    },
  ];
}
