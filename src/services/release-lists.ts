/**
 * The release page's long lists, a page at a time: issues (by key), decisions and the audit log
 * (the latest first). The page shows each one's first page (release-view.ts) and "Load more" asks
 * for the next by cursor (`release/issues`, `release/decisions`, `release/audit`), so no answer
 * grows with a release's history and nothing on the page's path reads a whole log.
 */
import type { AuditEntryView, DecisionView, IssueView, Page } from '../contract';
import type { JiraIssue, JiraUser } from '../jira/types';
import { withoutBidiControlsDeep } from '../release/display-text';
import type { Decision } from '../release/types';
import type { AuditEntry, ReleaseRecord } from '../store/records';
import type { CallContext, Deps } from './deps';
import { lookupUsers } from './approval-status';
import { offsetIn, pageCursor, storeCursorIn } from './page-cursor';
import { loadRelease } from './load-release';

/** Items of a list the page shows at first, and at most a "Load more" page. */
export const PAGE_SIZE = 100;

export const listScope = {
  issues: (versionId: string, contentHash: string) => `issues:${versionId}:${contentHash}`,
  decisions: (versionId: string) => `decisions:${versionId}`,
  audit: (versionId: string) => `audit:${versionId}`,
};

/** Actors that are the app itself rather than a person. */
const SYSTEM_ACTORS = new Map([
  ['app', 'Kosli Release Gate'],
  ['scheduled-check', 'Scheduled check'],
  ['deploy-worker', 'Deploy worker'],
  ['candidate-worker', 'Candidate worker'],
]);

export function isPerson(actor: string): boolean {
  return !SYSTEM_ACTORS.has(actor);
}

export function actorName(actor: string, users: ReadonlyMap<string, JiraUser>): string {
  return SYSTEM_ACTORS.get(actor) ?? users.get(actor)?.displayName ?? actor;
}

/** What each audit action reads as on the page (test/foundation/audit-labels.test.ts keeps it complete). */
export const ACTION_LABELS: Record<string, string> = {
  'candidate.created': 'Candidate created',
  'candidate.closed': 'No longer tracked',
  'candidate.changed': 'Content changed',
  'candidate.composing': 'Content being composed',
  'candidate.composed': 'Content composed',
  'jira.fixVersions': 'Issues added to the release',
  'jira.deployment': 'Reported to Jira deployments',
  'jira.deployment.failed': 'Jira deployments report failed',
  'kosli.trail': 'Kosli release trail begun',
  'kosli.staging-software': 'Staging software recorded in Kosli',
  'staging.promoted': 'Promoted to staging',
  'approval.app.approved': 'Approved',
  'approval.app.declined': 'Declined',
  'approval.jira.approved': 'Approved in Jira',
  'approval.jira.declined': 'Declined in Jira',
  'deploy.policySatisfied': 'Approval policy satisfied',
  'deploy.attested': 'Approval attested in Kosli',
  'deploy.dispatched': 'Prod deploy dispatched',
  'deploy.runSucceeded': 'Deploy run succeeded',
  'deploy.verified': 'Prod verified',
  'deploy.released': 'Released in Jira',
  'deploy.stepFailed': 'Deploy step failed',
  'deploy.waiting': 'Waiting',
  'deploy.stale': 'Approvals stale: staging changed',
  'deploy.retry': 'Retry requested',
  'rollback.requested': 'Rollback requested',
  'rollback.recorded': 'Rollback recorded',
  'approval.emergency': 'Emergency approval',
};

export function auditViews(entries: readonly AuditEntry[], users: ReadonlyMap<string, JiraUser>): AuditEntryView[] {
  return entries.map((entry) => ({
    at: entry.at,
    actor: actorName(entry.actor, users),
    action: ACTION_LABELS[entry.action] ?? entry.action,
    detail: entry.detail,
  }));
}

export function issueViews(ctx: CallContext, issueKeys: readonly string[], issues: readonly JiraIssue[]): IssueView[] {
  const byKey = new Map(issues.map((issue) => [issue.key, issue]));
  return issueKeys.map((key) => {
    const issue = byKey.get(key);
    return {
      key,
      summary: issue?.summary ?? '',
      status: issue?.status ?? 'Unknown',
      statusCategory: issue?.statusCategory ?? 'unknown',
      issueType: issue?.issueType ?? 'Issue',
      url: ctx.links.jiraIssue(key),
    };
  });
}

/** Each person's latest decision (the policy's rule: the latest wins; of equal times, the later listed). */
export function latestByPerson(decisions: readonly Decision[]): Map<string, Decision> {
  const latest = new Map<string, Decision>();
  for (const d of decisions) if ((latest.get(d.accountId)?.at ?? '') <= d.at) latest.set(d.accountId, d);
  return latest;
}

/** Decisions as the page lists them; `latest` (each person's latest decision) says which were superseded. */
export function decisionViews(
  decisions: readonly Decision[],
  latest: ReadonlyMap<string, Decision>,
  contentHash: string,
  users: ReadonlyMap<string, JiraUser>,
): DecisionView[] {
  const same = (a: Decision, b: Decision | undefined) =>
    b !== undefined &&
    a.at === b.at &&
    a.decision === b.decision &&
    a.source === b.source &&
    a.contentHash === b.contentHash;
  return decisions.map((d) => ({
    accountId: d.accountId,
    displayName: users.get(d.accountId)?.displayName ?? d.accountId,
    decision: d.decision,
    reason: d.reason ?? null,
    at: d.at,
    source: d.source,
    valid: d.contentHash === contentHash,
    superseded: !same(d, latest.get(d.accountId)),
  }));
}

/** Names of the people among `ids`: from the cache, and Jira for those never seen (then cached). */
export async function namesOf(deps: Deps, ids: Iterable<string>): Promise<Map<string, JiraUser>> {
  return lookupUsers(deps, [...new Set(ids)].filter(isPerson));
}

function page<T>(items: T[], scope: string, next: string | number | undefined): Page<T> {
  return { items: withoutBidiControlsDeep(items), nextCursor: next === undefined ? null : pageCursor(scope, next) };
}

/** A list's items from a position, and the position after them (undefined: the end). */
export interface Slice<T, P> {
  items: T[];
  next: P | undefined;
}

export async function issuesFrom(
  deps: Deps,
  ctx: CallContext,
  record: ReleaseRecord,
  offset: number,
  limit = PAGE_SIZE,
): Promise<Slice<IssueView, number>> {
  const keys = (await deps.store.keys.issueKeys(record)).slice(offset, offset + limit);
  const issues = await deps.jiraAsApp.searchIssuesByKeys(keys);
  const end = offset + keys.length;
  return { items: issueViews(ctx, keys, issues), next: end < record.candidate.issueCount ? end : undefined };
}

export async function decisionsFrom(
  deps: Deps,
  record: ReleaseRecord,
  cursor: string | undefined,
  limit = PAGE_SIZE,
): Promise<Slice<DecisionView, string>> {
  const [latest, found] = await Promise.all([
    deps.store.decisions.latest(record.versionId),
    deps.store.decisions.page(record.versionId, limit, cursor),
  ]);
  const users = await namesOf(
    deps,
    found.entries.map((d) => d.accountId),
  );
  return {
    items: decisionViews(found.entries, latestByPerson(latest), record.candidate.contentHash, users),
    next: found.nextCursor,
  };
}

export async function auditFrom(
  deps: Deps,
  versionId: string,
  cursor: string | undefined,
  limit = PAGE_SIZE,
): Promise<Slice<AuditEntryView, string>> {
  const found = await deps.store.audit.page(versionId, limit, cursor);
  const users = await namesOf(
    deps,
    found.entries.map((entry) => entry.actor),
  );
  return { items: auditViews(found.entries, users), next: found.nextCursor };
}

export async function issuePage(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  cursor: string | undefined,
  limit = PAGE_SIZE,
): Promise<Page<IssueView>> {
  const record = await loadRelease(deps, ctx.projectKey, versionId);
  const scope = listScope.issues(versionId, record.candidate.contentHash);
  const found = await issuesFrom(deps, ctx, record, offsetIn(scope, cursor), limit);
  return page(found.items, scope, found.next);
}

export async function decisionPage(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  cursor: string | undefined,
  limit = PAGE_SIZE,
): Promise<Page<DecisionView>> {
  const scope = listScope.decisions(versionId);
  const from = storeCursorIn(scope, cursor);
  const found = await decisionsFrom(deps, await loadRelease(deps, ctx.projectKey, versionId), from, limit);
  return page(found.items, scope, found.next);
}

export async function auditPage(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  cursor: string | undefined,
  limit = PAGE_SIZE,
): Promise<Page<AuditEntryView>> {
  const scope = listScope.audit(versionId);
  const from = storeCursorIn(scope, cursor);
  const [, found] = await Promise.all([
    loadRelease(deps, ctx.projectKey, versionId),
    auditFrom(deps, versionId, from, limit),
  ]);
  return page(found.items, scope, found.next);
}
