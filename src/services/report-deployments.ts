/**
 * Reports what Kosli verified to Jira's Deployments API, so that each issue of a release shows where
 * it runs ("Releases" on the issue, the project's Deployments view). Never what was merely
 * dispatched: staging is reported when the staging snapshot runs the candidate, production when the
 * prod snapshot runs exactly the approved artifacts, and a deploy that failed as failed.
 *
 * Reporting is a side effect of steps that already happened: a Jira fault here is written to the
 * release's audit log and never fails the step. A report is stored before it is sent, so the next
 * call re-sends the same deployment keys rather than a second deployment.
 */
import { toAppError } from '../errors';
import type { DeploymentState } from '../jira/deployments';
import type { ProjectConfig } from '../release/config';
import { dispatchedRun } from '../release/deploy-state';
import {
  deploymentCount,
  deploymentsFor,
  kosliSnapshotUrl,
  pipelineOf,
  type ReportedRole,
} from '../release/jira-deployments';
import type { EnvironmentSnapshot } from '../release/types';
import type { ReleaseRecord } from '../store/records';
import type { Deps } from './deps';

interface Outcome {
  role: ReportedRole;
  identity: string;
  state: DeploymentState;
  url: string;
  description: string;
}

function contentOf(record: ReleaseRecord): string {
  return record.candidate.apps.map((app) => `${app.name}@${app.to.commit.slice(0, 7)}`).join(', ');
}

/** Staging runs the candidate: Kosli's staging snapshot is what the candidate was composed from. */
export async function reportStagingDeployment(
  deps: Deps,
  actor: string,
  config: ProjectConfig,
  record: ReleaseRecord,
  staging: EnvironmentSnapshot,
  issueKeys: readonly string[],
): Promise<void> {
  await report(deps, actor, config, record, issueKeys, {
    role: 'staging',
    identity: `staging:${record.candidate.contentHash}`,
    state: 'successful',
    url: kosliSnapshotUrl(config, 'staging', staging.index),
    description: `Kosli snapshot #${staging.index} of ${config.kosli.environments.staging} runs ${contentOf(record)}`,
  });
}

/** After each deploy transition: verified → production successful; a deploy that failed for good → failed. */
export async function reportDeployOutcome(
  deps: Deps,
  actor: string,
  config: ProjectConfig,
  record: ReleaseRecord,
): Promise<void> {
  const outcome = prodOutcome(config, record);
  if (outcome) await report(deps, actor, config, record, null, outcome);
}

function prodOutcome(config: ProjectConfig, record: ReleaseRecord): Outcome | null {
  const state = record.deploy;
  const run = dispatchedRun(state);
  const url = run?.runUrl ?? pipelineOf(config, 'prod').url;
  const runName = run ? `run ${run.runId}` : 'no run';
  if (state.kind === 'verified' || state.kind === 'released') {
    return {
      role: 'prod',
      identity: `prod:${runName}:successful`,
      state: 'successful',
      url,
      description: `Kosli verified ${config.kosli.environments.prod} runs exactly the approved ${contentOf(record)}`,
    };
  }
  // Only a deploy that ran and ended badly: transient faults are retried, earlier steps deployed nothing.
  if (state.kind === 'failed' && !state.transient && (state.step === 'follow' || state.step === 'verify')) {
    return { role: 'prod', identity: `prod:${runName}:failed`, state: 'failed', url, description: state.reason };
  }
  return null;
}

/** `issueKeys`: the candidate's keys when the caller has them; otherwise they are read. */
async function report(
  deps: Deps,
  actor: string,
  config: ProjectConfig,
  record: ReleaseRecord,
  issueKeys: readonly string[] | null,
  outcome: Outcome,
): Promise<void> {
  if (record.candidate.issueCount === 0) return;
  try {
    const keys = issueKeys ?? (await deps.store.keys.issueKeys(record));
    const previous = await deps.store.deploymentReports.get(record.versionId, outcome.role);
    if (previous?.identity === outcome.identity && previous.submittedAt !== null) return;
    const count = deploymentCount(keys.length);
    const same = previous?.identity === outcome.identity && previous.count === count;
    const sequenceBase = same
      ? previous.sequenceBase
      : await deps.store.deploymentReports.reserve(record.projectKey, outcome.role, count);
    const at = same ? previous.at : deps.clock.now();
    const stored = {
      role: outcome.role,
      identity: outcome.identity,
      state: outcome.state,
      sequenceBase,
      count,
      url: outcome.url,
      at,
      submittedAt: null,
      rejected: [],
    };
    await deps.store.deploymentReports.put(record.versionId, stored);
    const deployments = deploymentsFor(config, {
      ...outcome,
      versionName: record.name,
      issueKeys: keys,
      sequenceBase,
      updateSequenceNumber: Date.parse(deps.clock.now()),
      at,
    });
    const result = await deps.jiraDeployments.submit(deployments, {
      projectKey: record.projectKey,
      versionId: record.versionId,
    });
    const rejected = result.rejected.flatMap((r) => r.errors);
    await deps.store.deploymentReports.put(record.versionId, { ...stored, submittedAt: deps.clock.now(), rejected });
    const unknown =
      result.unknownIssueKeys.length > 0 ? `; unknown to Jira: ${result.unknownIssueKeys.join(', ')}` : '';
    await deps.store.audit.append(record.versionId, {
      at: deps.clock.now(),
      actor,
      action: 'jira.deployment',
      detail: `Reported to Jira: ${config.kosli.environments[outcome.role]} ${outcome.state} for ${keys.length} issue(s)${unknown}${rejected.length ? `; rejected: ${rejected.join('; ')}` : ''}`,
    });
  } catch (error) {
    await deps.store.audit.append(record.versionId, {
      at: deps.clock.now(),
      actor,
      action: 'jira.deployment.failed',
      detail: `Not reported to Jira (${config.kosli.environments[outcome.role]} ${outcome.state}); the next report sends it again: ${toAppError(error).message}`,
    });
  }
}
