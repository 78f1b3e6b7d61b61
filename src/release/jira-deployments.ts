/**
 * What the app tells Jira's Deployments API about a release, as plain data. Only content that Kosli
 * saw running is reported: staging when the staging snapshot runs the candidate, production when the
 * prod snapshot runs exactly the approved artifacts (verified), and a failed production deploy as
 * failed. Pure: times and sequence numbers come in as values.
 */
import type { ProjectConfig } from './config';

/** Jira's Deployments API takes at most this many issue keys in one deployment. */
export const ISSUE_KEYS_PER_DEPLOYMENT = 500;

export type DeploymentState =
  'unknown' | 'pending' | 'in_progress' | 'cancelled' | 'failed' | 'rolled_back' | 'successful';
export type DeploymentEnvironmentType = 'unmapped' | 'development' | 'testing' | 'staging' | 'production';

/** One deployment as the app submits it (DeploymentData, schema version 1.0). */
export interface JiraDeployment {
  deploymentSequenceNumber: number;
  updateSequenceNumber: number;
  issueKeys: string[];
  displayName: string;
  url: string;
  description: string;
  /** ISO time. */
  lastUpdated: string;
  label: string;
  state: DeploymentState;
  pipeline: { id: string; displayName: string; url: string };
  environment: { id: string; displayName: string; type: DeploymentEnvironmentType };
}

export type ReportedRole = 'staging' | 'prod';

const ENVIRONMENT_TYPE: Record<ReportedRole, DeploymentEnvironmentType> = { staging: 'staging', prod: 'production' };

export interface DeploymentReport {
  role: ReportedRole;
  state: DeploymentState;
  versionName: string;
  issueKeys: readonly string[];
  /** The first deploymentSequenceNumber of this report; one more per further chunk of issue keys. */
  sequenceBase: number;
  /** Monotonic per deployment (ms since epoch of `at`): a later state of the same deployment wins. */
  updateSequenceNumber: number;
  /** The deploy run, or the Kosli snapshot that shows the content running. */
  url: string;
  description: string;
  at: string;
}

/** Deployments needed for this many keys: Jira takes at most 500 issue keys per deployment. */
export function deploymentCount(keyCount: number): number {
  return Math.ceil(keyCount / ISSUE_KEYS_PER_DEPLOYMENT);
}

export function pipelineOf(config: ProjectConfig, role: ReportedRole): JiraDeployment['pipeline'] {
  const workflow = role === 'prod' ? config.github.prodWorkflow : config.github.stagingWorkflow;
  const { owner, repo } = config.github;
  return {
    id: `${owner}/${repo}/${workflow}`,
    displayName: `${repo} ${workflow}`,
    url: `https://github.com/${owner}/${repo}/actions/workflows/${workflow}`,
  };
}

/** The Jira deployments of one report: the issue keys in chunks of 500, consecutive sequence numbers. */
export function deploymentsFor(config: ProjectConfig, report: DeploymentReport): JiraDeployment[] {
  const keys = [...new Set(report.issueKeys)].sort();
  const chunks = deploymentCount(keys.length);
  const environmentName = config.kosli.environments[report.role];
  return Array.from({ length: chunks }, (_, i) => ({
    deploymentSequenceNumber: report.sequenceBase + i,
    updateSequenceNumber: report.updateSequenceNumber,
    issueKeys: keys.slice(i * ISSUE_KEYS_PER_DEPLOYMENT, (i + 1) * ISSUE_KEYS_PER_DEPLOYMENT),
    displayName: `${report.versionName} to ${environmentName}${chunks > 1 ? ` (${i + 1}/${chunks})` : ''}`.slice(
      0,
      255,
    ),
    url: report.url,
    description: report.description.slice(0, 255),
    lastUpdated: report.at,
    label: report.versionName.slice(0, 255),
    state: report.state,
    pipeline: pipelineOf(config, report.role),
    environment: { id: environmentName, displayName: environmentName, type: ENVIRONMENT_TYPE[report.role] },
  }));
}

export function kosliSnapshotUrl(config: ProjectConfig, role: ReportedRole | 'dev', index: number): string {
  return `${config.kosli.host}/${config.kosli.org}/environments/${config.kosli.environments[role]}/snapshots/${index}`;
}
