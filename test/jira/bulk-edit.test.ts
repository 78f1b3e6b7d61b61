import { afterEach, describe, expect, it } from 'vitest';
import { EVERY_PROJECT, type JiraWorld } from '../../sandbox/fakes/jira/world';
import { aWorld, type JiraHarness, rejection, startJira } from './harness';

let jira: JiraHarness;

afterEach(async () => {
  await jira.close();
});

/** ABC with `count` issues ABC-1…, a version to add and another every issue already has. */
function aBulkWorld(count: number): { world: JiraWorld; versionId: string; otherId: string; keys: string[] } {
  const world = aWorld();
  const other = world.addVersion({ project: 'ABC', name: 'Earlier' });
  const version = world.addVersion({ project: 'ABC', name: 'Release 1' });
  const keys = Array.from(
    { length: count },
    (_, i) => world.addIssue({ key: `ABC-${i + 1}`, fixVersions: [other.id] }).key,
  );
  return { world, versionId: version.id, otherId: other.id, keys };
}

describe('Jira bulk edit of fix versions against the fake Jira', () => {
  it('submits one task that Jira works through over time, then reports every issue edited, other fix versions kept', async () => {
    const { world, versionId, otherId, keys } = aBulkWorld(1000);
    world.bulkEditIssuesPerSecond = 400;
    jira = await startJira({ world });
    const taskId = await jira.client.bulkAddFixVersion(keys, versionId);
    expect(JSON.parse(jira.service.log.at(-1)?.requestBody.toString() ?? '{}')).toEqual({
      selectedActions: ['fixVersions'],
      selectedIssueIdsOrKeys: keys,
      editedFieldsInput: {
        multipleVersionPickerFields: [
          { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'ADD', versions: [{ versionId }] },
        ],
      },
      sendBulkNotification: false,
    });

    expect(await jira.client.bulkTask(taskId)).toMatchObject({
      taskId,
      state: 'running',
      progressPercent: 0,
      editedIssueIds: [],
    });
    jira.advanceClock(1000);
    expect(await jira.client.bulkTask(taskId)).toMatchObject({ state: 'running', progressPercent: 40 });
    jira.advanceClock(2000);
    const done = await jira.client.bulkTask(taskId);
    expect(done).toMatchObject({
      state: 'complete',
      progressPercent: 100,
      failedIssues: {},
      invalidOrInaccessibleCount: 0,
    });
    expect(done.editedIssueIds).toHaveLength(1000);
    expect(world.issue('ABC-1000')?.fixVersionIds).toEqual([otherId, versionId]);
  });

  it('reports issues the app cannot edit as failed and missing ones as invalid, by id', async () => {
    const { world, versionId, keys } = aBulkWorld(3);
    world.addProject({ key: 'LOCK' });
    const locked = world.addIssue({ key: 'LOCK-1' });
    world.revokePermission(world.appAccountId, EVERY_PROJECT, 'EDIT_ISSUES');
    world.grantPermission(world.appAccountId, 'ABC', 'EDIT_ISSUES');
    jira = await startJira({ world });
    const taskId = await jira.client.bulkAddFixVersion([...keys, 'LOCK-1', 'ABC-99'], versionId);
    jira.advanceClock(1000);
    const done = await jira.client.bulkTask(taskId);
    expect(done.state).toBe('complete');
    expect(Object.keys(done.failedIssues)).toEqual([locked.id]);
    expect(done.invalidOrInaccessibleCount).toBe(1);
    expect(new Map(await jira.client.issueKeysByIds(done.editedIssueIds))).toEqual(
      new Map(keys.map((key) => [world.issue(key)?.id ?? '', key])),
    );
  });

  it('refuses more than 1,000 issues before sending, and the fake refuses them as Jira does', async () => {
    const { world, versionId, keys } = aBulkWorld(1001);
    jira = await startJira({ world });
    expect((await rejection(jira.client.bulkAddFixVersion(keys, versionId))).code).toBe('INVALID_INPUT');
    expect(jira.service.requestCount).toBe(0);
    const response = await fetch(`${jira.baseUrl}/rest/api/3/bulk/issues/fields`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        selectedActions: ['fixVersions'],
        selectedIssueIdsOrKeys: keys,
        editedFieldsInput: {
          multipleVersionPickerFields: [
            { fieldId: 'fixVersions', bulkEditMultiSelectFieldOption: 'ADD', versions: [{ versionId }] },
          ],
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'A bulk edit accepts at most 1000 issues; 1001 were selected.' }],
    });
  });

  it('refuses an unknown version with Jira’s error body', async () => {
    const { world, keys } = aBulkWorld(2);
    jira = await startJira({ world });
    const error = await rejection(jira.client.bulkAddFixVersion(keys, '99999'));
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400 });
    expect(error.message).toContain("Version id '99999' is not valid.");
  });

  it('checks Make bulk changes as a global permission, and is forbidden without it', async () => {
    const { world, versionId, keys } = aBulkWorld(2);
    jira = await startJira({ world });
    expect(await jira.client.myPermissions(['BULK_CHANGE'])).toEqual({ BULK_CHANGE: true });
    world.revokePermission(world.appAccountId, EVERY_PROJECT, 'BULK_CHANGE');
    expect(await jira.client.myPermissions(['BULK_CHANGE'])).toEqual({ BULK_CHANGE: false });
    expect(await rejection(jira.client.bulkAddFixVersion(keys, versionId))).toMatchObject({
      code: 'UPSTREAM_AUTH',
      status: 403,
    });
  });

  it('names a task Jira no longer knows in the 404', async () => {
    jira = await startJira({ world: aWorld() });
    const error = await rejection(jira.client.bulkTask('424242'));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toContain('Jira bulk task 424242 not found');
  });
});
