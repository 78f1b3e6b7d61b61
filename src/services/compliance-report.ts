/**
 * The compliance report: the commits to the configured ref in a period from GitHub (100 a page),
 * then the source flow's `jira` and `pull_request` evidence for all of them from Kosli in bulk
 * (the client asks ≤ 100 commits a call) — never one call per commit, so 2,000 commits take about
 * 20 + 40 calls and stay well inside Forge's 25 s.
 */
import type { ComplianceReport } from '../contract';
import { AppError } from '../errors';
import { complianceCsv, complianceRows, validatePeriod } from '../release/compliance';
import { releaseStateName } from '../release/deploy-state';
import type { EmergencyReleaseRow } from '../release/types';
import { lookupUsers } from './approval-status';
import type { CallContext, Deps } from './deps';

/** The most commits one report holds; beyond it the report says it is truncated. */
export const COMPLIANCE_COMMIT_LIMIT = 5000;
/** The releases looked at for emergency approvals (the newest). */
const EMERGENCY_RELEASES_CONSIDERED = 200;

const SETTINGS_PAGE = 'Jira settings → Apps → Kosli Release Gate';

export async function complianceReport(
  deps: Deps,
  ctx: CallContext,
  period: { from: string; to: string },
): Promise<ComplianceReport> {
  const { since, until } = validatePeriod(period.from, period.to, deps.clock.now());
  const stored = await deps.store.settings.config(ctx.projectKey);
  const sourceFlow = stored?.config.kosli.sourceFlow;
  if (!stored || !sourceFlow) {
    throw new AppError(
      'NOT_CONFIGURED',
      `The compliance report reads the Kosli source flow, which is not configured for ${ctx.projectKey}: a Jira administrator must fill in "Source flow" (and the Kosli and GitHub settings) in ${SETTINGS_PAGE}.`,
    );
  }
  const { config } = stored;
  const [kosliToken, githubToken] = await Promise.all([
    deps.secrets.get(ctx.projectKey, 'kosliToken'),
    deps.secrets.get(ctx.projectKey, 'githubToken'),
  ]);
  if (!kosliToken)
    throw new AppError(
      'NOT_CONFIGURED',
      `The Kosli API token is not set: a Jira administrator must set it in ${SETTINGS_PAGE}.`,
    );
  if (!githubToken)
    throw new AppError(
      'NOT_CONFIGURED',
      `The GitHub token is not set: a Jira administrator must set it in ${SETTINGS_PAGE}.`,
    );
  const kosli = deps.kosli(config, kosliToken);
  const github = deps.github(config, githubToken);

  // Both in parallel; a missing source flow is the more useful answer when both fail.
  const [listed, flow] = await Promise.allSettled([
    github.commitsInPeriod({ ref: config.github.ref, since, until, limit: COMPLIANCE_COMMIT_LIMIT }),
    kosli.flowExists(sourceFlow),
  ]);
  if (flow.status === 'fulfilled' && !flow.value) {
    throw new AppError(
      'NOT_CONFIGURED',
      `The source flow '${sourceFlow}' does not exist in Kosli org '${config.kosli.org}': fix "Source flow" in ${SETTINGS_PAGE}.`,
    );
  }
  if (flow.status === 'rejected') throw flow.reason;
  if (listed.status === 'rejected') throw listed.reason;
  const { commits, truncated } = listed.value;
  const shas = commits.map((commit) => commit.sha);
  // An empty period makes no Kosli call (the client asks per chunk of commits).
  const [jira, prs] = await Promise.all([
    kosli.jiraEvidence(sourceFlow, shas),
    kosli.pullRequestEvidence(sourceFlow, shas),
  ]);
  const { rows, totals } = complianceRows(commits, jira, prs);
  return {
    from: since,
    to: until,
    rows,
    totals,
    truncated,
    csv: complianceCsv(rows),
    emergencyReleases: await emergencyReleases(deps, ctx.projectKey, since, until),
  };
}

/** Releases the app knows of, newest first, that an emergency approval in the period shipped. */
async function emergencyReleases(
  deps: Deps,
  projectKey: string,
  since: string,
  until: string,
): Promise<EmergencyReleaseRow[]> {
  const marked = (await deps.store.releases.recent(projectKey, EMERGENCY_RELEASES_CONSIDERED)).filter(
    (record) => record.emergency !== undefined && record.emergency.at >= since && record.emergency.at <= until,
  );
  const users = await lookupUsers(
    deps,
    marked.map((record) => record.emergency?.accountId ?? ''),
  );
  return marked.flatMap((record) =>
    record.emergency
      ? [
          {
            versionId: record.versionId,
            name: record.name,
            at: record.emergency.at,
            approver: users.get(record.emergency.accountId)?.displayName ?? record.emergency.accountId,
            group: record.emergency.groupName,
            reason: record.emergency.reason,
            state: releaseStateName(record.deploy),
          },
        ]
      : [],
  );
}
