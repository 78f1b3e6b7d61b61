/**
 * Contract suite: drives every Jira client call (and the fake's error paths) against the fake Jira,
 * then checks every logged request and response against Atlassian's Jira Cloud OpenAPI document.
 * If the client or the fake drifts from the published API, this suite fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LoggedRequest } from '../../sandbox/fakes/http-fake';
import { ACCOUNT_HEADER } from '../../sandbox/fakes/jira/jira-fake';
import { EVERY_PROJECT } from '../../sandbox/fakes/jira/world';
import { aWorld, type JiraHarness, startJira } from '../jira/harness';
import { JiraOpenApi } from '../jira/openapi-contract';

const spec = JiraOpenApi.load();

let jira: JiraHarness;
/** Log entries of requests that break the spec on purpose, to see the fake refuse them like Jira. */
const probes = new Set<LoggedRequest>();
/** Client calls meant to succeed that did not: reported by their own test, so the spec check still runs. */
const failures: string[] = [];

async function raw(method: string, path: string, body?: unknown, asUser?: string): Promise<number> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (asUser !== undefined) headers[ACCOUNT_HEADER] = asUser;
  const response = await fetch(`${jira.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Sends a request the spec itself rejects; only the fake's answer is held to the contract. */
async function probe(method: string, path: string, body?: unknown): Promise<void> {
  await raw(method, path, body);
  const entry = jira.service.log.at(-1);
  if (entry) probes.add(entry);
}

async function settle(promise: Promise<unknown>): Promise<void> {
  await promise.catch(() => undefined);
}

async function succeed<T>(label: string, promise: Promise<T>): Promise<T | undefined> {
  return promise.catch((error: unknown) => {
    failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
}

async function exercise(): Promise<void> {
  const { client, world } = jira;
  const version = world.addVersion({
    project: 'ABC',
    name: 'Release 1',
    description: 'First',
    startDate: '2026-02-01',
    releaseDate: '2026-02-20',
  });
  const hotfix = world.addVersion({ project: 'ABC', name: 'Hotfix' });
  for (let i = 1; i <= 55; i++) world.addVersion({ project: 'ABC', name: `v${i}` });
  world.addVersion({ project: 'ABC', name: 'Shipped', released: true, releaseDate: '2026-01-10' });
  world.setApprover(version.id, 'acc-po', 'APPROVED');
  world.setApprover(version.id, 'acc-dev', 'DECLINED', 'Tests are red');
  for (let i = 1; i <= 120; i++) {
    world.addIssue({
      key: `ABC-${i}`,
      summary: `Change ${i}`,
      type: i % 10 === 0 ? 'Bug' : 'Story',
      status: i % 2 ? 'Done' : 'In Progress',
      fixVersions: i % 3 ? [version.id] : [],
    });
  }
  world.addIssue({ key: 'ABC-500', type: 'Epic', status: 'Blocked', fixVersions: [hotfix.id] });

  // Every client call, on its happy path.
  await succeed('getProject by key', client.getProject('ABC'));
  await succeed('getProject by id', client.getProject('10000'));
  await succeed('listUnreleasedVersions', client.listUnreleasedVersions('ABC'));
  await succeed('getVersion', client.getVersion(version.id));
  const created = await succeed(
    'createVersion',
    client.createVersion({ projectId: '10000', name: 'Release 2', description: 'Candidate', startDate: '2026-03-02' }),
  );
  const createdId = created?.id ?? hotfix.id;
  await succeed('updateVersionDescription', client.updateVersionDescription(createdId, 'Candidate: backend@abc123'));
  await succeed(
    'addRelatedWork',
    client.addRelatedWork(createdId, {
      category: 'Audit',
      title: 'Kosli release trail',
      url: 'https://app.kosli.com/acme/flows/releases/trails/r2',
    }),
  );
  await succeed('listRelatedWork', client.listRelatedWork(createdId));
  await succeed('searchIssues by fixVersion', client.searchIssues(`fixVersion = ${version.id}`));
  await succeed('searchIssues by keys', client.searchIssues('key in (ABC-1, ABC-2, ABC-500)'));
  await succeed(
    'searchIssues by conjunction',
    client.searchIssues('project = ABC AND status = Done AND issuetype = Bug'),
  );
  await succeed('addFixVersion', client.addFixVersion('ABC-3', createdId));
  await succeed('releaseVersion', client.releaseVersion(createdId, '2026-03-02'));
  await succeed('getUser', client.getUser('acc-po'));
  await succeed('getUser with hidden e-mail', client.getUser('acc-dev'));
  await succeed('searchUsers', client.searchUsers('a'));
  await succeed('searchProjects', client.searchProjects('ab', 50));
  await succeed(
    'myPermissions in a project',
    client.myPermissions(['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS', 'ADMINISTER'], 'ABC'),
  );
  await succeed('myPermissions as a user', jira.clientAs('acc-dev').myPermissions(['EDIT_ISSUES']));

  // Bulk edit of fix versions: one task, worked through as the fake's clock moves; LOCK-1's project lacks the version, ABC-9999 does not exist.
  world.addProject({ key: 'LOCK' });
  world.addIssue({ key: 'LOCK-1' });
  const taskId = await succeed(
    'bulkAddFixVersion',
    client.bulkAddFixVersion(['ABC-1', 'ABC-2', 'LOCK-1', 'ABC-9999'], version.id),
  );
  if (taskId !== undefined) {
    await succeed('bulkTask enqueued', client.bulkTask(taskId));
    jira.advanceClock(60_000);
    const done = await succeed('bulkTask complete', client.bulkTask(taskId));
    await succeed('issueKeysByIds', client.issueKeysByIds(done?.editedIssueIds ?? []));
  }
  await probe('POST', '/rest/api/3/bulk/issues/fields', {
    selectedActions: ['fixVersions'],
    selectedIssueIdsOrKeys: ['ABC-1'],
    editedFieldsInput: {
      multipleVersionPickerFields: [
        { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'APPEND', versions: [{ versionId: version.id }] },
      ],
    },
  });
  await raw('POST', '/rest/api/3/bulk/issues/fields', {
    selectedActions: ['fixVersions'],
    selectedIssueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => `ABC-${i + 1}`),
    editedFieldsInput: {
      multipleVersionPickerFields: [
        { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'ADD', versions: [{ versionId: version.id }] },
      ],
    },
  });
  await raw('POST', '/rest/api/3/bulk/issues/fields', {
    selectedActions: ['fixVersions', 'labels'],
    selectedIssueIdsOrKeys: ['ABC-1'],
    editedFieldsInput: {
      multipleVersionPickerFields: [
        { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'ADD', versions: [{ versionId: '99999' }] },
      ],
    },
  });

  // Error paths, through the client where it can reach them.
  await settle(client.getProject('NOPE'));
  await settle(client.getVersion('424242'));
  await settle(
    client.createVersion({ projectId: '10000', name: 'release 2', description: '', startDate: '2026-03-02' }),
  );
  await settle(client.createVersion({ projectId: '99999', name: 'Ghost', description: '', startDate: '2026-03-02' }));
  await settle(client.searchIssues('fixVersion in unreleasedVersions()'));
  await settle(client.addFixVersion('ABC-9999', createdId));
  await settle(client.getUser('acc-ghost'));
  await settle(client.myPermissions(['EDIT_ISSUES'], 'NOPE'));
  await settle(jira.clientAs('acc-dev').addFixVersion('ABC-1', createdId));
  await settle(
    jira.clientAs('acc-dev').addRelatedWork(createdId, { category: 'Audit', title: 't', url: 'https://example.com' }),
  );
  await settle(jira.clientAs('acc-dev').releaseVersion(version.id, '2026-03-02'));

  // Requests the client never makes but the fake must answer like Jira.
  await raw('PUT', '/rest/api/3/issue/ABC-5', { fields: { fixVersions: [{ id: hotfix.id }] } });
  await raw('PUT', '/rest/api/3/issue/ABC-6?returnIssue=true', {
    update: { fixVersions: [{ add: { name: 'Hotfix' } }, { remove: { id: version.id } }] },
  });
  await raw(
    'PUT',
    '/rest/api/3/issue/ABC-6?notifyUsers=false',
    { update: { fixVersions: [{ add: { id: hotfix.id } }] } },
    'acc-dev',
  );
  await raw('PUT', '/rest/api/3/issue/ABC-6', { update: { labels: [{ add: 'x' }] } });
  await raw('GET', `/rest/api/3/version/${version.id}?expand=approvers,issuesstatus`);
  await raw('GET', '/rest/api/3/user/search');
  await raw('GET', '/rest/api/3/project/search?maxResults=2&orderBy=-name&startAt=1');
  await raw(
    'GET',
    '/rest/api/3/project/ABC/version?orderBy=-releaseDate&status=released,unreleased&expand=issuesstatus&query=v1&maxResults=5',
  );
  await probe('GET', '/rest/api/3/project/ABC/version?orderBy=colour');
  await raw('POST', '/rest/api/3/search/jql', { jql: 'project = ABC', fields: ['*all', '-project'], maxResults: 3 });
  await raw('POST', '/rest/api/3/search/jql', { jql: 'project = ABC', maxResults: 200 });
  await raw('POST', '/rest/api/3/search/jql', { jql: 'project = ABC', nextPageToken: 'not-a-token' });
  await raw('GET', '/rest/api/3/project/ABC/versions');
  await raw(
    'GET',
    `/rest/api/3/search/jql?${new URLSearchParams({ jql: 'project = ABC', fields: 'summary,status', maxResults: '2' }).toString()}`,
  );
  await raw('POST', `/rest/api/3/version/${createdId}/relatedwork`, { category: 'Audit' });
  await raw('POST', '/rest/api/3/version', { projectId: 10000, name: 'x'.repeat(256) });
  await probe('PUT', `/rest/api/3/version/${createdId}`, { released: 'yes' });
  await raw('GET', '/rest/api/3/mypermissions?permissions=FLY');
  await raw('GET', '/rest/api/3/project/ABC', undefined, 'acc-nobody');
  world.setBurstLimit(1, 1);
  await raw('GET', '/rest/api/3/project/ABC');
  await raw('GET', '/rest/api/3/project/ABC');
  world.clearBurstLimit();
}

const searchPage = z.object({
  issues: z.array(z.object({ key: z.string(), fields: z.record(z.string(), z.unknown()).optional() })),
});
const fixVersionList = z.array(z.unknown());

/** IssueBean.fields is a free map in the spec: check the fields we serve against their own components. */
function issueFieldProblems(entry: LoggedRequest): string[] {
  const page = searchPage.safeParse(
    entry.route === '/rest/api/3/search/jql' ? entry.responseBody : { issues: [entry.responseBody] },
  );
  if (!page.success) return [];
  const problems: string[] = [];
  for (const issue of page.data.issues) {
    const fields = issue.fields ?? {};
    const where = `${issue.key} fields.`;
    if ('summary' in fields && typeof fields.summary !== 'string') problems.push(`${where}summary is not a string`);
    if ('status' in fields) problems.push(...spec.checkComponent('StatusDetails', fields.status, `${where}status`));
    if ('issuetype' in fields)
      problems.push(...spec.checkComponent('IssueTypeDetails', fields.issuetype, `${where}issuetype`));
    if ('project' in fields) problems.push(...spec.checkComponent('ProjectDetails', fields.project, `${where}project`));
    if ('fixVersions' in fields) {
      const list = fixVersionList.safeParse(fields.fixVersions);
      if (!list.success) problems.push(`${where}fixVersions is not an array`);
      else list.data.forEach((v, i) => problems.push(...spec.checkComponent('Version', v, `${where}fixVersions/${i}`)));
    }
  }
  return problems;
}

describe('Jira client and fake Jira against the Jira Cloud OpenAPI document', () => {
  beforeAll(async () => {
    jira = await startJira({ world: aWorld() });
    await exercise();
  });

  afterAll(async () => {
    await jira.close();
  });

  it('every client call succeeded against the fake', () => {
    expect(failures).toEqual([]);
  });

  it('serves only operations that exist in the spec, and exercises every one of them', () => {
    // Jira Software's Deployments API is not in the platform document: its own suite checks it
    // (test/contract/jira-deployments.contract.test.ts).
    const served = jira.service.operations.filter((op) => !op.includes(' /rest/deployments/'));
    expect(
      served.filter((op) => {
        const [method = '', template = ''] = op.split(' ');
        return spec.operation(method, template) === undefined;
      }),
    ).toEqual([]);
    const covered = new Set(jira.service.log.map((e) => `${e.method} ${e.route}`));
    expect(served.filter((op) => !covered.has(op))).toEqual([]);
    console.info(`Jira contract: ${covered.size} operations covered, ${jira.service.log.length} exchanges checked.`);
  });

  it('every request conforms to its operation and every response to its declared schema', () => {
    const problems = jira.service.log.flatMap((entry) =>
      probes.has(entry) ? spec.checkResponse(entry) : spec.checkExchange(entry),
    );
    expect(problems).toEqual([]);
  });

  it('refuses, with a Jira error body, the probes the spec refuses', () => {
    expect(probes.size).toBe(3);
    for (const entry of probes) {
      expect(spec.checkRequest(entry)).not.toEqual([]);
      expect(entry.status).toBe(400);
    }
  });

  it('exercised success and error statuses alike', () => {
    const statuses = new Set(jira.service.log.map((e) => e.status));
    for (const status of [200, 201, 204, 400, 401, 403, 404, 429]) expect(statuses).toContain(status);
  });

  it('issue fields in search results and returned issues match their own component schemas', () => {
    const withIssues = jira.service.log.filter(
      (e) =>
        e.status === 200 && (e.route === '/rest/api/3/search/jql' || e.route === '/rest/api/3/issue/{issueIdOrKey}'),
    );
    expect(withIssues.length).toBeGreaterThan(3);
    expect(withIssues.flatMap(issueFieldProblems)).toEqual([]);
  });
});

describe('the bulk edit answers the OpenAPI document does not declare', () => {
  let bulk: JiraHarness;
  beforeAll(async () => {
    bulk = await startJira({ world: aWorld() });
  });
  afterAll(async () => {
    await bulk.close();
  });

  it('without Make bulk changes: 403 with a BulkOperationErrorResponse (the document names the permission, not the status)', async () => {
    bulk.world.revokePermission(bulk.world.appAccountId, EVERY_PROJECT, 'BULK_CHANGE');
    await bulk.client.bulkAddFixVersion(['ABC-1'], '10000').catch(() => undefined);
    bulk.world.grantPermission(bulk.world.appAccountId, EVERY_PROJECT, 'BULK_CHANGE');
    const entry = bulk.service.log.at(-1);
    expect(entry?.status).toBe(403);
    expect(spec.checkComponent('BulkOperationErrorResponse', entry?.responseBody, 'bulk edit 403')).toEqual([]);
    expect(entry && spec.checkRequest(entry)).toEqual([]);
  });

  it('a task Jira does not know: 404 with an ErrorCollection', async () => {
    await bulk.client.bulkTask('424242').catch(() => undefined);
    const entry = bulk.service.log.at(-1);
    expect(entry?.status).toBe(404);
    expect(spec.checkComponent('ErrorCollection', entry?.responseBody, 'bulk queue 404')).toEqual([]);
  });
});

describe('the contract check itself', () => {
  const version = {
    self: 'https://x.atlassian.net/rest/api/3/version/10000',
    id: '10000',
    name: 'R',
    archived: false,
    released: false,
    projectId: 10000,
  };
  const exchange = (overrides: Partial<LoggedRequest>): LoggedRequest => ({
    system: 'jira',
    method: 'GET',
    route: '/rest/api/3/version/{id}',
    path: '/rest/api/3/version/10000',
    query: '',
    status: 200,
    requestBody: Buffer.alloc(0),
    contentType: undefined,
    responseBody: version,
    ...overrides,
  });
  const post = (body: unknown): Partial<LoggedRequest> => ({
    method: 'POST',
    route: '/rest/api/3/version',
    path: '/rest/api/3/version',
    status: 201,
    requestBody: Buffer.from(JSON.stringify(body)),
    contentType: 'application/json',
  });

  it('accepts a conforming exchange', () => {
    expect(spec.checkExchange(exchange({}))).toEqual([]);
    expect(spec.checkExchange(exchange(post({ projectId: 10000, name: 'R' })))).toEqual([]);
  });

  it.each<[string, Partial<LoggedRequest>, string]>([
    ['a string projectId', post({ projectId: '10000', name: 'R' }), 'must be integer'],
    ['a read-only property in a request', post({ projectId: 10000, name: 'R', approvers: [] }), 'readOnly'],
    [
      'an undeclared query parameter',
      { query: 'expand=approvers&colour=red' },
      'query parameter colour is not declared',
    ],
    [
      'an ill-typed query parameter',
      {
        route: '/rest/api/3/project/{projectIdOrKey}/version',
        path: '/rest/api/3/project/ABC/version',
        query: 'startAt=first',
        responseBody: { values: [] },
      },
      'must be integer',
    ],
    [
      'an unknown response property',
      { responseBody: { ...version, colour: 'red' } },
      'must NOT have additional properties',
    ],
    ['a numeric id in a response', { responseBody: { ...version, id: 10000 } }, 'must be string'],
    ['a malformed date', { responseBody: { ...version, releaseDate: '02/03/2026' } }, 'must match format "date"'],
    [
      'an undeclared status',
      { status: 418, responseBody: { errorMessages: [] } },
      'status 418 is not a declared response',
    ],
    [
      'an error body that is not an ErrorCollection',
      { status: 404, responseBody: { message: 'nope' } },
      'must NOT have additional properties',
    ],
    [
      'an unknown operation',
      { route: '/rest/api/3/versions/{id}', path: '/rest/api/3/versions/1' },
      'is not an operation',
    ],
    [
      'a deprecated operation',
      { method: 'POST', route: '/rest/api/3/search', path: '/rest/api/3/search', responseBody: {} },
      'is deprecated',
    ],
  ])('flags %s', (_label, overrides, expected) => {
    const problems = spec.checkExchange(exchange(overrides));
    expect(problems.join('\n')).toContain(expected);
  });
});
