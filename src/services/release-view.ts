/**
 * The release page in one call: storage reads first (one round), then every upstream read in
 * parallel (one round). A source that fails becomes a warning; the rest still shows.
 */
import type {
  ApprovalsView,
  ArtifactCell,
  ArtifactView,
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
import type { EnvironmentSnapshot, Provenance, RunningArtifact } from '../release/types';
import type { ReleaseRecord } from '../store/release-store';
import type { WorkflowRun } from '../github/types';
import type { PullRequestAttestation } from '../kosli/types';
import { approvalStatus, lookupUsers } from './approval-status';
import { kosliTrailUrl, type CallContext, type Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';

async function settle<T>(label: string, warnings: string[], work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    warnings.push(`${label}: ${toAppError(error).message}`);
    return null;
  }
}

export async function loadRelease(deps: Deps, projectKey: string, versionId: string): Promise<ReleaseRecord> {
  const record = await deps.store.getRelease(projectKey, versionId);
  if (!record) throw new AppError('NOT_FOUND', `Release ${versionId} is not a release of project ${projectKey} managed by this app.`);
  return record;
}

export async function releaseView(deps: Deps, ctx: CallContext, versionId: string): Promise<ReleaseView> {
  const [record, decisions, audit, clients] = await Promise.all([
    loadRelease(deps, ctx.projectKey, versionId),
    deps.store.decisions(versionId),
    deps.store.auditLog(versionId),
    projectClients(deps, ctx.projectKey),
  ]);
  const { config, kosli, github } = clients;
  const warnings: string[] = [];
  const run = dispatchedRun(record.deploy);
  const knownUsers = new Set([...config.approval.approvers, ...decisions.map((d) => d.accountId), ...audit.map((a) => a.actor).filter((actor) => !SYSTEM_ACTORS.has(actor))]);

  const [version, issues, dev, staging, prod, provenance, pullRequests, liveRun, cachedUsers] = await Promise.all([
    deps.jiraAsApp.getVersion(versionId),
    settle('Jira issues', warnings, () => (record.candidate.issueKeys.length > 0 ? deps.jiraAsApp.searchIssues(`key in (${record.candidate.issueKeys.join(', ')})`) : Promise.resolve([]))),
    settle('Kosli dev', warnings, () => latestSnapshot(config, kosli, 'dev')),
    settle('Kosli staging', warnings, () => latestSnapshot(config, kosli, 'staging')),
    settle('Kosli prod', warnings, () => latestSnapshot(config, kosli, 'prod')),
    Promise.all(record.candidate.apps.map((app) => settle(`Kosli provenance of ${app.name}`, warnings, () => kosli.provenance(app.to.flow, app.to.trail, { pullRequests: false })))),
    // PR evidence in bulk in the same round, instead of a second round per trail.
    Promise.all(record.candidate.apps.map((app) => settle(`Kosli pull requests of ${app.name}`, warnings, () => kosli.pullRequestEvidence(app.to.flow, [app.to.commit])))),
    run && record.deploy.kind === 'dispatched' ? settle('GitHub run', warnings, () => github.getRun(run.runId)) : Promise.resolve(null),
    usersFromCache(deps, knownUsers),
  ]);

  const status = await approvalStatus(deps, config, record, decisions, version, cachedUsers);
  const unnamed = [...knownUsers].filter((id) => !status.users.has(id));
  // Only people never seen before cost a Jira call; their names are cached for the next view.
  if (unnamed.length > 0) for (const [id, user] of await lookupUsers(deps, unnamed)) status.users.set(id, user);
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
    artifacts: artifactViews(record, provenance, pullRequests),
    environments: environmentRows(config, record, dev, staging, prod),
    issues: issueViews(ctx, record, issues ?? []),
    missingKeys: record.candidate.missingKeys,
    untracked: record.candidate.untracked,
    approvals: approvalsView(config, record, version, status, ctx.actor),
    deploy: deployView(record, liveRun),
    audit: audit.map((entry) => ({ at: entry.at, actor: actorName(entry.actor, status.users), action: actionLabel(entry.action), detail: entry.detail })),
    warnings,
  });
}

/** Actors that are the app itself rather than a person. */
const SYSTEM_ACTORS = new Map([
  ['app', 'Kosli Release Gate'],
  ['scheduled-check', 'Scheduled check'],
  ['deploy-worker', 'Deploy worker'],
]);

function actorName(actor: string, users: Map<string, JiraUser>): string {
  return SYSTEM_ACTORS.get(actor) ?? users.get(actor)?.displayName ?? actor;
}

const ACTION_LABELS: Record<string, string> = {
  'candidate.created': 'Candidate created',
  'candidate.changed': 'Content changed',
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
};

function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

async function usersFromCache(deps: Deps, ids: Set<string>): Promise<Map<string, JiraUser>> {
  const found = await Promise.all([...ids].map((id) => deps.store.cachedUser(id)));
  return new Map(found.filter((u): u is JiraUser => u !== undefined).map((u) => [u.accountId, u]));
}

function artifactViews(record: ReleaseRecord, provenance: (Provenance | null)[], pullRequests: (Map<string, PullRequestAttestation> | null)[]): ArtifactView[] {
  return record.candidate.apps.map((app, i) => {
    const p = provenance[i] ?? null;
    const prs = pullRequests[i]?.get(app.to.commit)?.pullRequests ?? [];
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
      pullRequests: prs,
      jiraKeys: app.jiraKeys,
      commitCount: app.commitCount,
      truncated: app.truncated,
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
      stagingDiffersFromCandidate: staging !== null && candidateApp !== undefined && candidateApp.to.fingerprint !== s?.fingerprint,
    };
  });
}

function issueViews(ctx: CallContext, record: ReleaseRecord, issues: JiraIssue[]): IssueView[] {
  const byKey = new Map(issues.map((issue) => [issue.key, issue]));
  return record.candidate.issueKeys.map((key) => {
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
  status: Awaited<ReturnType<typeof approvalStatus>>,
  me: string,
): ApprovalsView {
  const hash = record.candidate.contentHash;
  const name = (id: string) => status.users.get(id)?.displayName ?? id;
  const decisions: DecisionView[] = [...status.decisions]
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((d) => ({ accountId: d.accountId, displayName: name(d.accountId), decision: d.decision, reason: d.reason ?? null, at: d.at, source: d.source, valid: d.contentHash === hash }));
  const mine = status.evaluation.approvers.find((a) => a.accountId === me);
  return {
    rule: describeRule(config.approval),
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
    },
  };
}

function deployView(record: ReleaseRecord, liveRun: WorkflowRun | null): DeployView {
  const state = record.deploy;
  const run = dispatchedRun(state);
  return {
    state: releaseStateName(state),
    step: state.kind === 'failed' ? `failed at ${state.step}` : state.kind,
    runId: run?.runId ?? null,
    runUrl: run?.runUrl ?? null,
    runStatus: liveRun?.status ?? record.run?.status ?? null,
    runConclusion: liveRun?.conclusion ?? record.run?.conclusion ?? null,
    failure: state.kind === 'failed' ? { step: state.step, reason: state.reason, transient: state.transient, attempts: state.attempts } : null,
    verification: record.verification,
  };
}


