/**
 * The fake Jira driven by a client nobody here wrote: jira.js (6.x, generated from Jira's v3
 * OpenAPI, every response checked against its schemas with `onSchemaMismatch: 'throw'`). Every
 * operation the app calls, and the neighbours a user's script would call next to them, must work
 * through it; every exchange is then checked against Atlassian's OpenAPI document too.
 */
import { createCloudClient, isAuthError, isNotFoundError, isRateLimitError } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_HEADER } from '../../sandbox/fakes/jira/jira-fake';
import { aWorld, type JiraHarness, startJira } from '../jira/harness';
import { JiraOpenApi } from '../jira/openapi-contract';

const spec = JiraOpenApi.load();
const TOKEN = 'forge-minted-token-3b9c';

let jira: JiraHarness;

function client(options: { token?: string; asUser?: string } = {}) {
  return createCloudClient({
    host: jira.baseUrl,
    auth: { type: 'bearer', token: options.token ?? TOKEN },
    headers: options.asUser === undefined ? {} : { [ACCOUNT_HEADER]: options.asUser },
    onSchemaMismatch: 'throw',
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  const world = aWorld();
  world.addIssue({ key: 'ABC-1', summary: 'Checkout', status: 'Done' });
  world.addIssue({ key: 'ABC-2', summary: 'Cart' });
  world.grantPermission('acc-dev', 'ABC', 'EDIT_ISSUES');
  jira = await startJira({ world, token: TOKEN });
});

afterAll(async () => jira.close());

describe('jira.js against the fake Jira', () => {
  it('runs every operation the app uses, and their neighbours, with schema-checked answers', async () => {
    const api = client();
    const project = await api.projects.getProject({ projectIdOrKey: 'ABC' });
    expect(project.key).toBe('ABC');

    const version = await api.projectVersions.createVersion({
      name: 'shop-2026.12.02',
      projectId: Number(project.id),
      description: 'candidate',
    });
    const id = String(version.id);
    const page = await api.projectVersions.getProjectVersionsPaginated({
      projectIdOrKey: 'ABC',
      status: 'unreleased',
      maxResults: 50,
    });
    expect(page.values?.map((v) => v.id)).toContain(id);
    expect((await api.projectVersions.getProjectVersions({ projectIdOrKey: 'ABC' })).map((v) => v.id)).toContain(id);
    expect(await api.projectVersions.getVersion({ id, expand: 'approvers' })).toMatchObject({ id, approvers: [] });
    await api.projectVersions.updateVersion({ id, body: { description: 'candidate, refreshed' } });

    await api.projectVersions.createRelatedWork({
      id,
      category: 'Deployment',
      title: 'Kosli trail',
      url: 'https://app.kosli.com/acme/flows/shop-release/trails/10000',
    });
    expect((await api.projectVersions.getRelatedWork({ id })).map((w) => w.category)).toEqual(['Deployment']);

    await api.issues.editIssue({ issueIdOrKey: 'ABC-2', update: { fixVersions: [{ add: { id } }] } });
    const bulk = await api.issueBulkOperations.submitBulkEdit({
      selectedActions: ['fixVersions'],
      selectedIssueIdsOrKeys: ['ABC-1'],
      editedFieldsInput: {
        multipleVersionPickerFields: [
          { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'ADD', versions: [{ versionId: id }] },
        ],
      },
      sendBulkNotification: false,
    });
    jira.advanceClock(60_000);
    expect(await api.issueBulkOperations.getBulkOperationProgress({ taskId: String(bulk.taskId) })).toMatchObject({
      status: 'COMPLETE',
      processedAccessibleIssues: [Number(jira.world.issue('ABC-1')?.id)],
      invalidOrInaccessibleIssueCount: 0,
    });
    const posted = await api.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql: `fixVersion = ${id}`,
      fields: ['summary', 'fixVersions'],
      maxResults: 50,
    });
    expect(posted.issues?.map((i) => i.key)).toEqual(['ABC-1', 'ABC-2']);
    const got = await api.issueSearch.searchAndReconsileIssuesUsingJql({
      jql: 'project = ABC ORDER BY key ASC',
      fields: ['summary', 'status'],
      maxResults: 1,
    });
    expect(got.issues?.map((i) => i.key)).toEqual(['ABC-1']);
    expect(got.nextPageToken).toEqual(expect.any(String));

    const mine = await client({ asUser: 'acc-dev' }).permissions.getMyPermissions({
      projectKey: 'ABC',
      permissions: 'EDIT_ISSUES,WORK_ON_ISSUES,ADMINISTER',
    });
    expect(mine.permissions?.['EDIT_ISSUES']?.havePermission).toBe(true);
    expect(mine.permissions?.['WORK_ON_ISSUES']).toMatchObject({ key: 'WORK_ON_ISSUES', havePermission: false });
    expect(mine.permissions?.['ADMINISTER']?.havePermission).toBe(false);
    expect(await api.users.getUser({ accountId: 'acc-po' })).toMatchObject({
      accountId: 'acc-po',
      displayName: 'Pat Owner',
    });
    expect((await api.userSearch.findUsers({ query: 'pat', maxResults: 10 })).map((u) => u.accountId)).toEqual([
      'acc-po',
    ]);
    const projects = await api.projects.searchProjects({ query: 'ab', orderBy: 'key', maxResults: 10 });
    expect(projects).toMatchObject({ isLast: true, total: 1, startAt: 0 });
    expect(projects.values.map((p) => p.key)).toEqual(['ABC']);

    await api.projectVersions.updateVersion({ id, body: { released: true, releaseDate: '2026-12-02' } });
    expect(await api.projectVersions.getVersion({ id })).toMatchObject({ released: true, releaseDate: '2026-12-02' });
  });

  it("gets Jira's errors as jira.js types them: 401, 404, a burst 429 with its reset time", async () => {
    expect(
      isAuthError(await failure(client({ token: 'expired' }).projects.getProject({ projectIdOrKey: 'ABC' }))),
    ).toBe(true);
    expect(isNotFoundError(await failure(client().projectVersions.getVersion({ id: '99999' })))).toBe(true);

    jira.world.setBurstLimit(1, 2);
    try {
      await client()
        .projects.getProject({ projectIdOrKey: 'ABC' })
        .catch(() => undefined);
      const limited = await failure(client().projects.getProject({ projectIdOrKey: 'ABC' }));
      expect(isRateLimitError(limited) && limited.retryAfterMs).toBe(2000);
    } finally {
      jira.world.burstLimit = undefined;
    }
    const burst = await fetch(`${jira.baseUrl}/rest/api/3/project/ABC`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(burst.headers.get('x-ratelimit-limit')).not.toBeNull();
  });

  it('answers carry Jira rate-limit headers, and a burst 429 says when the limit resets', async () => {
    const ok = await fetch(`${jira.baseUrl}/rest/api/3/project/ABC`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await ok.arrayBuffer();
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'beta-ratelimit-policy', 'beta-ratelimit'])
      expect(ok.headers.get(name), name).not.toBeNull();
    jira.world.setBurstLimit(1, 3);
    try {
      const responses = await Promise.all(
        [1, 2].map(() =>
          fetch(`${jira.baseUrl}/rest/api/3/project/ABC`, { headers: { authorization: `Bearer ${TOKEN}` } }),
        ),
      );
      const limited = responses.find((r) => r.status === 429);
      expect(limited?.headers.get('retry-after')).toBe('3');
      expect(limited?.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
      await Promise.all(responses.map((r) => r.arrayBuffer()));
    } finally {
      jira.world.burstLimit = undefined;
    }
  });

  it('every exchange jira.js made conforms to the Jira OpenAPI document', () => {
    const problems = jira.service.log.flatMap((entry) => spec.checkExchange(entry));
    expect(problems).toEqual([]);
    const operations = new Set(jira.service.log.map((entry) => `${entry.method} ${entry.route}`));
    // Jira Software's Deployments API is not in the platform document jira.js is generated from:
    // its own suite checks it (test/contract/jira-deployments.contract.test.ts).
    const platform = jira.service.operations.filter((op) => !op.includes(' /rest/deployments/'));
    expect([...operations].sort()).toEqual([...platform].sort());
  });
});
