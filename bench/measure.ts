/**
 * Counting and timing over a world: outbound calls per system, Jira writes, medians.
 */
import type { World } from '../sandbox/world/start-world';

export interface CallCounts {
  jira: number;
  kosli: number;
  github: number;
  total: number;
}

const FIX_VERSION_ROUTE = '/rest/api/3/issue/{issueIdOrKey}';
const BULK_EDIT_ROUTE = '/rest/api/3/bulk/issues/fields';
const BULK_TASK_ROUTE = '/rest/api/3/bulk/queue/{taskId}';

/** Jira requests that changed something (search/jql is a POST that only reads). */
export function jiraWrites(world: World): number {
  return world.jira.service.countWhere((e) => e.method !== 'GET' && !e.route.endsWith('/search/jql') && e.status < 300);
}

/** Fix versions set: one per successful single edit, one per issue a bulk edit task edited (read from the fake Jira's tasks). */
export function fixVersionWrites(world: World): number {
  const single = world.jira.service.countWhere(
    (e) => e.method === 'PUT' && e.route === FIX_VERSION_ROUTE && e.status < 300,
  );
  const bulk = [...world.jira.world.bulkTasks.values()].reduce((sum, task) => sum + task.editedIds.length, 0);
  return single + bulk;
}

/** Requests that set fix versions: single edits and bulk edit submissions. */
export function fixVersionRequests(world: World): number {
  return world.jira.service.countWhere(
    (e) =>
      (e.method === 'PUT' && e.route === FIX_VERSION_ROUTE) || (e.method === 'POST' && e.route === BULK_EDIT_ROUTE),
  );
}

/** Every Jira call made for fix versions: the requests above, bulk task polls and the Make bulk changes check. */
export function fixVersionCalls(world: World): number {
  const bulkOnly = world.jira.service.countWhere(
    (e) =>
      (e.method === 'GET' && e.route === BULK_TASK_ROUTE) ||
      (e.route === '/rest/api/3/mypermissions' && e.query === 'permissions=BULK_CHANGE'),
  );
  return fixVersionRequests(world) + bulkOnly;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** Resolves once `done()` holds, checking every few milliseconds; rejects after `limitMs`. */
export async function until(done: () => boolean, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
