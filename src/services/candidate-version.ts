/**
 * The Jira version a candidate or rollback lives in. Creating one is not idempotent, so the intended
 * name is written down first and a failed creation's version is adopted by that name, never twinned.
 */
import { AppError } from '../errors';
import type { JiraVersion } from '../jira/types';
import type { CallContext, Deps } from './deps';

/**
 * The Jira version's description never changes with the content (a rewrite per refresh would be a
 * Jira write for nothing): the content lives on the release page it links to.
 */
const VERSION_DESCRIPTION =
  'Release candidate managed by Kosli Release Gate: its content, evidence and approvals are on the release page linked under Related work.';

function today(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * Creating a version is not idempotent: a 5xx or timeout may hide a version Jira did create. The
 * intended name is written down first and cleared only once the project's slot names the version,
 * so any failure before that (the version, its record, its keys) leads the next attempt to adopt
 * that version instead of making a twin (or failing forever on a duplicate name).
 *
 * Jira allows one version of a name per project, and a name pattern can repeat (a daily pattern, or
 * two candidates within a second): a taken name becomes "name (2)", "name (3)"… up to a bound.
 */
export async function createVersion(
  deps: Deps,
  ctx: CallContext,
  name: string,
  now: string,
  pendingSlot = ctx.projectKey,
): Promise<JiraVersion> {
  for (let n = 1; ; n += 1) {
    const free = n === 1 ? name : `${name} (${n})`;
    await deps.store.slots.setPendingVersion(pendingSlot, free);
    try {
      return await deps.jiraAsApp.createVersion({
        projectId: ctx.projectId,
        name: free,
        description: VERSION_DESCRIPTION,
        startDate: today(now),
      });
    } catch (error) {
      const nameTaken = error instanceof AppError && error.code === 'CONFLICT' && error.details?.['field'] === 'name';
      if (!nameTaken) throw error;
      // The version of that name is someone else's: it must never be adopted as ours.
      await deps.store.slots.setPendingVersion(pendingSlot, null);
      if (n >= MAX_NAME_SUFFIX) throw error;
    }
  }
}

/** How many versions of one name pattern a project may get in one period before creation gives up. */
const MAX_NAME_SUFFIX = 20;

/** `pendingSlot`: whose pending creation (the candidate's by default; a rollback has its own). */
export async function adoptVersionOfFailedCreate(
  deps: Deps,
  ctx: CallContext,
  pendingSlot = ctx.projectKey,
): Promise<JiraVersion | undefined> {
  const name = await deps.store.slots.pendingVersion(pendingSlot);
  if (!name) return undefined;
  return (await deps.jiraAsApp.listUnreleasedVersions(ctx.projectKey)).find((v) => v.name === name);
}
