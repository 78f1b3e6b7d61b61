/**
 * Per-project configuration: its shape, its defaults (the original process's names, so its users
 * recognise them) and its validation. Pure: the settings resolver validates with this before storing.
 */
import { z } from 'zod';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const REPO_PATH = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._\-/]{1,200}(?<!\/)$/;
const WORKFLOW_FILE = /^[A-Za-z0-9._-]{1,100}\.ya?ml$/;
const GIT_REF = /^(?!.*\.\.)(?!\/)[A-Za-z0-9._\-/]{1,200}$/;
const GH_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$/;

/** Where the deploy workflow records what runs: one tag per environment and app. */
export const DEFAULT_TAG_PATTERN = 'running-{env}-{app}';

export const KOSLI_HOSTS = {
  eu: 'https://app.kosli.com',
  us: 'https://app.us.kosli.com',
} as const;

const name = (what: string) =>
  z.string().trim().regex(NAME, `${what}: letters, digits, '.', '_' or '-', starting with a letter or digit`);

export const appConfigSchema = z.strictObject({
  name: name('App name'),
  path: z.string().trim().regex(REPO_PATH, 'Path in the repository, e.g. apps/backend (no leading slash, no "..")'),
  buildFlow: name('Build flow'),
  templateName: name('Template artifact name'),
});

const accountIds = z.array(z.string().trim().regex(ACCOUNT_ID, 'An Atlassian account id'));

const approvalPolicySchema = z.strictObject({
  approvers: accountIds.max(50),
  includeJiraApprovers: z.boolean(),
  rule: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('atLeast'), count: z.number().int().min(1).max(50) }),
  ]),
  noSelfApproval: z.boolean(),
});

/** Rollbacks: the project's approval policy (`approval: null`) or their own; whether each approval must say why. */
const rollbackSettingsSchema = z.strictObject({
  approval: approvalPolicySchema.nullable(),
  reasonRequired: z.boolean(),
});

/** The emergency path, off by default: a named group whose single approval, with a reason, ships. */
const emergencySettingsSchema = z.strictObject({
  enabled: z.boolean(),
  groupName: z.string().trim().min(1, 'Name the emergency group').max(60),
  approvers: accountIds.max(20),
});

export const projectConfigSchema = z
  .strictObject({
    kosli: z.strictObject({
      host: z
        .string()
        .trim()
        .url('Kosli host must be a URL')
        .refine((value) => value.startsWith('https://'), 'Kosli host must use https://')
        .transform((value) => value.replace(/\/+$/, '')),
      org: name('Kosli organisation'),
      environments: z.strictObject({
        dev: name('Dev environment'),
        staging: name('Staging environment'),
        prod: name('Prod environment'),
      }),
      sourceFlow: name('Source flow'),
      releaseFlow: name('Release flow'),
    }),
    apps: z.array(appConfigSchema).min(1, 'Configure at least one app').max(20, 'At most 20 apps'),
    github: z.strictObject({
      owner: z.string().trim().regex(GH_NAME, 'GitHub owner, e.g. acme'),
      repo: z.string().trim().regex(GH_NAME, 'GitHub repository name, e.g. shop'),
      ref: z.string().trim().regex(GIT_REF, 'A branch or tag, e.g. main'),
      stagingWorkflow: z.string().trim().regex(WORKFLOW_FILE, 'A workflow file name, e.g. deploy.yml'),
      prodWorkflow: z.string().trim().regex(WORKFLOW_FILE, 'A workflow file name, e.g. deploy.yml'),
      tagPattern: z
        .string()
        .trim()
        .refine(
          (value) => value.includes('{env}') && value.includes('{app}'),
          'The tag pattern must contain {env} and {app}',
        )
        .refine(
          (value) => /^[A-Za-z0-9{}._-]{1,100}$/.test(value),
          'The tag pattern may use letters, digits, ".", "_", "-" and {env}, {app}',
        ),
    }),
    approval: approvalPolicySchema,
    release: z.strictObject({
      /** UTC name of a new version; tokens YYYY MM DD HH mm ss. */
      namePattern: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .refine(
          (value) => /YYYY|MM|DD|HH|mm|ss/.test(value),
          'The name pattern needs at least one of YYYY, MM, DD, HH, mm, ss',
        ),
      refreshOnSchedule: z.boolean(),
      /** On an app's first release, how many commits of history to include at most. */
      firstReleaseCommitLimit: z.number().int().min(1).max(5000),
    }),
    /** Absent in configurations saved before rollbacks existed: the project's policy, no reason required. */
    rollback: rollbackSettingsSchema.optional(),
    /** Absent or disabled: no emergency path. */
    emergency: emergencySettingsSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.apps.forEach((app, index) => {
      const previous = seen.get(app.name);
      if (previous !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['apps', index, 'name'],
          message: `App "${app.name}" is configured twice`,
        });
      }
      seen.set(app.name, index);
    });
    const paths = new Map<string, number>();
    config.apps.forEach((app, index) => {
      if (paths.has(app.path))
        ctx.addIssue({
          code: 'custom',
          path: ['apps', index, 'path'],
          message: `Path "${app.path}" is used by two apps`,
        });
      paths.set(app.path, index);
    });
    const envs = Object.values(config.kosli.environments);
    if (new Set(envs).size !== envs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['kosli', 'environments'],
        message: 'Dev, staging and prod must be different environments',
      });
    }
    if (
      config.approval.rule.kind === 'atLeast' &&
      !config.approval.includeJiraApprovers &&
      config.approval.rule.count > config.approval.approvers.length
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['approval', 'rule', 'count'],
        message: 'More approvals required than approvers listed',
      });
    }
    if (config.approval.approvers.length === 0 && !config.approval.includeJiraApprovers) {
      ctx.addIssue({
        code: 'custom',
        path: ['approval', 'approvers'],
        message: 'List at least one approver or count the Jira release approvers',
      });
    }
    const rollbackPolicy = config.rollback?.approval;
    if (rollbackPolicy) {
      if (rollbackPolicy.approvers.length === 0 && !rollbackPolicy.includeJiraApprovers) {
        ctx.addIssue({
          code: 'custom',
          path: ['rollback', 'approval', 'approvers'],
          message: 'List at least one rollback approver or count the Jira release approvers',
        });
      }
      if (
        rollbackPolicy.rule.kind === 'atLeast' &&
        !rollbackPolicy.includeJiraApprovers &&
        rollbackPolicy.rule.count > rollbackPolicy.approvers.length
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['rollback', 'approval', 'rule', 'count'],
          message: 'More rollback approvals required than approvers listed',
        });
      }
    }
    if (config.emergency?.enabled && config.emergency.approvers.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['emergency', 'approvers'],
        message: 'Name at least one person who may approve an emergency release',
      });
    }
  });

export type ProjectConfig = z.output<typeof projectConfigSchema>;
export type AppConfig = z.output<typeof appConfigSchema>;
export type RollbackSettings = z.output<typeof rollbackSettingsSchema>;
export type EmergencySettings = z.output<typeof emergencySettingsSchema>;

/** Defaults that match the original jira-integration-example names. */
export function defaultProjectConfig(): ProjectConfig {
  return {
    kosli: {
      host: KOSLI_HOSTS.eu,
      org: 'kosli-public',
      environments: {
        dev: 'jira-integration-example-dev',
        staging: 'jira-integration-example-staging',
        prod: 'jira-integration-example-prod',
      },
      sourceFlow: 'jira-example-source',
      releaseFlow: 'jira-example-release',
    },
    apps: [
      { name: 'backend', path: 'apps/backend', buildFlow: 'jira-example-backend', templateName: 'backend' },
      { name: 'frontend', path: 'apps/frontend', buildFlow: 'jira-example-frontend', templateName: 'frontend' },
    ],
    github: {
      owner: 'kosli-dev',
      repo: 'jira-integration-example',
      ref: 'main',
      stagingWorkflow: 'kosli-release-gate-deploy.yml',
      prodWorkflow: 'kosli-release-gate-deploy.yml',
      tagPattern: DEFAULT_TAG_PATTERN,
    },
    approval: { approvers: [], includeJiraApprovers: true, rule: { kind: 'all' }, noSelfApproval: false },
    release: { namePattern: 'YYYY-MM-DD-HH-mm-ss', refreshOnSchedule: false, firstReleaseCommitLimit: 500 },
  };
}

export type FieldErrors = Record<string, string>;

/** Validates untrusted input; returns the config or the errors keyed by field path ("apps.1.path"). */
export function validateProjectConfig(
  input: unknown,
): { ok: true; config: ProjectConfig } | { ok: false; errors: FieldErrors } {
  const result = projectConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '(root)';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The tag that records what runs in an environment: `running-{env}-{app}` → `running-prod-backend`. */
export function tagName(pattern: string, env: string, app: string): string {
  return pattern.replaceAll('{env}', env).replaceAll('{app}', app);
}

/** Formats a UTC version name from the pattern; `now` is passed in (no clock here). */
export function versionName(pattern: string, nowIso: string): string {
  const d = new Date(nowIso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return pattern
    .replace('YYYY', String(d.getUTCFullYear()))
    .replace('MM', pad(d.getUTCMonth() + 1))
    .replace('DD', pad(d.getUTCDate()))
    .replace('HH', pad(d.getUTCHours()))
    .replace('mm', pad(d.getUTCMinutes()))
    .replace('ss', pad(d.getUTCSeconds()));
}
