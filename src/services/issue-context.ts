/**
 * "Where does this issue run?": for one issue, the release (Jira version) the app tracks that holds
 * it, with its approval and deploy state, and per environment whether the issue's commits run
 * there, with artifact, commit, Kosli compliance and since when. One Jira read as the user (which
 * also proves they may see the issue) and the three latest snapshots; the rest is stored state.
 */
import type { IssueContextView, IssueReleaseView } from '../contract';
import { AppError, toAppError } from '../errors';
import { evaluateApprovals } from '../release/approvals';
import type { ProjectConfig } from '../release/config';
import { releaseStateName } from '../release/deploy-state';
import { issueInEnvironment, type IssueReleaseApp } from '../release/issue-context';
import type { DeployState, EnvironmentRole, JiraApprover } from '../release/types';
import type { ReleaseRecord } from '../store/records';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';

const ROLES: readonly EnvironmentRole[] = ['dev', 'staging', 'prod'];

export async function issueContext(deps: Deps, ctx: CallContext, issueKey: string): Promise<IssueContextView> {
  const jira = ctx.jiraAsUser ?? deps.jiraAsApp;
  // One round: the issue (as the user) and the three snapshots do not depend on each other.
  const snapshotsRead = projectClients(deps, ctx.projectKey).then(async ({ config, kosli }) => ({
    config,
    snapshots: await Promise.all(ROLES.map((role) => latestSnapshot(config, kosli, role))),
  }));
  // Read alongside the issue; its failure is reported only for an issue the app tracks.
  void snapshotsRead.catch(() => undefined);
  const issue = await jira.searchIssues(`key = "${issueKey}"`).then(
    (found) => found.find((i) => i.key === issueKey),
    (error: unknown) => {
      // Jira answers 400 for a key that does not exist or that the caller may not see.
      if (toAppError(error).code === 'UPSTREAM_REJECTED') return undefined;
      throw error;
    },
  );
  if (!issue) throw new AppError('NOT_FOUND', `Issue ${issueKey} was not found, or you may not see it.`);

  // Each record, then the one bucket of its keys that can hold this issue.
  const records = await Promise.all(
    issue.fixVersionIds.map(async (id) => {
      const record = await deps.store.releases.get(ctx.projectKey, id);
      const entry = record ? await deps.store.keys.find(id, record.candidate.keys, issueKey) : undefined;
      return record && entry ? { record, apps: entry.apps } : undefined;
    }),
  );
  const tracked = records.filter((r): r is { record: ReleaseRecord; apps: string[] } => r !== undefined);
  const found = tracked.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt))[0];
  const record = found?.record;
  if (!record) {
    return {
      issueKey,
      summary: issue.summary,
      release: null,
      environments: [],
      notes: [
        `${issueKey} is in no release Kosli Release Gate tracks: no commit of a candidate references it, so there is no evidence of where its changes run.`,
      ],
    };
  }

  const holding = record.candidate.apps.filter((app) => found?.apps.includes(app.name));
  const [{ config, snapshots }, commitLists, staging, prod, decisions] = await Promise.all([
    snapshotsRead,
    Promise.all(holding.map((app) => deps.store.commits.all(record.versionId, app.name))),
    deps.store.deploymentReports.get(record.versionId, 'staging'),
    deps.store.deploymentReports.get(record.versionId, 'prod'),
    deps.store.decisions.latest(record.versionId),
  ]);
  const apps: IssueReleaseApp[] = holding.map((app, i) => ({
    name: app.name,
    to: { fingerprint: app.to.fingerprint, commit: app.to.commit },
    from: app.from,
    lastCommitAt:
      (commitLists[i] ?? [])
        .map((c) => c.date)
        .sort()
        .at(-1) ?? null,
  }));
  const verifiedAt: Record<EnvironmentRole, string | null> = {
    dev: null,
    staging: staging?.identity === `staging:${record.candidate.contentHash}` && staging.submittedAt ? staging.at : null,
    prod: prod?.state === 'successful' && prod.submittedAt ? prod.at : null,
  };
  const environments = ROLES.map((role, i) =>
    issueInEnvironment(issueKey, apps, {
      role,
      environment: config.kosli.environments[role],
      snapshot: snapshots[i] ?? {
        environment: config.kosli.environments[role],
        index: 0,
        takenAt: null,
        artifacts: [],
      },
      verifiedAt: verifiedAt[role],
    }),
  );
  const notes = holding.length === 0 ? [`The release records no app whose commits reference ${issueKey}.`] : [];
  if (record.candidate.untrackedCount > 0)
    notes.push(`${record.name} also ships ${record.candidate.untrackedCount} commit(s) that reference no Jira issue.`);
  return { issueKey, summary: issue.summary, release: releaseOf(config, ctx, record, decisions), environments, notes };
}

function releaseOf(
  config: ProjectConfig,
  ctx: CallContext,
  record: ReleaseRecord,
  decisions: Awaited<ReturnType<Deps['store']['decisions']['list']>>,
): IssueReleaseView {
  const jiraApprovers: JiraApprover[] = Object.entries(record.jiraSeen).map(([accountId, status]) => ({
    accountId,
    status,
  }));
  const evaluation = evaluateApprovals({
    policy: config.approval,
    contentHash: record.candidate.contentHash,
    decisions,
    jiraApprovers,
    committers: new Set(),
  });
  const approvalSummary = evaluation.satisfied
    ? `Approved for the current content (${evaluation.validApprovals} of ${evaluation.needed}).`
    : `Awaiting approval: ${evaluation.validApprovals} of ${evaluation.needed} for the current content.`;
  return {
    versionId: record.versionId,
    name: record.name,
    state: releaseStateName(record.deploy),
    released: record.released,
    releaseDate: record.releaseDate,
    approval: {
      satisfied: evaluation.satisfied,
      validApprovals: evaluation.validApprovals,
      needed: evaluation.needed,
      summary: approvalSummary,
    },
    deploy: deploySentence(record.deploy, record.releaseDate),
    releasePageUrl: ctx.links.releasePage(record.projectKey, record.versionId),
  };
}

function deploySentence(state: DeployState, releaseDate: string | null): string {
  switch (state.kind) {
    case 'open':
      return 'Not deployed to prod: the release waits for its approvals.';
    case 'approved':
    case 'attested':
      return 'Approved: the prod deploy is starting.';
    case 'dispatched':
      return `Prod deploy run ${state.runId} is running.`;
    case 'deployed':
      return 'Deployed: Kosli is verifying what prod runs.';
    case 'verified':
      return 'Kosli verified prod runs the approved content; Jira release follows.';
    case 'released':
      return `Released${releaseDate ? ` on ${releaseDate}` : ''}: prod runs the approved content, verified by Kosli.`;
    case 'failed':
      return `The deploy failed at ${state.step}: ${state.reason}`;
  }
}
