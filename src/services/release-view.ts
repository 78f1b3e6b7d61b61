/**
 * The release page in one call: storage reads first (one round), then every upstream read in
 * parallel (one round). A source that fails becomes a warning; the rest still shows. Long lists
 * (issues, decisions, audit) come as their first page (release-lists.ts); the approval status reads
 * one key per approver's latest decision, never the decision history.
 */
import type {
  ApprovalsView,
  ArtifactCell,
  ArtifactView,
  CommitEvidenceView,
  CompositionView,
  ContentChange,
  DeployView,
  EnvironmentRow,
  ReleaseView,
} from '../contract';
import { toAppError } from '../errors';
import type { JiraUser, JiraVersion } from '../jira/types';
import { describeRule } from '../release/approvals';
import { withoutBidiControlsDeep } from '../release/display-text';
import type { ProjectConfig } from '../release/config';
import { dispatchedRun, releaseStateName } from '../release/deploy-state';
import { diffContent } from '../release/content-change';
import type {
  CommitInfo,
  Decision,
  EnvironmentSnapshot,
  JiraEvidence,
  Provenance,
  RunningArtifact,
} from '../release/types';
import type { KeyEntry } from '../store/candidate-keys';
import type { CompositionStatus } from '../store/composition-store';
import type { LogPage } from '../store/newest-first-log';
import type { AuditEntry, ComposingMark, ContentSnapshot, ReleaseRecord } from '../store/records';
import type { WorkflowRun } from '../github/types';
import type { PullRequestAttestation } from '../kosli/types';
import { approvalProgress, approvalStatus, lookupUsers, type ApprovalStatus } from './approval-status';
import { canManageReleases } from './permissions';
import { kosliTrailUrl, type CallContext, type Deps } from './deps';
import { latestSnapshot, projectClients, type ProjectClients } from './project-clients';
import { gateViewPeople, releaseGateView } from './release-gate-view';
import { approvalPolicyFor } from '../release/rollback';
import { loadRelease } from './load-release';
import { pageCursor } from './page-cursor';
import {
  actorName,
  auditViews,
  decisionViews,
  isPerson,
  issueViews,
  latestByPerson,
  listScope,
  PAGE_SIZE,
} from './release-lists';

export { loadRelease };

async function settle<T>(label: string, warnings: string[], work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    warnings.push(`${label}: ${toAppError(error).message}`);
    return null;
  }
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
  const warnings: string[] = [];
  const stored = loadRelease(deps, ctx.projectKey, versionId);
  const clientsRead = projectClients(deps, ctx.projectKey);
  // The upstream round starts as soon as the record, its content and the project's clients are read;
  // the logs' first pages (5 query pages in a row each) and the cached names are read beside it.
  const upstream = Promise.all([stored, clientsRead]).then(([record, clients]) =>
    upstreamReads(deps, ctx, record, clients, warnings),
  );
  const logs = Promise.all([
    deps.store.decisions.latest(versionId),
    deps.store.decisions.page(versionId, PAGE_SIZE),
    deps.store.audit.page(versionId, PAGE_SIZE),
    deps.store.snapshots.list(versionId),
  ]);
  const names = Promise.all([stored, clientsRead, logs]).then(
    async ([record, { config }, [latest, decisions, audit]]) => {
      const known = new Set([
        ...approvalPolicyFor(config, record).approvers,
        ...(record.composing ? [record.composing.by] : []),
        ...gateViewPeople(record),
        ...latest.map((d) => d.accountId),
        ...decisions.entries.map((d) => d.accountId),
        ...audit.entries.map((a) => a.actor).filter(isPerson),
      ]);
      return { known, cached: await usersFromCache(deps, known) };
    },
  );
  const compositionRead = stored.then((record) =>
    record.composing ? deps.store.compositions.status(versionId) : undefined,
  );
  const [
    record,
    { config },
    reads,
    [latestDecisions, decisionPage, auditPage, snapshots],
    { known: knownUsers, cached: cachedUsers },
    composition,
  ] = await Promise.all([stored, clientsRead, upstream, logs, names, compositionRead]);
  const {
    commitsByApp,
    keyEntries,
    shownPerApp,
    version,
    issues,
    dev,
    staging,
    prod,
    provenance,
    pullRequests,
    jiraKeys,
    liveRun,
    mayManage,
  } = reads;
  const audit = auditPage.entries;
  const issueKeys = keyEntries.map((entry) => entry.key);
  const firstIssues = issueKeys.slice(0, PAGE_SIZE);

  const status = await approvalStatus(deps, config, record, latestDecisions, version, cachedUsers);
  const unnamed = [...knownUsers].filter((id) => !status.users.has(id));
  // Only people never seen before cost a Jira call; their names are cached for the next view.
  if (unnamed.length > 0) for (const [id, user] of await lookupUsers(deps, unnamed)) status.users.set(id, user);
  const evidence = {
    commitsByApp,
    pullRequests: pullRequests ?? new Map<string, PullRequestAttestation>(),
    jiraKeys: jiraKeys ?? new Map<string, JiraEvidence>(),
  };
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
    issues: issueViews(ctx, firstIssues, issues ?? []),
    issueCount: issueKeys.length,
    missingKeys: record.candidate.missingKeys,
    untracked: record.candidate.untracked,
    approvals: approvalsView(
      config,
      record,
      version,
      status,
      ctx.actor,
      deps.clock.now(),
      contentChanges(record, issueKeys, status, snapshots, audit, commitsByApp),
      decisionPage,
    ),
    deploy: deployView(ctx, record, liveRun, audit, record.deploy.kind === 'failed' ? mayManage : null),
    audit: auditViews(audit, status.users),
    gate: releaseGateView(config, record, ctx.actor, status.users, mayManage === true),
    composition: record.composing ? compositionView(record.composing, composition, status.users) : null,
    fixVersions: { written: record.fixVersions.written, pending: record.fixVersions.pending },
    warnings,
    more: {
      issues:
        firstIssues.length < issueKeys.length
          ? pageCursor(listScope.issues(versionId, record.candidate.contentHash), firstIssues.length)
          : null,
      decisions: decisionPage.nextCursor ? pageCursor(listScope.decisions(versionId), decisionPage.nextCursor) : null,
      audit: auditPage.nextCursor ? pageCursor(listScope.audit(versionId), auditPage.nextCursor) : null,
    },
  });
}

/** The record's newest commits and its keys (storage), then every upstream read of the page at once. */
async function upstreamReads(
  deps: Deps,
  ctx: CallContext,
  record: ReleaseRecord,
  { config, kosli, github }: ProjectClients,
  warnings: string[],
) {
  const versionId = record.versionId;
  const shownPerApp = commitsShown(record.candidate.apps.length);
  const [commitLists, keyEntries] = await Promise.all([
    Promise.all(
      record.candidate.apps.map((app) => deps.store.commits.latest(versionId, app.name, app.commitCount, shownPerApp)),
    ),
    deps.store.keys.all(versionId, record.candidate.keys),
  ]);
  const commitsByApp = new Map(record.candidate.apps.map((app, i) => [app.name, commitLists[i] ?? []]));
  const firstIssues = keyEntries.slice(0, PAGE_SIZE).map((entry) => entry.key);
  const run = dispatchedRun(record.deploy);
  const shown = record.candidate.apps.flatMap((app) =>
    newestFirst(commitsByApp.get(app.name) ?? [], app.to.commit)
      .slice(0, shownPerApp)
      .map((c) => c.sha),
  );
  const [version, issues, dev, staging, prod, provenance, pullRequests, jiraKeys, liveRun, mayManage] =
    await Promise.all([
      deps.jiraAsApp.getVersion(versionId),
      settle('Jira issues', warnings, () => deps.jiraAsApp.searchIssuesByKeys(firstIssues)),
      settle('Kosli dev', warnings, () => latestSnapshot(config, kosli, 'dev')),
      settle('Kosli staging', warnings, () => latestSnapshot(config, kosli, 'staging')),
      settle('Kosli prod', warnings, () => latestSnapshot(config, kosli, 'prod')),
      Promise.all(
        record.candidate.apps.map((app) =>
          settle(`Kosli provenance of ${app.name}`, warnings, () =>
            kosli.provenance(app.to.flow, app.to.trail, { pullRequests: false }),
          ),
        ),
      ),
      // Review and Jira evidence of every commit, from the source flow, in bulk and in the same round as the trails.
      settle('Kosli pull requests', warnings, () => kosli.pullRequestEvidence(config.kosli.sourceFlow, shown)),
      settle('Kosli Jira references', warnings, () => kosli.jiraEvidence(config.kosli.sourceFlow, shown)),
      run && record.deploy.kind === 'dispatched'
        ? settle('GitHub run', warnings, () => github.getRun(run.runId))
        : Promise.resolve(null),
      // Only a failure (retry) and a released version (roll back to it) need to know whether this person may act.
      record.deploy.kind === 'failed' || record.released
        ? canManageReleases(ctx).catch(() => false)
        : Promise.resolve(null),
    ]);
  return {
    commitsByApp,
    keyEntries,
    shownPerApp,
    version,
    issues,
    dev,
    staging,
    prod,
    provenance,
    pullRequests,
    jiraKeys,
    liveRun,
    mayManage,
  };
}

function compositionView(
  mark: ComposingMark,
  status: CompositionStatus | undefined,
  users: Map<string, JiraUser>,
): CompositionView {
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
  if (commits.length === 0)
    return [{ sha: artifactCommit, title: '', author: '', authorEmail: null, date: '', url: null }];
  return [...commits].reverse();
}

/**
 * For every earlier content that someone's latest decision was made for: what changed since, from
 * the content snapshots the refresh records (when the release predates them, only the time is known:
 * from the latest audit page, newest first).
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
  const latest = latestByPerson(status.decisions);
  const staleBy = new Map<string, string[]>();
  for (const d of latest.values())
    if (d.contentHash !== hash)
      staleBy.set(d.contentHash, [
        ...(staleBy.get(d.contentHash) ?? []),
        status.users.get(d.accountId)?.displayName ?? d.accountId,
      ]);
  const byHash = new Map(snapshots.map((s) => [s.contentHash, s]));
  const current = byHash.get(hash);
  const changedAt = current?.at ?? audit.find((entry) => entry.action === 'candidate.changed')?.at ?? null;
  const changer = current?.actor ?? null;
  return [...staleBy].map(([fromHash, decidedBy]) => {
    const before = byHash.get(fromHash);
    const after = {
      apps: record.candidate.apps.map((app) => ({
        name: app.name,
        fingerprint: app.to.fingerprint,
        commit: app.to.commit,
      })),
      issueKeys,
    };
    const diff = before
      ? diffContent(before, after, (app) => commitsByApp.get(app) ?? [])
      : { apps: [], addedKeys: [], removedKeys: [] };
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

async function usersFromCache(deps: Deps, ids: Set<string>): Promise<Map<string, JiraUser>> {
  const found = await Promise.all([...ids].map((id) => deps.store.users.get(id)));
  return new Map(found.filter((u): u is JiraUser => u !== undefined).map((u) => [u.accountId, u]));
}

interface CommitEvidence {
  commitsByApp: Map<string, CommitInfo[]>;
  pullRequests: Map<string, PullRequestAttestation>;
  jiraKeys: Map<string, JiraEvidence>;
}

function artifactViews(
  record: ReleaseRecord,
  provenance: (Provenance | null)[],
  evidence: CommitEvidence,
  keys: readonly KeyEntry[],
  shownPerApp: number,
): ArtifactView[] {
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
        jiraKeys: (evidence.jiraKeys.get(commit.sha.toLowerCase())?.keys ?? [])
          .filter((k) => k.exists)
          .map((k) => k.key),
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
      reviewedCommits: commits.filter((c) =>
        c.pullRequests.some((pr) => pr.approvers.some((approver) => approver !== pr.author)),
      ).length,
    };
  });
}

function cell(artifact: RunningArtifact | undefined): ArtifactCell | null {
  if (!artifact) return null;
  return {
    fingerprint: artifact.fingerprint,
    commit: artifact.commit,
    compliant: artifact.compliant,
    kosliUrl: artifact.htmlUrl,
  };
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
      stagingDiffersFromCandidate:
        !record.rollback &&
        staging !== null &&
        candidateApp !== undefined &&
        candidateApp.to.fingerprint !== s?.fingerprint,
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
  decisionPage: LogPage<Decision>,
): ApprovalsView {
  const hash = record.candidate.contentHash;
  const name = (id: string) => status.users.get(id)?.displayName ?? id;
  // Native Jira decisions seen now and not yet recorded are the newest of all.
  const decisions = decisionViews(
    [...status.unrecorded, ...decisionPage.entries],
    latestByPerson(status.decisions),
    hash,
    status.users,
  );
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
        staleJiraApproval:
          native?.status === 'APPROVED' &&
          a.current !== 'approved' &&
          a.latest?.source === 'jira' &&
          a.latest.contentHash !== hash,
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
      lastApproval:
        open &&
        mine !== undefined &&
        mine.current !== 'approved' &&
        mine.ineligibleReason === null &&
        status.wouldComplete(me, now),
      stale: mine?.latest !== null && mine?.latest !== undefined && mine.latest.contentHash !== hash,
    },
    progress: approvalProgress(status, me, open),
    changes,
  };
}

function deployView(
  ctx: CallContext,
  record: ReleaseRecord,
  liveRun: WorkflowRun | null,
  audit: AuditEntry[],
  mayRetry: boolean | null,
): DeployView {
  const state = record.deploy;
  const run = dispatchedRun(state);
  // From the latest audit page (newest first): a deploy started further back shows no start time.
  const started = audit.find((entry) => entry.action === 'deploy.policySatisfied');
  return {
    state: releaseStateName(state),
    step: state.kind === 'failed' ? `failed at ${state.step}` : state.kind,
    runId: run?.runId ?? null,
    runUrl: run?.runUrl ?? null,
    runStatus: liveRun?.status ?? record.run?.status ?? null,
    runConclusion: liveRun?.conclusion ?? record.run?.conclusion ?? null,
    failure:
      state.kind === 'failed'
        ? { step: state.step, reason: state.reason, transient: state.transient, attempts: state.attempts }
        : null,
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
