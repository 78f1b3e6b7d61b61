import { afterEach, describe, expect, it } from 'vitest';
import { aWorld, type JiraHarness, startJira, rejection } from './harness';

let jira: JiraHarness;

afterEach(async () => {
  await jira.close();
});

describe('Jira client against the fake Jira', () => {
  it('gets a project by key and by id', async () => {
    jira = await startJira({ world: aWorld() });
    const byKey = await jira.client.getProject('ABC');
    expect(byKey).toEqual({ id: '10000', key: 'ABC', name: 'Alphabet' });
    expect(await jira.client.getProject('10000')).toEqual(byKey);
  });

  it('names the missing project in the 404', async () => {
    jira = await startJira({ world: aWorld() });
    const error = await rejection(jira.client.getProject('NOPE'));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toContain('Jira project NOPE not found');
  });

  it('creates a version with a numeric projectId and reads it back, approvers included', async () => {
    jira = await startJira({ world: aWorld() });
    const created = await jira.client.createVersion({
      projectId: '10000',
      name: 'Release 1',
      description: 'Candidate',
      startDate: '2026-03-02',
    });
    expect(created).toMatchObject({
      name: 'Release 1',
      projectId: '10000',
      description: 'Candidate',
      released: false,
      releaseDate: null,
      approvers: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    const sent: unknown = JSON.parse(jira.service.log.find((e) => e.method === 'POST')?.requestBody.toString() ?? '{}');
    expect(sent).toEqual({ projectId: 10000, name: 'Release 1', description: 'Candidate', startDate: '2026-03-02' });

    jira.world.setApprover(created.id, 'acc-po', 'APPROVED');
    jira.world.setApprover(created.id, 'acc-dev', 'DECLINED', 'Missing tests');
    const read = await jira.client.getVersion(created.id);
    expect(read.approvers).toEqual([
      { accountId: 'acc-po', status: 'APPROVED' },
      { accountId: 'acc-dev', status: 'DECLINED', declineReason: 'Missing tests' },
    ]);
  });

  it('turns Jira’s duplicate-name refusal into a name conflict that keeps Jira’s answer as its cause, and a non-numeric project id before calling', async () => {
    jira = await startJira({ world: aWorld() });
    await jira.client.createVersion({
      projectId: '10000',
      name: 'Release 1',
      description: '',
      startDate: '2026-03-02',
    });
    const duplicate = await rejection(
      jira.client.createVersion({ projectId: '10000', name: 'release 1', description: '', startDate: '2026-03-02' }),
    );
    expect(duplicate).toMatchObject({ code: 'CONFLICT', status: 400, details: { field: 'name' } });
    expect(duplicate.message).toBe("Jira already has a version named 'release 1' in this project.");
    expect(duplicate.cause).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      message: expect.stringContaining('A version with this name already exists in this project.') as string,
    });

    const before = jira.service.requestCount;
    expect(
      (
        await rejection(
          jira.client.createVersion({ projectId: 'ABC', name: 'x', description: '', startDate: '2026-03-02' }),
        )
      ).code,
    ).toBe('INVALID_INPUT');
    expect(jira.service.requestCount).toBe(before);
  });

  it('names the missing version in the 404', async () => {
    jira = await startJira({ world: aWorld() });
    const error = await rejection(jira.client.getVersion('10042'));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toBe('Jira version 10042 not found.');
    expect(error.operation).toBe('GET /rest/api/3/version/{id}');
  });

  it('updates the description and releases the version; a second release keeps the first date', async () => {
    jira = await startJira({ world: aWorld() });
    const version = jira.world.addVersion({ project: 'ABC', name: 'Release 2' });
    await jira.client.updateVersionDescription(version.id, 'Apps: backend@abc123');
    expect(jira.world.version(version.id)?.description).toBe('Apps: backend@abc123');

    await jira.client.releaseVersion(version.id, '2026-03-02');
    await jira.client.releaseVersion(version.id, '2026-03-09');
    expect(jira.world.version(version.id)).toMatchObject({ released: true, releaseDate: '2026-03-02' });
    expect(await jira.client.getVersion(version.id)).toMatchObject({ released: true, releaseDate: '2026-03-02' });
  });

  it('lists every unreleased version across capped pages, with approvers', async () => {
    const world = aWorld();
    for (let i = 1; i <= 120; i++) world.addVersion({ project: 'ABC', name: `v${i}` });
    world.addVersion({ project: 'ABC', name: 'shipped', released: true, releaseDate: '2026-01-01' });
    world.addVersion({ project: 'ABC', name: 'old', archived: true });
    world.setApprover('10119', 'acc-po', 'PENDING');
    jira = await startJira({ world });

    const versions = await jira.client.listUnreleasedVersions('ABC');
    expect(versions).toHaveLength(120);
    expect(new Set(versions.map((v) => v.name)).size).toBe(120);
    expect(versions.every((v) => !v.released && !v.archived)).toBe(true);
    expect(versions.find((v) => v.id === '10119')?.approvers).toEqual([{ accountId: 'acc-po', status: 'PENDING' }]);
    // 120 versions at Jira's cap of 50 per page: three pages, each asking for the next offset.
    const pages = jira.service.log.filter((e) => e.route === '/rest/api/3/project/{projectIdOrKey}/version');
    expect(pages.map((e) => new URLSearchParams(e.query).get('startAt'))).toEqual(['0', '50', '100']);
  });

  it('reads the page size back when Jira caps it below what was asked', async () => {
    const world = aWorld();
    for (let i = 1; i <= 120; i++) world.addVersion({ project: 'ABC', name: `v${i}` });
    jira = await startJira({ world, pageCaps: { versions: 25, search: 30 } });
    for (let i = 1; i <= 70; i++) world.addIssue({ key: `ABC-${i}` });

    const versions = await jira.client.listUnreleasedVersions('ABC');
    expect(versions.map((v) => v.name)).toEqual(Array.from({ length: 120 }, (_, i) => `v${i + 1}`));
    const pages = jira.service.log.filter((e) => e.route === '/rest/api/3/project/{projectIdOrKey}/version');
    expect(pages.map((e) => new URLSearchParams(e.query).get('startAt'))).toEqual(['0', '25', '50', '75', '100']);
    expect(pages.every((e) => new URLSearchParams(e.query).get('maxResults') === '50')).toBe(true);

    expect(await jira.client.searchIssues('project = ABC')).toHaveLength(70);
    expect(jira.service.countWhere((e) => e.route === '/rest/api/3/search/jql')).toBe(3);
  });

  it('searches every page via nextPageToken and maps the issue fields', async () => {
    const world = aWorld();
    const version = world.addVersion({ project: 'ABC', name: 'Release 3' });
    for (let i = 1; i <= 230; i++) {
      world.addIssue({
        key: `ABC-${i}`,
        summary: `Change ${i}`,
        type: i % 2 ? 'Story' : 'Bug',
        status: i % 3 ? 'In Progress' : 'Done',
        fixVersions: [version.id],
      });
    }
    world.addIssue({ key: 'ABC-999', summary: 'Elsewhere' });
    jira = await startJira({ world });

    const issues = await jira.client.searchIssues(`fixVersion = ${version.id}`);
    expect(issues).toHaveLength(230);
    expect(issues[2]).toEqual({
      key: 'ABC-3',
      summary: 'Change 3',
      status: 'Done',
      statusCategory: 'done',
      issueType: 'Story',
      fixVersionIds: [version.id],
    });
    expect(issues[1]?.statusCategory).toBe('indeterminate');
    const searches = jira.service.log.filter((e) => e.route === '/rest/api/3/search/jql');
    expect(searches).toHaveLength(3);
    const bodies = searches.map((e): unknown => JSON.parse(e.requestBody.toString()));
    expect(bodies[0]).toEqual({
      jql: `fixVersion = ${version.id}`,
      fields: ['summary', 'status', 'issuetype', 'fixVersions'],
      maxResults: 100,
    });
    expect(bodies[1]).toMatchObject({ nextPageToken: expect.any(String) });
    expect(jira.service.log.some((e) => e.path === '/rest/api/3/search')).toBe(false);
  });

  it('searches by key list and by project conjunction', async () => {
    const world = aWorld();
    world.addProject({ key: 'XYZ' });
    world.addIssue({ key: 'ABC-1', status: 'Done' });
    world.addIssue({ key: 'ABC-2' });
    world.addIssue({ key: 'XYZ-1' });
    jira = await startJira({ world });
    expect((await jira.client.searchIssues('key in (ABC-2, XYZ-1)')).map((i) => i.key)).toEqual(['ABC-2', 'XYZ-1']);
    expect((await jira.client.searchIssues('project = ABC AND status = "To Do"')).map((i) => i.key)).toEqual(['ABC-2']);
  });

  it('adds a fix version without dropping the issue’s other fix versions', async () => {
    const world = aWorld();
    const earlier = world.addVersion({ project: 'ABC', name: 'Hotfix' });
    const candidate = world.addVersion({ project: 'ABC', name: 'Release 4' });
    world.addIssue({ key: 'ABC-7', fixVersions: [earlier.id] });
    jira = await startJira({ world });

    await jira.client.addFixVersion('ABC-7', candidate.id);
    await jira.client.addFixVersion('ABC-7', candidate.id);
    expect(jira.world.issue('ABC-7')?.fixVersionIds).toEqual([earlier.id, candidate.id]);
    const edit = jira.service.log.find((e) => e.method === 'PUT');
    expect(edit?.query).toBe('');
    expect(JSON.parse(edit?.requestBody.toString() ?? '{}')).toEqual({
      update: { fixVersions: [{ add: { id: candidate.id } }] },
    });
  });

  it('names the missing issue in the 404', async () => {
    const world = aWorld();
    const version = world.addVersion({ project: 'ABC', name: 'R' });
    jira = await startJira({ world });
    const error = await rejection(jira.client.addFixVersion('ABC-404', version.id));
    expect(error.message).toContain('Jira issue ABC-404 not found');
  });

  it('lists and adds related work; the server assigns a UUID', async () => {
    const world = aWorld();
    const version = world.addVersion({ project: 'ABC', name: 'Release 5' });
    jira = await startJira({ world });
    const link = await jira.client.addRelatedWork(version.id, {
      category: 'Audit',
      title: 'Kosli trail',
      url: 'https://app.kosli.com/acme/flows/release/trails/r5',
    });
    expect(link).toEqual({
      relatedWorkId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      category: 'Audit',
      title: 'Kosli trail',
      url: 'https://app.kosli.com/acme/flows/release/trails/r5',
    });
    expect(await jira.client.listRelatedWork(version.id)).toEqual([link]);
  });

  it('gets a user, with a hidden e-mail as null', async () => {
    jira = await startJira({ world: aWorld() });
    expect(await jira.client.getUser('acc-po')).toEqual({
      accountId: 'acc-po',
      displayName: 'Pat Owner',
      emailAddress: 'pat@example.com',
    });
    expect(await jira.client.getUser('acc-dev')).toEqual({
      accountId: 'acc-dev',
      displayName: 'Dee Veloper',
      emailAddress: null,
    });
    expect((await rejection(jira.client.getUser('acc-ghost'))).message).toBe('Jira user acc-ghost not found.');
  });

  it('answers my permissions for whoever calls: the app or a user', async () => {
    const world = aWorld();
    world.addProject({ key: 'XYZ' });
    world.grantPermission('acc-po', 'ABC', 'ADMINISTER_PROJECTS');
    jira = await startJira({ world });
    const asked = ['ADMINISTER_PROJECTS', 'EDIT_ISSUES', 'ADMINISTER'];

    expect(await jira.client.myPermissions(asked, 'ABC')).toEqual({
      ADMINISTER_PROJECTS: true,
      EDIT_ISSUES: true,
      ADMINISTER: false,
    });
    expect(await jira.clientAs('acc-po').myPermissions(asked, 'ABC')).toEqual({
      ADMINISTER_PROJECTS: true,
      EDIT_ISSUES: false,
      ADMINISTER: false,
    });
    expect(await jira.clientAs('acc-po').myPermissions(asked, 'XYZ')).toEqual({
      ADMINISTER_PROJECTS: false,
      EDIT_ISSUES: false,
      ADMINISTER: false,
    });
    expect(await jira.clientAs('acc-dev').myPermissions(['ADMINISTER_PROJECTS'])).toEqual({
      ADMINISTER_PROJECTS: false,
    });

    world.makeAdmin('acc-dev');
    expect(await jira.clientAs('acc-dev').myPermissions(asked, 'XYZ')).toEqual({
      ADMINISTER_PROJECTS: true,
      EDIT_ISSUES: true,
      ADMINISTER: true,
    });
    expect((await rejection(jira.client.myPermissions([]))).code).toBe('INVALID_INPUT');
  });

  it('acts as the user for writes too: a user without Administer Projects cannot create a version', async () => {
    jira = await startJira({ world: aWorld() });
    const error = await rejection(
      jira
        .clientAs('acc-dev')
        .createVersion({ projectId: '10000', name: 'R', description: '', startDate: '2026-03-02' }),
    );
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(jira.world.versionsOf('ABC')).toHaveLength(0);
  });
});
