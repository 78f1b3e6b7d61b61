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

/** Jira requests that changed something (search/jql is a POST that only reads). */
export function jiraWrites(world: World): number {
  return world.jira.service.countWhere((e) => e.method !== 'GET' && !e.route.endsWith('/search/jql') && e.status < 300);
}

/** Issue edits: the fix-version writes, one per key. */
export function fixVersionWrites(world: World): number {
  return world.jira.service.countWhere((e) => e.method === 'PUT' && e.route === FIX_VERSION_ROUTE && e.status < 300);
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
