/**
 * The release page in one call: storage reads first (one round), then every upstream read in
 * parallel (one round). A source that fails becomes a warning; the rest still shows.
 */
import type {
  ApprovalsView,
  ArtifactCell,
  ArtifactView,
  CommitEvidenceView,
  CompositionView,
  ContentChange,
  DecisionView,
  DeployView,
  EnvironmentRow,
  IssueView,
  ReleaseView,
} from '../contract';
import { AppError, toAppError } from '../errors';
import type { JiraIssue, JiraUser, JiraVersion } from '../jira/types';
import { describeRule } from '../release/approvals';
import { withoutBidiControlsDeep } from '../release/display-text';
import type { ProjectConfig } from '../release/config';
import { dispatchedRun, releaseStateName } from '../release/deploy-state';
import { diffContent } from '../release/content-change';
import type { CommitInfo, Decision, EnvironmentSnapshot, JiraEvidence, Provenance, RunningArtifact } from '../release/types';
import type { KeyEntry } from '../store/candidate-keys';
import type { CompositionStatus } from '../store/composition-store';
import type { AuditEntry, ComposingMark, ContentSnapshot, ReleaseRecord } from '../store/records';
import type { WorkflowRun } from '../github/types';
import type { PullRequestAttestation } from '../kosli/types';
import { approvalProgress, approvalStatus, lookupUsers, type ApprovalStatus } from './approval-status';
import { canManageReleases } from './permissions';
import { kosliTrailUrl, type CallContext, type Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';
import { gateViewPeople, releaseGateView } from './release-gate-view';
import { approvalPolicyFor } from '../release/rollback';

async function settle<T>(label: string, warnings: string[], work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    warnings.push(`${label}: ${toAppError(error).message}`);
    return null;
  }
}

export async function loadRelease(deps: Deps, projectKey: string, versionId: string): Promise<ReleaseRecord> {
  const record = await deps.store.releases.get(projectKey, versionId);
  if (!record) throw new AppError('NOT_FOUND', `Release ${versionId} is not a release of project ${projectKey} managed by this app.`);
  return record;
}

/**
 * The release page lists the newest commits of each app, 500 across the page (at most 200, at
 * least 50 an app), so a 10-app release's answer and evidence lookups stay small; counts stay exact.
 */
const COMMITS_ON_PAGE = 500;

function commitsShown(apps: number): number {
  return Math.max(50, Math.min(200, Math.floor(COMMITS_ON_PAGE / Math.max(1, apps))));
}

export async function releaseView(deps: Deps, ctx: CallContext, versionId: string): Promise<ReleaseView> {
  const [record, decisions, audit, clients, snapshots] = await Promise.all([
    loadRelease(deps, ctx.projectKey, versionId),
    deps.store.decisions.list(versionId),
    deps.store.audit.list(versionId),
    projectClients(deps, ctx.projectKey),
    deps.store.snapshots.list(versionId),
  ]);
  const { config, kosli, github } = clients;
  const shownPerApp = commitsShown(record.candidate.apps.length);
  const [commitLists, keyEntries] = await Promise.all([
    Promise.all(record.candidate.apps.map((app) => deps.store.commits.latest(versionId, app.name, app.commitCount, shownPerApp))),
    deps.store.keys.all(versionId, record.candidate.keys),
  ]);
  const commitsByApp = new Map(record.candidate.apps.map((app, i) => [app.name, commitLists[i] ?? []]));
  const issueKeys = keyEntries.map((entry) => entry.key);
  const warnings: string[] = [];
  const run = dispatchedRun(record.deploy);
  const knownUsers = new Set([...approvalPolicyFor(config, record).approvers, ...(record.composing ? [record.composing.by] : []), ...gateViewPeople(record), ...decisions.map((d) => d.accountId), ...audit.map((a) => a.actor).filter((actor) => !SYSTEM_ACTORS.has(actor))]);
  const shown = record.candidate.apps.flatMap((app) => newestFirst(commitsByApp.get(app.name) ?? [], app.to.commit).slice(0, shownPerApp).map((c) => c.sha));

  const [version, issues, dev, staging, prod, provenance, pullRequests, jiraKeys, liveRun, cachedUsers, mayManage, composition] = await Promise.all([
    deps.jiraAsApp.getVersion(versionId),
    settle('Jira issues', warnings, () => deps.jiraAsApp.searchIssuesByKeys(issueKeys)),
    settle('Kosli dev', warnings, () => latestSnapshot(config, kosli, 'dev')),
    settle('Kosli staging', warnings, () => latestSnapshot(config, kosli, 'staging')),
    settle('Kosli prod', warnings, () => latestSnapshot(config, kosli, 'prod')),
    Promise.all(record.candidate.apps.map((app) => settle(`Kosli provenance of ${app.name}`, warnings, () => kosli.provenance(app.to.flow, app.to.trail, { pullRequests: false })))),
    // Review and Jira evidence of every commit, from the source flow, in bulk and in the same round as the trails.
    settle('Kosli pull requests', warnings, () => kosli.pullRequestEvidence(config.kosli.sourceFlow, shown)),
    settle('Kosli Jira references', warnings, () => kosli.jiraEvidence(config.kosli.sourceFlow, shown)),
    run && record.deploy.kind === 'dispatched' ? settle('GitHub run', warnings, () => github.getRun(run.runId)) : Promise.resolve(null),
    usersFromCache(deps, knownUsers),
    // Only a failure (retry) and a released version (roll back to it) need to know whether this person may act.
    record.deploy.kind === 'failed' || record.released ? canManageReleases(ctx).catch(() => false) : Promise.resolve(null),
    record.composing ? deps.store.compositions.status(versionId) : Promise.resolve(undefined),
  ]);

  const status = await approvalStatus(deps, config, record, decisions, version, cachedUsers);
  const unnamed = [...knownUsers].filter((id) => !status.users.has(id));
  // Only people never seen before cost a Jira call; their names are cached for the next view.
  if (unnamed.length > 0) for (const [id, user] of await lookupUsers(deps, unnamed)) status.users.set(id, user);
  const evidence = { commitsByApp, pullRequests: pullRequests ?? new Map<string, PullRequestAttestation>(), jiraKeys: jiraKeys ?? new Map<string, JiraEvidence>() };
  // Summaries, reasons, names and audit details come from outside: shown without bidi controls.
  return withoutBidiControlsDeep({
    versionId,
    name: record.name,
    projectKey: ctx.projectKey,
    jiraUrl: ctx.links.jiraRelease(ctx.projectKey, versionId),
    kosliTrailUrl: kosliTrailUrl(config, versionId),
    contentHash: record.candidate.contentHash,
    state: releaseStateName(record.deploy),
    released: record.released || version.released,
    releaseDate: record.releaseDate ?? version.releaseDate,
    artifacts: artifactViews(record, provenance, evidence, keyEntries, shownPerApp),
    environments: environmentRows(config, record, dev, staging, prod),
    issues: issueViews(ctx, issueKeys, issues ?? []),
    missingKeys: record.candidate.missingKeys,
    untracked: record.candidate.untracked,
    approvals: approvalsView(config, record, version, status, ctx.actor, deps.clock.now(), contentChanges(record, issueKeys, status, snapshots, audit, commitsByApp)),
    deploy: deployView(ctx, record, liveRun, audit, record.deploy.kind === 'failed' ? mayManage : null),
    audit: audit.map((entry) => ({ at: entry.at, actor: actorName(entry.actor, status.users), action: actionLabel(entry.action), detail: entry.detail })),
    gate: releaseGateView(config, record, ctx.actor, status.users, mayManage === true),
    composition: record.composing ? compositionView(record.composing, composition, status.users) : null,
    fixVersions: { written: record.fixVersions.written, pending: record.fixVersions.pending },
    warnings,
  });
}

function compositionView(mark: ComposingMark, status: CompositionStatus | undefined, users: Map<string, JiraUser>): CompositionView {
  return {
    since: mark.since,
    by: actorName(mark.by, users),
    progress: status?.progress ?? null,
    updatedAt: status?.updatedAt ?? mark.since,
    attempts: status?.attempts ?? 0,
    error: status?.error ?? null,
  };
}

/** Stored commits are oldest first; the page shows the newest first. Old records kept no list: the artifact's commit stands in. */
function newestFirst(commits: readonly CommitInfo[], artifactCommit: string): CommitInfo[] {
  if (commits.length === 0) return [{ sha: artifactCommit, title: '', author: '', authorEmail: null, date: '', url: null }];
  return [...commits].reverse();
}

/**
 * For every earlier content that someone's latest decision was made for: what changed since, from
 * the content snapshots the refresh records (when the release predates them, only the time is known).
 */
function contentChanges(
  record: ReleaseRecord,
  issueKeys: string[],
  status: ApprovalStatus,
  snapshots: ContentSnapshot[],
  audit: AuditEntry[],
  commitsByApp: Map<string, CommitInfo[]>,
): ContentChange[] {
  const hash = record.candidate.contentHash;
  const latest = new Map<string, Decision>();
  for (const d of status.decisions) if ((latest.get(d.accountId)?.at ?? '') <= d.at) latest.set(d.accountId, d);
  const staleBy = new Map<string, string[]>();
  for (const d of latest.values()) if (d.contentHash !== hash) staleBy.set(d.contentHash, [...(staleBy.get(d.contentHash) ?? []), status.users.get(d.accountId)?.displayName ?? d.accountId]);
  const byHash = new Map(snapshots.map((s) => [s.contentHash, s]));
  const current = byHash.get(hash);
  const changedAt = current?.at ?? [...audit].reverse().find((entry) => entry.action === 'candidate.changed')?.at ?? null;
  const changer = current?.actor ?? null;
  return [...staleBy].map(([fromHash, decidedBy]) => {
    const before = byHash.get(fromHash);
    const after = { apps: record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint, commit: app.to.commit })), issueKeys };
    const diff = before ? diffContent(before, after, (app) => commitsByApp.get(app) ?? []) : { apps: [], addedKeys: [], removedKeys: [] };
    return {
      fromHash,
      decidedBy,
      changedAt,
      changedBy: changer ? actorName(changer, status.users) : null,
      ...diff,
      known: before !== undefined,
    };
  });
}

/** Actors that are the app itself rather than a person. */
const SYSTEM_ACTORS = new Map([
  ['app', 'Kosli Release Gate'],
  ['scheduled-check', 'Scheduled check'],
  ['deploy-worker', 'Deploy worker'],
  ['candidate-worker', 'Candidate worker'],
]);

function actorName(actor: string, users: Map<string, JiraUser>): string {
  return SYSTEM_ACTORS.get(actor) ?? users.get(actor)?.displayName ?? actor;
}

const ACTION_LABELS: Record<string, string> = {
  'candidate.created': 'Candidate created',
  'candidate.changed': 'Content changed',
  'candidate.composing': 'Content being composed',
  'candidate.composed': 'Content composed',
  'jira.fixVersions': 'Issues added to the release',
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

function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

async function usersFromCache(deps: Deps, ids: Set<string>): Promise<Map<string, JiraUser>> {
  const found = await Promise.all([...ids].map((id) => deps.store.users.get(id)));
  return new Map(found.filter((u): u is JiraUser => u !== undefined).map((u) => [u.accountId, u]));
}

interface CommitEvidence {
  commitsByApp: Map<string, CommitInfo[]>;
  pullRequests: Map<string, PullRequestAttestation>;
  jiraKeys: Map<string, JiraEvidence>;
}

function artifactViews(record: ReleaseRecord, provenance: (Provenance | null)[], evidence: CommitEvidence, keys: readonly KeyEntry[], shownPerApp: number): ArtifactView[] {
  return record.candidate.apps.map((app, i) => {
    const p = provenance[i] ?? null;
    const commits: CommitEvidenceView[] = newestFirst(evidence.commitsByApp.get(app.name) ?? [], app.to.commit)
      .slice(0, shownPerApp)
      .map((commit) => ({
        sha: commit.sha,
        title: commit.title,
        author: commit.author,
        date: commit.date,
        url: commit.url,
        pullRequests: evidence.pullRequests.get(commit.sha.toLowerCase())?.pullRequests ?? [],
        jiraKeys: (evidence.jiraKeys.get(commit.sha.toLowerCase())?.keys ?? []).filter((k) => k.exists).map((k) => k.key),
      }));
    const byUrl = new Map(commits.flatMap((c) => c.pullRequests).map((pr) => [pr.url, pr]));
    return {
      app: app.name,
      fingerprint: app.to.fingerprint,
      commit: app.to.commit,
      commitUrl: null,
      fromCommit: app.from?.commit ?? null,
      fromFingerprint: app.from?.fingerprint ?? null,
      flow: app.to.flow,
      trail: app.to.trail,
      kosliTrailUrl: p?.htmlUrl ?? null,
      buildUrl: p?.buildUrl ?? null,
      compliance: p?.compliance ?? 'UNKNOWN',
      failing: p?.failing ?? [],
      // Every pull request the app's commits came from, not only the artifact commit's.
      pullRequests: [...byUrl.values()],
      jiraKeys: keys.filter((entry) => entry.apps.includes(app.name)).map((entry) => entry.key),
      commitCount: app.commitCount,
      truncated: app.truncated,
      commits,
      reviewedCommits: commits.filter((c) => c.pullRequests.some((pr) => pr.approvers.some((approver) => approver !== pr.author))).length,
    };
  });
}

function cell(artifact: RunningArtifact | undefined): ArtifactCell | null {
  if (!artifact) return null;
  return { fingerprint: artifact.fingerprint, commit: artifact.commit, compliant: artifact.compliant, kosliUrl: artifact.htmlUrl };
}

function environmentRows(
  config: ProjectConfig,
  record: ReleaseRecord,
  dev: EnvironmentSnapshot | null,
  staging: EnvironmentSnapshot | null,
  prod: EnvironmentSnapshot | null,
): EnvironmentRow[] {
  const find = (snapshot: EnvironmentSnapshot | null, name: string) => snapshot?.artifacts.find((a) => a.name === name);
  return config.apps.map(({ name }) => {
    const d = find(dev, name);
    const s = find(staging, name);
    const p = find(prod, name);
    const candidateApp = record.candidate.apps.find((a) => a.name === name);
    return {
      app: name,
      dev: cell(d),
      staging: cell(s),
      prod: cell(p),
      devDiffersFromStaging: d?.fingerprint !== s?.fingerprint,
      stagingDiffersFromProd: s?.fingerprint !== p?.fingerprint,
      // A rollback ships an earlier release, not what staging runs.
      stagingDiffersFromCandidate: !record.rollback && staging !== null && candidateApp !== undefined && candidateApp.to.fingerprint !== s?.fingerprint,
    };
  });
}

function issueViews(ctx: CallContext, issueKeys: readonly string[], issues: JiraIssue[]): IssueView[] {
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

function approvalsView(
  config: ProjectConfig,
  record: ReleaseRecord,
  version: JiraVersion,
  status: ApprovalStatus,
  me: string,
  now: string,
  changes: ContentChange[],
): ApprovalsView {
  const hash = record.candidate.contentHash;
  const name = (id: string) => status.users.get(id)?.displayName ?? id;
  const decisions: DecisionView[] = [...status.decisions]
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((d, i, newest) => ({
      accountId: d.accountId,
      displayName: name(d.accountId),
      decision: d.decision,
      reason: d.reason ?? null,
      at: d.at,
      source: d.source,
      valid: d.contentHash === hash,
      superseded: newest.slice(0, i).some((later) => later.accountId === d.accountId),
    }));
  const mine = status.evaluation.approvers.find((a) => a.accountId === me);
  const open = record.deploy.kind === 'open';
  return {
    rule: describeRule(approvalPolicyFor(config, record)),
    approvers: status.evaluation.approvers.map((a) => {
      const native = version.approvers.find((j) => j.accountId === a.accountId);
      return {
        accountId: a.accountId,
        displayName: name(a.accountId),
        sources: a.sources,
        jiraStatus: native?.status ?? null,
        current: a.current,
        staleJiraApproval: native?.status === 'APPROVED' && a.current !== 'approved' && a.latest?.source === 'jira' && a.latest.contentHash !== hash,
        ineligibleReason: a.ineligibleReason,
      };
    }),
    decisions,
    satisfied: status.evaluation.satisfied,
    outstanding: status.evaluation.outstanding,
    me: {
      accountId: me,
      eligible: mine !== undefined && record.deploy.kind === 'open',
      reason:
        mine === undefined
          ? 'You are not an approver of this release.'
          : record.deploy.kind !== 'open'
            ? 'Decisions are closed: the release is past approval.'
            : mine.ineligibleReason
              ? `You cannot approve: you ${mine.ineligibleReason}.`
              : null,
      current: mine?.current ?? null,
      lastApproval: open && mine !== undefined && mine.current !== 'approved' && mine.ineligibleReason === null && status.wouldComplete(me, now),
      stale: mine?.latest !== null && mine?.latest !== undefined && mine.latest.contentHash !== hash,
    },
    progress: approvalProgress(status, me, open),
    changes,
  };
}

function deployView(ctx: CallContext, record: ReleaseRecord, liveRun: WorkflowRun | null, audit: AuditEntry[], mayRetry: boolean | null): DeployView {
  const state = record.deploy;
  const run = dispatchedRun(state);
  const started = [...audit].reverse().find((entry) => entry.action === 'deploy.policySatisfied');
  return {
    state: releaseStateName(state),
    step: state.kind === 'failed' ? `failed at ${state.step}` : state.kind,
    runId: run?.runId ?? null,
    runUrl: run?.runUrl ?? null,
    runStatus: liveRun?.status ?? record.run?.status ?? null,
    runConclusion: liveRun?.conclusion ?? record.run?.conclusion ?? null,
    failure: state.kind === 'failed' ? { step: state.step, reason: state.reason, transient: state.transient, attempts: state.attempts } : null,
    verification: record.verification,
    stepSince: state.kind === 'open' ? null : state.at,
    startedAt: state.kind === 'open' ? null : (started?.at ?? null),
    canRetry: mayRetry,
    whoCanRetry:
      state.kind === 'failed'
        ? `People who can edit issues in ${ctx.projectKey} (the developers) can retry${state.transient ? '; the app also retries by itself at its next scheduled check' : ''}.`
        : null,
  };
}
