/**
 * The fake Jira's own behaviour, over raw HTTP: the parts of real Jira the client must never lean on
 * (replacing `fields.fixVersions`, silent JQL), permissions per caller, and paging details.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_HEADER, createJiraFake, type JiraFake } from '../../sandbox/fakes/jira/jira-fake';
import { JiraWorld } from '../../sandbox/fakes/jira/world';

let fake: JiraFake;
let base: string;
let world: JiraWorld;
let release: string;
let hotfix: string;

beforeEach(async () => {
  world = new JiraWorld();
  world.addProject({ key: 'ABC' });
  world.addProject({ key: 'SEC' });
  world.addUser({ accountId: 'acc-dev', displayName: 'Dee' });
  hotfix = world.addVersion({ project: 'ABC', name: 'Hotfix' }).id;
  release = world.addVersion({ project: 'ABC', name: 'Release 1', releaseDate: '2026-01-01' }).id;
  world.addIssue({ key: 'ABC-1', fixVersions: [hotfix] });
  world.addIssue({ key: 'ABC-2', status: 'Done', fixVersions: [release] });
  world.addIssue({ key: 'SEC-1' });
  fake = createJiraFake(world, { now: () => Date.parse('2026-03-02T00:00:00Z') });
  base = await fake.service.listen();
});

afterEach(async () => {
  await fake.service.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  asUser?: string,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (asUser !== undefined) headers[ACCOUNT_HEADER] = asUser;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const search = (jql: string, extra: Record<string, unknown> = {}, asUser?: string) =>
  call('POST', '/rest/api/3/search/jql', { jql, fields: ['fixVersions'], ...extra }, asUser);

function keysOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || !('issues' in body) || !Array.isArray(body.issues)) return [];
  return body.issues.map((issue: unknown) =>
    typeof issue === 'object' && issue !== null && 'key' in issue ? String(issue.key) : '',
  );
}

describe('fake Jira: editing fix versions', () => {
  it('replaces every fix version when given fields.fixVersions, as real Jira does', async () => {
    const response = await call('PUT', '/rest/api/3/issue/ABC-1', { fields: { fixVersions: [{ id: release }] } });
    expect(response.status).toBe(204);
    expect(world.issue('ABC-1')?.fixVersionIds).toEqual([release]);
  });

  it('adds and removes with update operations, all or nothing', async () => {
    expect(
      (
        await call('PUT', '/rest/api/3/issue/ABC-1', {
          update: { fixVersions: [{ add: { id: release } }, { remove: { name: 'Hotfix' } }] },
        })
      ).status,
    ).toBe(204);
    expect(world.issue('ABC-1')?.fixVersionIds).toEqual([release]);
    const bad = await call('PUT', '/rest/api/3/issue/ABC-1', {
      update: { fixVersions: [{ add: { id: hotfix } }, { add: { id: '999' } }] },
    });
    expect(bad).toEqual({
      status: 400,
      body: { errorMessages: [], errors: { fixVersions: "Version id '999' is not valid" } },
    });
    expect(world.issue('ABC-1')?.fixVersionIds).toEqual([release]);
  });

  it('refuses a version of another project, fields it cannot set, and both forms at once', async () => {
    const other = world.addVersion({ project: 'SEC', name: 'S1' }).id;
    expect(
      (await call('PUT', '/rest/api/3/issue/ABC-1', { update: { fixVersions: [{ add: { id: other } }] } })).status,
    ).toBe(400);
    expect(await call('PUT', '/rest/api/3/issue/ABC-1', { fields: { summary: 'x' } })).toEqual({
      status: 400,
      body: {
        errorMessages: [],
        errors: { summary: "Field 'summary' cannot be set. It is not on the appropriate screen, or unknown." },
      },
    });
    expect(
      (await call('PUT', '/rest/api/3/issue/ABC-1', { fields: { fixVersions: [] }, update: { fixVersions: [] } }))
        .status,
    ).toBe(400);
  });

  it('lets only project admins silence notifications', async () => {
    world.grantPermission('acc-dev', 'ABC', 'EDIT_ISSUES');
    world.grantPermission('acc-dev', 'ABC', 'RESOLVE_ISSUES');
    const body = { update: { fixVersions: [{ add: { id: release } }] } };
    expect((await call('PUT', '/rest/api/3/issue/ABC-1?notifyUsers=false', body, 'acc-dev')).status).toBe(403);
    expect((await call('PUT', '/rest/api/3/issue/ABC-1', body, 'acc-dev')).status).toBe(204);
    expect((await call('PUT', '/rest/api/3/issue/ABC-1?notifyUsers=false', body)).status).toBe(204);
  });

  it('hides the fix version field from users without Resolve issues', async () => {
    world.grantPermission('acc-dev', 'ABC', 'EDIT_ISSUES');
    const response = await call(
      'PUT',
      '/rest/api/3/issue/ABC-1',
      { update: { fixVersions: [{ add: { id: release } }] } },
      'acc-dev',
    );
    expect(response.status).toBe(400);
  });
});

describe('fake Jira: JQL', () => {
  it.each([
    ['fixVersion = 10001', ['ABC-2']],
    ['fixVersion = "Hotfix"', ['ABC-1']],
    ['fixVersion in (10000, 10001) ORDER BY key DESC', ['ABC-2', 'ABC-1']],
    ['key in (ABC-2, SEC-1)', ['ABC-2', 'SEC-1']],
    ['project = ABC AND status = Done', ['ABC-2']],
    ['project in (ABC, SEC) and issuetype = Story', ['ABC-1', 'ABC-2', 'SEC-1']],
  ])('%s', async (jql, keys) => {
    const response = await search(jql);
    expect(response.status).toBe(200);
    expect(keysOf(response.body)).toEqual(keys);
  });

  it.each([
    ['', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
    ['order by key', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
    ['project = ABC OR project = SEC', "only AND between clauses, not 'OR'"],
    ['fixVersion in unreleasedVersions()', "JQL function 'unreleasedVersions()'"],
    ['assignee = currentUser()', "cannot search by 'assignee'"],
    ['colour = red', "Field 'colour' does not exist or you do not have permission to view it."],
    ['project != ABC', "only '=' and 'in', not '!='"],
    ['project = ABC AND', 'Expecting a field name before the end of the query.'],
    ['key in (ABC-1, ABC-99)', "An issue with key 'ABC-99' does not exist for field 'key'."],
    ['fixVersion = 424242', "The value '424242' does not exist for the field 'fixVersion'."],
    ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
    ['project = "ABC', "The quoted string 'ABC' has not been completed."],
  ])('answers %j with a 400 and Jira-like errorMessages', async (jql, message) => {
    const response = await search(jql);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorMessages: [expect.stringContaining(message)], errors: {} });
  });

  it('returns only ids and keys unless fields are asked for, and pages ids up to 5,000', async () => {
    for (let i = 3; i <= 150; i++) world.addIssue({ key: `ABC-${i}` });
    const response = await call('POST', '/rest/api/3/search/jql', { jql: 'project = ABC', maxResults: 1000 });
    expect(keysOf(response.body)).toHaveLength(150);
    expect(response.body).toMatchObject({
      isLast: true,
      issues: expect.arrayContaining([
        { expand: expect.any(String), id: expect.any(String), self: expect.any(String), key: 'ABC-1' },
      ]),
    });
    expect(response.body).not.toHaveProperty('nextPageToken');
    expect(response.body).not.toHaveProperty(['issues', 0, 'fields']);

    const capped = await search('project = ABC', { maxResults: 1000 });
    expect(keysOf(capped.body)).toHaveLength(100);
    expect(capped.body).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
  });

  it('refuses a page token from another query', async () => {
    for (let i = 3; i <= 5; i++) world.addIssue({ key: `ABC-${i}` });
    const first = await search('project = ABC', { maxResults: 2 });
    const token =
      typeof first.body === 'object' && first.body !== null && 'nextPageToken' in first.body
        ? first.body.nextPageToken
        : undefined;
    expect(typeof token).toBe('string');
    expect((await search('project = ABC', { maxResults: 2, nextPageToken: token })).status).toBe(200);
    expect((await search('project = SEC', { maxResults: 2, nextPageToken: token })).status).toBe(400);
  });

  it('leaves out issues of projects the caller cannot browse', async () => {
    world.revokePermission('acc-dev', '*', 'BROWSE_PROJECTS');
    world.grantPermission('acc-dev', 'SEC', 'BROWSE_PROJECTS');
    expect(keysOf((await search('issuetype = Story', {}, 'acc-dev')).body)).toEqual(['SEC-1']);
    expect((await search('key = ABC-1', {}, 'acc-dev')).status).toBe(400);
  });
});

describe('fake Jira: versions', () => {
  it('pages like Jira: self, nextPage, total, isLast, capped maxResults', async () => {
    for (let i = 1; i <= 60; i++) world.addVersion({ project: 'ABC', name: `v${i}` });
    const first = await call('GET', '/rest/api/3/project/ABC/version?status=unreleased&maxResults=500');
    expect(first.body).toMatchObject({
      startAt: 0,
      maxResults: 50,
      total: 62,
      isLast: false,
      self: `${base}/rest/api/3/project/ABC/version?status=unreleased&maxResults=50&startAt=0`,
      nextPage: `${base}/rest/api/3/project/ABC/version?status=unreleased&maxResults=50&startAt=50`,
    });
    const last = await call('GET', '/rest/api/3/project/ABC/version?status=unreleased&startAt=50');
    expect(last.body).toMatchObject({ startAt: 50, isLast: true, values: expect.any(Array) });
    expect(last.body).not.toHaveProperty('nextPage');
  });

  it('filters by status and orders by name', async () => {
    world.addVersion({ project: 'ABC', name: 'Alpha', released: true, releaseDate: '2025-12-01' });
    const released = await call('GET', '/rest/api/3/project/ABC/version?status=released');
    expect(released.body).toMatchObject({ total: 1, values: [{ name: 'Alpha', released: true }] });
    const byName = await call('GET', '/rest/api/3/project/ABC/version?orderBy=-name');
    expect(byName.body).toMatchObject({ values: [{ name: 'Release 1' }, { name: 'Hotfix' }, { name: 'Alpha' }] });
    expect((await call('GET', '/rest/api/3/project/ABC/version?status=shipped')).status).toBe(400);
  });

  it('treats approvers as read-only: a create body cannot set them', async () => {
    world.addUser({ accountId: 'acc-po', displayName: 'Pat' });
    const created = await call('POST', '/rest/api/3/version', {
      projectId: 10000,
      name: 'R2',
      approvers: [{ accountId: 'acc-po', status: 'APPROVED' }],
    });
    expect(created.status).toBe(201);
    const id =
      typeof created.body === 'object' && created.body !== null && 'id' in created.body ? String(created.body.id) : '';
    expect(world.version(id)?.approvers).toEqual([]);
    world.setApprover(id, 'acc-po', 'PENDING');
    expect((await call('GET', `/rest/api/3/version/${id}?expand=approvers`)).body).toMatchObject({
      approvers: [{ accountId: 'acc-po', status: 'PENDING' }],
    });
    expect((await call('GET', `/rest/api/3/version/${id}`)).body).not.toHaveProperty('approvers');
  });

  it('validates a create body like Jira', async () => {
    expect(await call('POST', '/rest/api/3/version', { name: 'R' })).toEqual({
      status: 400,
      body: { errorMessages: [], errors: { project: 'Project must be specified to create a version.' } },
    });
    expect((await call('POST', '/rest/api/3/version', { projectId: '10000', name: 'R' })).status).toBe(400);
    expect((await call('POST', '/rest/api/3/version', { projectId: 10000, name: 'R', colour: 'red' })).status).toBe(
      400,
    );
    expect(
      (await call('POST', '/rest/api/3/version', { projectId: 10000, name: 'R', releaseDate: '02/03/2026' })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/rest/api/3/version', { projectId: 10000, name: 'R', description: 'x'.repeat(16385) }))
        .status,
    ).toBe(400);
    expect((await call('POST', '/rest/api/3/version', { projectId: 99999, name: 'R' })).status).toBe(404);
  });

  it('reports overdue for unreleased versions past their date, and moves unfixed issues on release', async () => {
    expect((await call('GET', `/rest/api/3/version/${release}`)).body).toMatchObject({
      overdue: true,
      userReleaseDate: '1/Jan/2026',
    });
    world.addIssue({ key: 'ABC-3', fixVersions: [release] });
    const response = await call('PUT', `/rest/api/3/version/${release}`, {
      released: true,
      releaseDate: '2026-03-02',
      moveUnfixedIssuesTo: `${base}/rest/api/3/version/${hotfix}`,
    });
    expect(response.status).toBe(200);
    expect(world.issue('ABC-3')?.fixVersionIds).toEqual([hotfix]);
    expect(world.issue('ABC-2')?.fixVersionIds).toEqual([release]);
  });

  it('needs a generic link URL and the right permissions for related work', async () => {
    expect(
      await call('POST', `/rest/api/3/version/${release}/relatedwork`, { category: 'Audit', title: 'no url' }),
    ).toEqual({
      status: 400,
      body: { errorMessages: [], errors: { url: 'A valid URL is required for generic links.' } },
    });
    expect(
      (
        await call(
          'POST',
          `/rest/api/3/version/${release}/relatedwork`,
          { category: 'Audit', url: 'https://x.example' },
          'acc-dev',
        )
      ).status,
    ).toBe(403);
  });
});

describe('fake Jira: callers', () => {
  it('answers 401 for an unknown account and 404 for a project the user cannot browse', async () => {
    expect((await call('GET', '/rest/api/3/project/ABC', undefined, 'acc-nobody')).status).toBe(401);
    world.revokePermission('acc-dev', '*', 'BROWSE_PROJECTS');
    expect(await call('GET', '/rest/api/3/project/ABC', undefined, 'acc-dev')).toEqual({
      status: 404,
      body: { errorMessages: ["No project could be found with key 'ABC'."], errors: {} },
    });
    expect((await call('GET', '/rest/api/3/project/ABC')).status).toBe(200);
  });

  it('rejects unknown permission keys and a missing permissions parameter', async () => {
    expect((await call('GET', '/rest/api/3/mypermissions?permissions=FLY')).status).toBe(400);
    expect((await call('GET', '/rest/api/3/mypermissions')).status).toBe(400);
    expect((await call('GET', '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&projectKey=NOPE')).status).toBe(
      404,
    );
  });
});
