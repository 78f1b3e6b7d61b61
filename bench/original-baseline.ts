/**
 * The original scripts' strategy (kosli-dev/jira-integration-example), re-implemented as the plain
 * HTTP calls their bash and CLI commands make, one after another, against the same fakes:
 * - `generateJiraRelease`: the generate-jira-release action (reference notes §A.8) with the
 *   per-commit Jira-key loop of §A.9;
 * - `checkApprovedRelease`: the first job of release-to-prod.yml (§A.10 step 1).
 *
 * Two faithful departures, both forced by the fakes and neither changing a call count: the
 * existing-keys search goes to POST /rest/api/3/search/jql (the scripts' GET /rest/api/3/search was
 * removed by Atlassian; the fake serves only its replacement), asked for one page of the default
 * size (50) as the scripts did, without paging; and `kosli begin trail` sends no per-trail template
 * file (the fake refuses one; the release flow already has that template).
 */
import { z } from 'zod';
import { JIRA_TOKEN, KOSLI_TOKEN, type World } from '../sandbox/world/start-world';

export interface OriginalEnvironment {
  jiraBaseUrl: string;
  kosliBaseUrl: string;
  kosliToken: string;
  org: string;
  projectId: string;
  projectKey: string;
  environments: { staging: string; prod: string };
  sourceFlow: string;
  releaseFlow: string;
  /** `git log --format=%H --reverse base..head` in the workflow's full clone: local, no API call. */
  gitLog(base: string, head: string): string[];
  now(): Date;
}

export interface OriginalRelease {
  versionId: string;
  created: boolean;
  /** Keys the per-commit loop found (issue_exists true), sorted and unique. */
  keys: string[];
  /** Keys written with PUT fields.fixVersions (replacing the issue's other fix versions). */
  written: string[];
}

interface ShortListEntry {
  name: string;
  fingerprint: string;
  flow_name: string;
  template_reference_name: string;
  git_commit: string;
}

/** What the scripts' jq filters read, and nothing more. */
const snapshotSchema = z.looseObject({
  artifacts: z
    .array(
      z.looseObject({
        name: z.string(),
        fingerprint: z.string(),
        annotation: z.looseObject({ now: z.number() }).optional(),
        flows: z
          .array(
            z.looseObject({
              flow_name: z.string().nullish(),
              template_reference_name: z.string().nullish(),
              git_commit: z.string().nullish(),
              git_commit_info: z.looseObject({ sha1: z.string(), timestamp: z.number() }).nullish(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});
type SnapshotArtifact = z.output<typeof snapshotSchema>['artifacts'][number];
const versionsSchema = z.looseObject({ values: z.array(z.looseObject({ id: z.string() })) });
const versionSchema = z.looseObject({
  id: z.string(),
  approvers: z.array(z.looseObject({ status: z.string() })).optional(),
});
const searchSchema = z.looseObject({ issues: z.array(z.looseObject({ key: z.string() })) });
const workReferenceSchema = z.array(
  z.looseObject({
    jira_results: z.array(z.looseObject({ issue_id: z.string(), issue_exists: z.boolean() })).default([]),
  }),
);

/** The response body checked against what the script reads; any other status stops the script (`set -e`). */
async function body<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.output<S>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text}`);
  return schema.parse(text === '' ? undefined : JSON.parse(text));
}

export function createOriginalScripts(env: OriginalEnvironment) {
  // The scripts authenticate to Jira with Basic auth as a service user; the fake Jira treats a
  // request without the runtime's user header as a fully privileged caller, which that user is.
  const jiraHeaders = {
    authorization: `Basic ${Buffer.from(`release-bot@example.com:${JIRA_TOKEN}`).toString('base64')}`,
    accept: 'application/json',
  };
  const kosliHeaders = { authorization: `Bearer ${env.kosliToken}`, accept: 'application/json' };
  const jira = (path: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${env.jiraBaseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: init.json === undefined ? jiraHeaders : { ...jiraHeaders, 'content-type': 'application/json' },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
  const kosliUrl = (...segments: string[]) =>
    `${env.kosliBaseUrl}/api/v2/${segments.map(encodeURIComponent).join('/')}`;
  const kosliForm = (method: string, url: string, data: unknown) => {
    const form = new FormData();
    form.set('data_json', JSON.stringify(data));
    return fetch(url, { method, headers: kosliHeaders, body: form });
  };

  /** `kosli get snapshot <env>` filtered to running artifacts (annotation.now != 0). */
  async function running(environment: string): Promise<SnapshotArtifact[]> {
    const snapshot = await body(
      await fetch(kosliUrl('snapshots', env.org, environment, '-1'), { headers: kosliHeaders }),
      snapshotSchema,
      `snapshot ${environment}`,
    );
    return snapshot.artifacts.filter((artifact) => artifact.annotation?.now !== 0);
  }

  /** create_running_sw_short_list_json: flows[0] taken blindly. */
  async function shortList(environment: string): Promise<ShortListEntry[]> {
    return (await running(environment)).map((artifact) => ({
      name: artifact.name,
      fingerprint: artifact.fingerprint,
      flow_name: artifact.flows[0]?.flow_name ?? '',
      template_reference_name: artifact.flows[0]?.template_reference_name ?? '',
      git_commit: artifact.flows[0]?.git_commit ?? '',
    }));
  }

  /** The newest commit (by git_commit_info.timestamp) over every flow of every running artifact. */
  async function newestCommit(environment: string): Promise<string | undefined> {
    const flows = (await running(environment)).flatMap((artifact) => artifact.flows);
    const sorted = [...flows].sort((a, b) => (a.git_commit_info?.timestamp ?? 0) - (b.git_commit_info?.timestamp ?? 0));
    return sorted.at(-1)?.git_commit_info?.sha1;
  }

  async function attestRunningSoftware(trail: string, name: string, list: ShortListEntry[]): Promise<void> {
    await body(
      await kosliForm('POST', kosliUrl('attestations', env.org, env.releaseFlow, 'trail', trail, 'custom'), {
        attestation_name: name,
        type_name: 'running-sw',
        attestation_data: list,
      }),
      z.unknown(),
      `attest ${name}`,
    );
  }

  /** §A.9: one Kosli call per commit between prod's newest and staging's newest commit. */
  async function jiraKeysSinceProd(): Promise<string[]> {
    const staging = await newestCommit(env.environments.staging);
    const prod = await newestCommit(env.environments.prod);
    if (!staging || !prod) return [];
    const keys = new Set<string>();
    for (const commit of env.gitLog(prod, staging)) {
      const response = await fetch(
        kosliUrl('attestations', env.org, env.sourceFlow, 'trail', commit, 'work-reference'),
        { headers: kosliHeaders },
      );
      // `2>/dev/null`: a commit without a trail is skipped silently.
      if (!response.ok) {
        await response.arrayBuffer();
        continue;
      }
      const attestations = await body(response, workReferenceSchema, `work-reference of ${commit}`);
      for (const attestation of attestations)
        for (const result of attestation.jira_results) if (result.issue_exists) keys.add(result.issue_id);
    }
    return [...keys].sort();
  }

  return {
    /** The generate-jira-release composite action, step by step (§A.8). */
    async generateJiraRelease(): Promise<OriginalRelease> {
      const unreleased = await body(
        await jira(`/rest/api/3/project/${env.projectId}/version?status=unreleased`),
        versionsSchema,
        'unreleased versions',
      );
      let versionId = unreleased.values[0]?.id;
      const created = versionId === undefined;
      if (versionId === undefined) {
        const now = env.now().toISOString();
        const name = `${now.slice(0, 10)}-${now.slice(11, 13)}-${now.slice(14, 16)}-${now.slice(17, 19)}`;
        const version = await body(
          await jira('/rest/api/3/version', {
            method: 'POST',
            json: {
              description: `Release ${name}`,
              name,
              projectId: Number(env.projectId),
              startDate: now.slice(0, 10),
            },
          }),
          versionSchema,
          'create version',
        );
        versionId = version.id;
        const releaseLink = `${env.jiraBaseUrl}/projects/${env.projectKey}/versions/${versionId}`;
        await body(
          await kosliForm('PUT', kosliUrl('trails', env.org, env.releaseFlow), {
            name: versionId,
            external_urls: { JiraRelease: { href: releaseLink } },
          }),
          z.unknown(),
          'begin trail',
        );
        await body(
          await jira(`/rest/api/3/version/${versionId}/relatedwork`, {
            method: 'POST',
            json: {
              category: 'Audit',
              title: 'Kosli Trail',
              url: `https://app.kosli.com/${env.org}/flows/${env.releaseFlow}/trails/${versionId}`,
            },
          }),
          z.unknown(),
          'related work',
        );
        await attestRunningSoftware(versionId, 'prod-software', await shortList(env.environments.prod));
      }
      await attestRunningSoftware(versionId, 'staging-software', await shortList(env.environments.staging));
      const search = await body(
        await jira('/rest/api/3/search/jql', {
          method: 'POST',
          json: { jql: `fixVersion='${versionId}'`, fields: ['key'] },
        }),
        searchSchema,
        'issues in the release',
      );
      const existing = new Set(search.issues.map((issue) => issue.key));
      const keys = await jiraKeysSinceProd();
      const written: string[] = [];
      for (const key of keys) {
        if (existing.has(key)) continue;
        await body(
          await jira(`/rest/api/3/issue/${key}`, {
            method: 'PUT',
            json: { fields: { fixVersions: [{ id: versionId }] } },
          }),
          z.unknown(),
          `fixVersions of ${key}`,
        );
        written.push(key);
      }
      return { versionId, created, keys, written };
    },

    /** check-approved-release (§A.10 step 1): the first unreleased version, all approvers APPROVED. */
    async checkApprovedRelease(): Promise<'no-release' | 'no-approvers' | 'not-approved' | 'approved'> {
      const unreleased = await body(
        await jira(`/rest/api/3/project/${env.projectId}/version?status=unreleased`),
        versionsSchema,
        'unreleased versions',
      );
      const first = unreleased.values[0];
      if (!first) return 'no-release';
      const version = await body(
        await jira(`/rest/api/3/version/${first.id}?expand=approvers`),
        versionSchema,
        'version',
      );
      const approvers = version.approvers ?? [];
      if (approvers.length === 0) return 'no-approvers';
      return approvers.every((a) => a.status === 'APPROVED') ? 'approved' : 'not-approved';
    },
  };
}

export type OriginalScripts = ReturnType<typeof createOriginalScripts>;

/** The original scripts pointed at a world's fakes, with the world's names and a local `git log`. */
export function originalScriptsFor(world: World): OriginalScripts {
  const kosliBaseUrl = world.runtime.egress['https://app.kosli.com'];
  if (!kosliBaseUrl) throw new Error('The world has no Kosli egress mapping');
  return createOriginalScripts({
    jiraBaseUrl: world.runtime.jiraBaseUrl,
    kosliBaseUrl,
    kosliToken: KOSLI_TOKEN,
    org: world.config.kosli.org,
    projectId: world.scenario.project.id,
    projectKey: world.scenario.project.key,
    environments: { staging: world.config.kosli.environments.staging, prod: world.config.kosli.environments.prod },
    sourceFlow: world.config.kosli.sourceFlow,
    releaseFlow: world.config.kosli.releaseFlow,
    gitLog: (base, head) => world.github.world.compare(base, head).ahead.map((commit) => commit.sha),
    now: () => new Date(),
  });
}
