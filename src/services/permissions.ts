/**
 * Who may do what, checked on the server with Jira's permissions API as the calling user.
 * Developers (who can edit the project's issues) promote and create candidates; only Jira
 * administrators read or change settings.
 */
import { AppError } from '../errors';
import type { CallContext } from './deps';

export async function canManageReleases(ctx: CallContext): Promise<boolean> {
  if (!ctx.jiraAsUser) return false;
  const held = await ctx.jiraAsUser.myPermissions(['EDIT_ISSUES'], ctx.projectKey);
  return held['EDIT_ISSUES'] === true;
}

/** `action`: what the refusal names, e.g. "retry a failed deploy". */
export async function requireReleaseManager(
  ctx: CallContext,
  action = 'promote builds and create release candidates',
): Promise<void> {
  if (!(await canManageReleases(ctx))) {
    throw new AppError('FORBIDDEN', `Only people who can edit issues in ${ctx.projectKey} can ${action}.`);
  }
}

export async function requireJiraAdmin(ctx: CallContext): Promise<void> {
  const held = ctx.jiraAsUser ? await ctx.jiraAsUser.myPermissions(['ADMINISTER']) : {};
  if (held['ADMINISTER'] !== true) {
    throw new AppError('FORBIDDEN', 'Only Jira administrators can read or change the Kosli Release Gate settings.');
  }
}
