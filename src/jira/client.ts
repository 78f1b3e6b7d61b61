/**
 * The Jira Cloud REST v3 adapter. Every call is written literally as
 * `requestJira(route`...`, { method: '…', … })`: @forge/lint's permission linter reads the source and
 * maps each such call to the OAuth scope it needs, so paths must not be built in helpers.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { mapBounded } from '../http/bounded';
import { type UpstreamCall, readJson, sendWithRetry, type TransportOptions } from '../http/transport';
import type { JiraApprover } from '../release/types';
import { type RequestJira, route } from './route';
import {
  BULK_EDIT_MAX_ISSUES,
  type BulkTask,
  type JiraClient,
  type JiraIssue,
  type JiraUser,
  type JiraVersion,
  type RelatedWork,
} from './types';

const READ = { Accept: 'application/json' };
const WRITE = { Accept: 'application/json', 'Content-Type': 'application/json' };

/** Jira may cap either page size silently; the loops read the real one back from each page. */
const VERSION_PAGE_SIZE = 50;
const SEARCH_PAGE_SIZE = 100;
/** Key searches run at once for one release page: 5,000 keys in 5 rounds, within Jira's burst allowance. */
const SEARCH_CONCURRENCY = 10;
const SEARCH_FIELDS = ['summary', 'status', 'issuetype', 'fixVersions'];
/** Jira answers up to 5,000 issues a page when only ids and keys are asked for; a JQL list of 1,000 ids stays short. */
const ID_PAGE_SIZE = 1000;

const projectSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });

const approverSchema = z.object({
  accountId: z.string(),
  status: z.enum(['PENDING', 'APPROVED', 'DECLINED']),
  declineReason: z.string().optional(),
});

// Jira omits `description`, `releaseDate` and `approvers` when they are unset.
const versionSchema = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.number().int(),
  description: z.string().optional(),
  released: z.boolean().optional(),
  archived: z.boolean().optional(),
  releaseDate: z.string().optional(),
  approvers: z.array(approverSchema).optional(),
});

const versionPageSchema = z.object({
  startAt: z.number().int(),
  maxResults: z.number().int(),
  isLast: z.boolean(),
  values: z.array(versionSchema),
});

// The native release-notes item has no relatedWorkId and cannot be changed through the API.
const relatedWorkSchema = z.object({
  relatedWorkId: z.string().nullish(),
  category: z.string(),
  title: z.string().nullish(),
  url: z.string().nullish(),
});

const issueSchema = z.object({
  key: z.string(),
  fields: z.object({
    summary: z.string(),
    status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }) }),
    issuetype: z.object({ name: z.string() }),
    fixVersions: z.array(z.object({ id: z.string() })),
  }),
});

// nextPageToken is absent on the last page (JRACLOUD-92184); the spec says null. Accept both.
function searchPageSchema<S extends z.ZodType>(issue: S) {
  return z.object({ issues: z.array(issue), nextPageToken: z.string().nullish(), isLast: z.boolean().optional() });
}

const issueIdSchema = z.object({ id: z.string(), key: z.string() });

const submittedBulkSchema = z.object({ taskId: z.string() });

// Atlassian's schema types created/started/updated as date-time strings while its own examples show
// epoch milliseconds: none of them is read. Results come only once the task has ended.
const bulkProgressSchema = z.object({
  taskId: z.string(),
  status: z.enum(['ENQUEUED', 'RUNNING', 'COMPLETE', 'FAILED', 'CANCEL_REQUESTED', 'CANCELLED', 'DEAD']),
  progressPercent: z.number().optional(),
  processedAccessibleIssues: z.array(z.number().int()).optional(),
  failedAccessibleIssues: z.record(z.string(), z.array(z.string())).optional(),
  invalidOrInaccessibleIssueCount: z.number().int().optional(),
});

// emailAddress is left out (or null) when the user's privacy settings hide it.
const userSchema = z.object({ accountId: z.string(), displayName: z.string(), emailAddress: z.string().nullish() });

const permissionsSchema = z.object({
  permissions: z.record(z.string(), z.object({ havePermission: z.boolean() })),
});

function call(operation: string, idempotent: boolean, notFound?: string): UpstreamCall {
  return notFound === undefined
    ? { system: 'jira', operation, idempotent }
    : { system: 'jira', operation, idempotent, notFound };
}

function toVersion(wire: z.output<typeof versionSchema>): JiraVersion {
  return {
    id: wire.id,
    name: wire.name,
    projectId: String(wire.projectId),
    description: wire.description ?? '',
    released: wire.released ?? false,
    archived: wire.archived ?? false,
    releaseDate: wire.releaseDate ?? null,
    approvers: (wire.approvers ?? []).map(({ accountId, status, declineReason }): JiraApprover =>
      declineReason === undefined ? { accountId, status } : { accountId, status, declineReason },
    ),
  };
}

function toRelatedWork(wire: z.output<typeof relatedWorkSchema>): RelatedWork | undefined {
  if (!wire.relatedWorkId) return undefined;
  return {
    relatedWorkId: wire.relatedWorkId,
    category: wire.category,
    title: wire.title ?? null,
    url: wire.url ?? null,
  };
}

const STATUS_CATEGORIES = ['new', 'indeterminate', 'done'] as const;

function toIssue(wire: z.output<typeof issueSchema>): JiraIssue {
  const category = STATUS_CATEGORIES.find((c) => c === wire.fields.status.statusCategory.key) ?? 'unknown';
  return {
    key: wire.key,
    summary: wire.fields.summary,
    status: wire.fields.status.name,
    statusCategory: category,
    issueType: wire.fields.issuetype.name,
    fixVersionIds: wire.fields.fixVersions.map((v) => v.id),
  };
}

function toBulkTask(wire: z.output<typeof bulkProgressSchema>): BulkTask {
  const state =
    wire.status === 'COMPLETE'
      ? 'complete'
      : ['FAILED', 'CANCELLED', 'DEAD'].includes(wire.status)
        ? 'ended'
        : 'running';
  return {
    taskId: wire.taskId,
    state,
    progressPercent: wire.progressPercent ?? 0,
    editedIssueIds: (wire.processedAccessibleIssues ?? []).map(String),
    failedIssues: wire.failedAccessibleIssues ?? {},
    invalidOrInaccessibleCount: wire.invalidOrInaccessibleIssueCount ?? 0,
  };
}

function invalid(operation: string, message: string): AppError {
  return new AppError('UPSTREAM_INVALID_RESPONSE', `Jira ${operation} ${message}`, { system: 'jira', operation });
}

export function createJiraClient(requestJira: RequestJira, options: TransportOptions = {}): JiraClient {
  /** Every page of a JQL search (POST /rest/api/3/search/jql), following nextPageToken. */
  async function searchPages<S extends z.ZodType>(
    jql: string,
    fields: readonly string[],
    maxResults: number,
    issue: S,
  ): Promise<z.output<S>[]> {
    // A search is a read sent as POST, so repeating it is harmless.
    const ctx = call('POST /rest/api/3/search/jql', true);
    const schema = searchPageSchema(issue);
    const issues: z.output<S>[] = [];
    let nextPageToken: string | undefined;
    for (;;) {
      const body = JSON.stringify({ jql, fields, maxResults, ...(nextPageToken ? { nextPageToken } : {}) });
      const response = await sendWithRetry(
        (signal) => requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: WRITE, body, signal }),
        ctx,
        options,
      );
      const page = await readJson(response, schema, ctx);
      issues.push(...page.issues);
      if (page.isLast === true || !page.nextPageToken) return issues;
      if (page.nextPageToken === nextPageToken) throw invalid(ctx.operation, 'returned the same nextPageToken twice.');
      nextPageToken = page.nextPageToken;
    }
  }

  const client: JiraClient = {
    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get */
    async getProject(projectIdOrKey) {
      const ctx = call(
        'GET /rest/api/3/project/{projectIdOrKey}',
        true,
        `Jira project ${projectIdOrKey} not found (or the app cannot browse it).`,
      );
      const response = await sendWithRetry(
        (signal) => requestJira(route`/rest/api/3/project/${projectIdOrKey}`, { method: 'GET', headers: READ, signal }),
        ctx,
        options,
      );
      return readJson(response, projectSchema, ctx);
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get */
    async searchProjects(query, limit) {
      const ctx = call('GET /rest/api/3/project/search', true, 'Jira project search is not available.');
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/project/search?query=${query}&orderBy=${'key'}&maxResults=${limit}`, {
            method: 'GET',
            headers: READ,
            signal,
          }),
        ctx,
        options,
      );
      const page = await readJson(response, z.object({ values: z.array(projectSchema), isLast: z.boolean() }), ctx);
      return { projects: page.values.map(({ id, key, name }) => ({ id, key, name })), more: !page.isLast };
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-project-projectidorkey-version-get */
    async listUnreleasedVersions(projectIdOrKey) {
      const operation = 'GET /rest/api/3/project/{projectIdOrKey}/version';
      const ctx = call(operation, true, `Jira project ${projectIdOrKey} not found (or the app cannot browse it).`);
      const versions: JiraVersion[] = [];
      for (let startAt = 0; ;) {
        const response = await sendWithRetry(
          (signal) =>
            requestJira(
              route`/rest/api/3/project/${projectIdOrKey}/version?status=unreleased&expand=approvers&startAt=${startAt}&maxResults=${VERSION_PAGE_SIZE}`,
              { method: 'GET', headers: READ, signal },
            ),
          ctx,
          options,
        );
        const page = await readJson(response, versionPageSchema, ctx);
        // Either would loop forever: a page from elsewhere, or an empty page that claims more follow.
        if (page.startAt !== startAt)
          throw invalid(operation, `returned the page at ${page.startAt} when asked for ${startAt}.`);
        versions.push(...page.values.map(toVersion));
        if (page.isLast) return versions;
        if (page.values.length === 0) throw invalid(operation, 'returned an empty page that is not the last one.');
        startAt += page.values.length;
      }
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-id-get */
    async getVersion(versionId) {
      const ctx = call('GET /rest/api/3/version/{id}', true, `Jira version ${versionId} not found.`);
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/version/${versionId}?expand=approvers`, {
            method: 'GET',
            headers: READ,
            signal,
          }),
        ctx,
        options,
      );
      return toVersion(await readJson(response, versionSchema, ctx));
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-post */
    async createVersion(input) {
      if (!/^\d+$/.test(input.projectId)) {
        throw new AppError('INVALID_INPUT', `Jira project id must be numeric, got '${input.projectId}'.`);
      }
      // Not idempotent: a 5xx or timeout is reported as maybeApplied instead of creating a twin.
      const ctx = call(
        'POST /rest/api/3/version',
        false,
        `Jira project ${input.projectId} not found (or the app cannot administer it).`,
      );
      const body = JSON.stringify({
        projectId: Number(input.projectId),
        name: input.name,
        description: input.description,
        startDate: input.startDate,
      });
      try {
        const response = await sendWithRetry(
          (signal) => requestJira(route`/rest/api/3/version`, { method: 'POST', headers: WRITE, body, signal }),
          ctx,
          options,
        );
        return toVersion(await readJson(response, versionSchema, ctx));
      } catch (error) {
        // Jira answers 400 with errors.name "A version with this name already exists in this project."
        if (
          error instanceof AppError &&
          error.code === 'UPSTREAM_REJECTED' &&
          error.status === 400 &&
          /already exists/i.test(error.message)
        ) {
          throw new AppError('CONFLICT', `Jira already has a version named '${input.name}' in this project.`, {
            cause: error,
            system: 'jira',
            operation: error.operation,
            status: 400,
            details: { field: 'name' },
          });
        }
        throw error;
      }
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-id-put */
    async updateVersionDescription(versionId, description) {
      const ctx = call('PUT /rest/api/3/version/{id}', true, `Jira version ${versionId} not found.`);
      const body = JSON.stringify({ description });
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/version/${versionId}`, { method: 'PUT', headers: WRITE, body, signal }),
        ctx,
        options,
      );
      await readJson(response, versionSchema, ctx);
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-id-put */
    async releaseVersion(versionId, releaseDate) {
      const ctx = call('PUT /rest/api/3/version/{id}', true, `Jira version ${versionId} not found.`);
      const body = JSON.stringify({ released: true, releaseDate });
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/version/${versionId}`, { method: 'PUT', headers: WRITE, body, signal }),
        ctx,
        options,
      );
      const version = await readJson(response, versionSchema, ctx);
      if (version.released !== true) {
        throw new AppError('UPSTREAM_REJECTED', `Jira did not mark version ${versionId} as released.`, {
          system: 'jira',
          operation: ctx.operation,
        });
      }
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-id-relatedwork-get */
    async listRelatedWork(versionId) {
      const ctx = call('GET /rest/api/3/version/{id}/relatedwork', true, `Jira version ${versionId} not found.`);
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/version/${versionId}/relatedwork`, { method: 'GET', headers: READ, signal }),
        ctx,
        options,
      );
      const items = await readJson(response, z.array(relatedWorkSchema), ctx);
      return items.map(toRelatedWork).filter((item): item is RelatedWork => item !== undefined);
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-id-relatedwork-post */
    async addRelatedWork(versionId, link) {
      // Not idempotent: a repeated POST adds a second link.
      const ctx = call('POST /rest/api/3/version/{id}/relatedwork', false, `Jira version ${versionId} not found.`);
      const body = JSON.stringify({ category: link.category, title: link.title, url: link.url });
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/version/${versionId}/relatedwork`, {
            method: 'POST',
            headers: WRITE,
            body,
            signal,
          }),
        ctx,
        options,
      );
      const created = toRelatedWork(await readJson(response, relatedWorkSchema, ctx));
      if (!created) throw invalid(ctx.operation, 'returned related work without a relatedWorkId.');
      return created;
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post */
    async searchIssues(jql) {
      return (await searchPages(jql, SEARCH_FIELDS, SEARCH_PAGE_SIZE, issueSchema)).map(toIssue);
    },

    async searchIssuesByKeys(keys) {
      const chunks: string[][] = [];
      for (let i = 0; i < keys.length; i += SEARCH_PAGE_SIZE) chunks.push(keys.slice(i, i + SEARCH_PAGE_SIZE));
      const found = await mapBounded(chunks, SEARCH_CONCURRENCY, (chunk) =>
        client.searchIssues(`key in (${chunk.join(', ')})`),
      );
      return found.flat();
    },

    /**
     * Without `notifyUsers=false`: Jira honours it only for project or Jira admins and answers 403
     * to anyone else, and the app must work with plain Edit issues permission.
     * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put
     */
    async addFixVersion(issueKey, versionId) {
      const ctx = call(
        'PUT /rest/api/3/issue/{issueIdOrKey}',
        true,
        `Jira issue ${issueKey} not found (or the app cannot browse it).`,
      );
      // `update.add` keeps the issue's other fix versions; `fields.fixVersions` would replace them.
      const body = JSON.stringify({ update: { fixVersions: [{ add: { id: versionId } }] } });
      await sendWithRetry(
        (signal) => requestJira(route`/rest/api/3/issue/${issueKey}`, { method: 'PUT', headers: WRITE, body, signal }),
        ctx,
        options,
      );
    },

    /**
     * `ADD` keeps each issue's other fix versions. No bulk notification: one e-mail per release
     * refresh would be noise; the single edit's notifyUsers=false needs admin rights, this does not.
     * A repeated submission (a retry after a 5xx) starts a second task whose edits change nothing.
     * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-bulk-operations/#api-rest-api-3-bulk-issues-fields-post
     */
    async bulkAddFixVersion(issueKeys, versionId) {
      if (issueKeys.length === 0 || issueKeys.length > BULK_EDIT_MAX_ISSUES) {
        throw new AppError(
          'INVALID_INPUT',
          `A Jira bulk edit takes 1 to ${BULK_EDIT_MAX_ISSUES} issues, not ${issueKeys.length}.`,
        );
      }
      const ctx = call('POST /rest/api/3/bulk/issues/fields', true);
      const body = JSON.stringify({
        selectedActions: ['fixVersions'],
        selectedIssueIdsOrKeys: issueKeys,
        editedFieldsInput: {
          multipleVersionPickerFields: [
            { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'ADD', versions: [{ versionId }] },
          ],
        },
        sendBulkNotification: false,
      });
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/bulk/issues/fields`, { method: 'POST', headers: WRITE, body, signal }),
        ctx,
        options,
      );
      return (await readJson(response, submittedBulkSchema, ctx)).taskId;
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-bulk-operations/#api-rest-api-3-bulk-queue-taskid-get */
    async bulkTask(taskId) {
      const ctx = call(
        'GET /rest/api/3/bulk/queue/{taskId}',
        true,
        `Jira bulk task ${taskId} not found (Jira keeps a task's progress 14 days).`,
      );
      const response = await sendWithRetry(
        (signal) => requestJira(route`/rest/api/3/bulk/queue/${taskId}`, { method: 'GET', headers: READ, signal }),
        ctx,
        options,
      );
      return toBulkTask(await readJson(response, bulkProgressSchema, ctx));
    },

    async issueKeysByIds(ids) {
      const keys = new Map<string, string>();
      for (let i = 0; i < ids.length; i += ID_PAGE_SIZE) {
        const chunk = ids.slice(i, i + ID_PAGE_SIZE);
        if (chunk.some((id) => !/^\d+$/.test(id))) throw new AppError('INVALID_INPUT', 'Jira issue ids are numeric.');
        // `fields: ['id']` asks for ids and keys only, which Jira pages by up to 5,000.
        for (const issue of await searchPages(`id in (${chunk.join(', ')})`, ['id'], ID_PAGE_SIZE, issueIdSchema))
          keys.set(issue.id, issue.key);
      }
      return keys;
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get */
    async getUser(accountId) {
      const ctx = call('GET /rest/api/3/user', true, `Jira user ${accountId} not found.`);
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/user?accountId=${accountId}`, { method: 'GET', headers: READ, signal }),
        ctx,
        options,
      );
      const user = await readJson(response, userSchema, ctx);
      return {
        accountId: user.accountId,
        displayName: user.displayName,
        emailAddress: user.emailAddress ?? null,
      } satisfies JiraUser;
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get */
    async searchUsers(query) {
      const ctx = call('GET /rest/api/3/user/search', true, 'Jira user search is not available.');
      const response = await sendWithRetry(
        (signal) =>
          requestJira(route`/rest/api/3/user/search?query=${query}&maxResults=${20}`, {
            method: 'GET',
            headers: READ,
            signal,
          }),
        ctx,
        options,
      );
      const users = await readJson(
        response,
        z.array(userSchema.extend({ accountType: z.string().optional(), active: z.boolean().optional() })),
        ctx,
      );
      // Only people can approve: apps and deactivated accounts are left out.
      return users
        .filter((user) => (user.accountType ?? 'atlassian') === 'atlassian' && user.active !== false)
        .map(
          (user) =>
            ({
              accountId: user.accountId,
              displayName: user.displayName,
              emailAddress: user.emailAddress ?? null,
            }) satisfies JiraUser,
        );
    },

    /** @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get */
    async myPermissions(permissions, projectKey) {
      if (permissions.length === 0) throw new AppError('INVALID_INPUT', 'Ask Jira for at least one permission.');
      const ctx = call(
        'GET /rest/api/3/mypermissions',
        true,
        projectKey === undefined ? undefined : `Jira project ${projectKey} not found.`,
      );
      const keys = permissions.join(',');
      const response = await sendWithRetry(
        (signal) =>
          projectKey === undefined
            ? requestJira(route`/rest/api/3/mypermissions?permissions=${keys}`, {
                method: 'GET',
                headers: READ,
                signal,
              })
            : requestJira(route`/rest/api/3/mypermissions?permissions=${keys}&projectKey=${projectKey}`, {
                method: 'GET',
                headers: READ,
                signal,
              }),
        ctx,
        options,
      );
      const answer = await readJson(response, permissionsSchema, ctx);
      const held: Record<string, boolean> = {};
      for (const key of permissions) {
        const entry = answer.permissions[key];
        if (!entry) throw invalid(ctx.operation, `did not answer for permission ${key}.`);
        held[key] = entry.havePermission;
      }
      return held;
    },
  };
  return client;
}
