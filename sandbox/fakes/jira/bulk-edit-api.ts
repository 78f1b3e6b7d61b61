/**
 * The fake Jira's bulk edit of fix versions (Issue bulk operations): `POST /rest/api/3/bulk/issues/fields`
 * queues a task and answers 201 `{ taskId }`; `GET /rest/api/3/bulk/queue/{taskId}` reports it ENQUEUED,
 * RUNNING with its progressPercent, then COMPLETE with `processedAccessibleIssues` (issue ids),
 * `failedAccessibleIssues` (issue id → reasons) and `invalidOrInaccessibleIssueCount`, as Atlassian's
 * OpenAPI document describes. Tasks work through `world.bulkEditIssuesPerSecond` issues per second of
 * the fake's clock, in the order submitted, and the edits land in the world as they are worked through.
 *
 * Both operations need the global Make bulk changes permission (BULK_CHANGE). A request body the API
 * refuses is a 400 with Jira's BulkOperationErrorResponse (`{ errors: [{ message }] }`): more than 1,000
 * issues, an editedFieldsInput entry not named in selectedActions (or the reverse), an unknown version.
 * Only `multipleVersionPickerFields` of `fixVersions` is modelled; any other field is a 400 that says so.
 * An issue that does not exist or that the caller cannot browse counts in invalidOrInaccessibleIssueCount;
 * one the caller cannot edit (Edit issues and Resolve issues in its project, a workflow status that
 * allows edits), or whose project does not hold the version, is listed in failedAccessibleIssues.
 *
 * unverified: the status and body of the answer without BULK_CHANGE (403 here; the OpenAPI document
 * declares only 400 and 401 for the POST), and the wording of the failure reasons.
 */
import { type FakeHttpService, type FakeRequest, type FakeResponse, json, jsonBody } from '../http-fake';
import { jiraError } from './wire';
import type { JiraWorld, WorldBulkTask } from './world';

export const BULK_EDIT_MAX_ISSUES = 1000;
const OPTIONS = ['ADD', 'REMOVE', 'REPLACE', 'REMOVE_ALL'] as const;
const PAYLOAD_PROPERTIES = new Set([
  'editedFieldsInput',
  'selectedActions',
  'selectedIssueIdsOrKeys',
  'sendBulkNotification',
]);
const VERSION_PICKER_PROPERTIES = new Set(['bulkEditMultiSelectFieldOption', 'fieldId', 'versions']);

function bulkError(status: number, ...messages: string[]): FakeResponse {
  return json(status, { errors: messages.map((message) => ({ message })) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isOption(value: unknown): value is WorldBulkTask['option'] {
  return OPTIONS.some((option) => option === value);
}

/** The task a valid payload asks for, or Jira's 400. */
function readPayload(
  world: JiraWorld,
  body: unknown,
): Pick<WorldBulkTask, 'issues' | 'option' | 'versionIds'> | FakeResponse {
  if (!isRecord(body) || Object.keys(body).some((k) => !PAYLOAD_PROPERTIES.has(k)))
    return bulkError(400, 'Invalid request payload. Refer to the REST API documentation and try again.');
  const { selectedActions, selectedIssueIdsOrKeys, editedFieldsInput, sendBulkNotification } = body;
  if (!isStringArray(selectedActions) || selectedActions.length === 0)
    return bulkError(400, 'selectedActions must list the fields to edit.');
  if (!isStringArray(selectedIssueIdsOrKeys) || selectedIssueIdsOrKeys.length === 0)
    return bulkError(400, 'selectedIssueIdsOrKeys must list the issues to edit.');
  if (sendBulkNotification !== undefined && sendBulkNotification !== null && typeof sendBulkNotification !== 'boolean')
    return bulkError(400, 'sendBulkNotification must be true or false.');
  if (new Set(selectedIssueIdsOrKeys).size > BULK_EDIT_MAX_ISSUES) {
    return bulkError(
      400,
      `A bulk edit accepts at most ${BULK_EDIT_MAX_ISSUES} issues; ${new Set(selectedIssueIdsOrKeys).size} were selected.`,
    );
  }
  if (!isRecord(editedFieldsInput)) return bulkError(400, 'editedFieldsInput is required.');
  const other = Object.keys(editedFieldsInput).filter((k) => k !== 'multipleVersionPickerFields');
  if (other.length > 0)
    return bulkError(
      400,
      `The fake Jira can bulk edit only fix versions (multipleVersionPickerFields), not ${other.join(', ')}.`,
    );
  const pickers = editedFieldsInput.multipleVersionPickerFields;
  if (!Array.isArray(pickers) || pickers.length !== 1)
    return bulkError(400, 'multipleVersionPickerFields must hold the one field to edit.');
  const picker: unknown = pickers[0];
  if (!isRecord(picker) || Object.keys(picker).some((k) => !VERSION_PICKER_PROPERTIES.has(k)))
    return bulkError(400, 'Invalid request payload. Refer to the REST API documentation and try again.');
  const { fieldId, bulkEditMultiSelectFieldOption: option, versions } = picker;
  if (fieldId !== 'fixVersions')
    return bulkError(400, `The fake Jira can bulk edit only fixVersions, not ${String(fieldId)}.`);
  const missing = selectedActions.filter((action) => action !== fieldId);
  if (missing.length > 0)
    return bulkError(400, `The following selectedActions have no editedFieldsInput values : ${missing.join(', ')}`);
  if (!selectedActions.includes(fieldId))
    return bulkError(400, `The following editedFieldInput values are not listed as selectedActions : ${fieldId}`);
  if (!isOption(option)) return bulkError(400, `bulkEditMultiSelectFieldOption must be one of ${OPTIONS.join(', ')}.`);
  if (!Array.isArray(versions) || versions.some((v) => !isRecord(v) || typeof v.versionId !== 'string'))
    return bulkError(400, 'versions must be a list of { versionId }.');
  const versionIds = versions.map((v: Record<string, unknown>) => String(v.versionId));
  const unknown = versionIds.filter((id) => !world.version(id));
  if (unknown.length > 0) return bulkError(400, ...unknown.map((id) => `Version id '${id}' is not valid.`));
  if (option !== 'REMOVE_ALL' && versionIds.length === 0)
    return bulkError(400, `${option} needs at least one version.`);
  return { issues: [...new Set(selectedIssueIdsOrKeys)], option, versionIds };
}

/** Works the task through up to `now`: each issue edited, failed or counted as invalid, in order. */
function advance(world: JiraWorld, task: WorldBulkTask, now: number): void {
  const due = Math.min(
    task.issues.length,
    Math.floor(((now - task.submittedAt) / 1000) * world.bulkEditIssuesPerSecond),
  );
  for (; task.done < due; task.done++) {
    const issue = world.issueByIdOrKey(task.issues[task.done] ?? '');
    const project = issue ? world.project(issue.projectId) : undefined;
    task.updatedAt = now;
    if (!issue || !project || !world.holds(task.submittedBy, 'BROWSE_PROJECTS', project.key)) {
      task.invalidOrInaccessible++;
      continue;
    }
    if (
      !world.holds(task.submittedBy, 'EDIT_ISSUES', project.key) ||
      !world.holds(task.submittedBy, 'RESOLVE_ISSUES', project.key)
    ) {
      task.failed[issue.id] = ['You do not have permission to edit the fix versions of this issue.'];
      continue;
    }
    if (!world.editable(issue)) {
      task.failed[issue.id] = [`The issue ${issue.key} is not editable in its workflow status.`];
      continue;
    }
    const foreign = task.versionIds.filter((id) => world.version(id)?.projectId !== project.id);
    if (foreign.length > 0) {
      task.failed[issue.id] = foreign.map((id) => `Version id '${id}' is not valid for project ${project.key}.`);
      continue;
    }
    const current = issue.fixVersionIds;
    const next =
      task.option === 'ADD'
        ? [...current, ...task.versionIds.filter((id) => !current.includes(id))]
        : task.option === 'REMOVE'
          ? current.filter((id) => !task.versionIds.includes(id))
          : task.option === 'REPLACE'
            ? [...task.versionIds]
            : [];
    world.setFixVersions(issue, next);
    task.editedIds.push(Number(issue.id));
  }
}

/** The task as `GET /rest/api/3/bulk/queue/{taskId}` reports it (BulkOperationProgress). */
function progressWire(task: WorldBulkTask): Record<string, unknown> {
  const total = task.issues.length;
  const complete = task.done >= total;
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    taskId: task.taskId,
    status: complete ? 'COMPLETE' : task.done === 0 ? 'ENQUEUED' : 'RUNNING',
    progressPercent: Math.floor((task.done * 100) / total),
    submittedBy: { accountId: task.submittedBy },
    created: iso(task.submittedAt),
    ...(task.done > 0 ? { started: iso(task.submittedAt) } : {}),
    updated: iso(task.updatedAt),
    ...(complete
      ? {
          processedAccessibleIssues: task.editedIds,
          failedAccessibleIssues: task.failed,
          invalidOrInaccessibleIssueCount: task.invalidOrInaccessible,
          totalIssueCount: total,
        }
      : {}),
  };
}

/**
 * Serves the two operations. `principal` says who calls (the app or a user); `now` is the fake's clock.
 * Returns `advanceAll`, which the fake runs before every request so that any read sees the edits made so far.
 */
export function registerBulkEditApi(
  service: FakeHttpService,
  world: JiraWorld,
  now: () => number,
  principal: (req: FakeRequest) => string,
): { advanceAll(): void } {
  const mayBulkChange = (req: FakeRequest): boolean => world.holds(principal(req), 'BULK_CHANGE');
  const noPermission = (): FakeResponse =>
    bulkError(403, 'You do not have the global permission Make bulk changes, which a bulk operation requires.');

  service.route('POST', '/rest/api/3/bulk/issues/fields', (req) => {
    if (!mayBulkChange(req)) return noPermission();
    const payload = readPayload(world, jsonBody(req));
    if ('status' in payload) return payload;
    const at = now();
    const taskId = String(10000 + world.bulkTasks.size);
    world.bulkTasks.set(taskId, {
      taskId,
      submittedBy: principal(req),
      submittedAt: at,
      ...payload,
      done: 0,
      editedIds: [],
      failed: {},
      invalidOrInaccessible: 0,
      updatedAt: at,
    });
    return json(201, { taskId });
  });

  service.route('GET', '/rest/api/3/bulk/queue/{taskId}', (req) => {
    if (!mayBulkChange(req)) return noPermission();
    const task = world.bulkTasks.get(req.params.taskId ?? '');
    // Another user's task is as good as absent.
    if (!task || task.submittedBy !== principal(req))
      return jiraError(404, [`Task ${req.params.taskId ?? ''} was not found.`]);
    return json(200, progressWire(task));
  });

  return {
    advanceAll() {
      const at = now();
      for (const task of world.bulkTasks.values()) if (task.done < task.issues.length) advance(world, task, at);
    },
  };
}
