/**
 * `GET /sandbox/state`: the simulated world as plain JSON, for scripts, tests and curious people.
 * Everything is read from the fakes' public accessors and from the real git repository.
 */
import { z } from 'zod';
import type { FakeRun } from '../fakes/github/world';
import { jiraDeploymentsOf } from '../fakes/jira/deployments-api';
import type { GitRepository } from '../world/git-repository';
import type { World } from '../world/start-world';

/** The shapes below are the API's documentation and the client's validation at once. */
export const runStateSchema = z.object({
  id: z.number(),
  workflow: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  inputs: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  htmlUrl: z.string(),
});
export type RunState = z.output<typeof runStateSchema>;

export const trailStateSchema = z.object({
  flow: z.string(),
  name: z.string(),
  compliance: z.string(),
  artifacts: z.array(z.object({ name: z.string(), fingerprint: z.string().nullable() })),
  attestations: z.array(
    z.object({ name: z.string(), type: z.string(), status: z.string(), artifact: z.string().nullable() }),
  ),
});
export type TrailState = z.output<typeof trailStateSchema>;

export const snapshotStateSchema = z.object({
  index: z.number(),
  timestamp: z.number(),
  artifacts: z.array(z.object({ name: z.string(), fingerprint: z.string(), compliant: z.boolean() })),
});
export type SnapshotState = z.output<typeof snapshotStateSchema>;

export const jiraDeploymentStateSchema = z.object({
  pipelineId: z.string(),
  environmentId: z.string(),
  environmentType: z.string(),
  deploymentSequenceNumber: z.number(),
  updateSequenceNumber: z.number(),
  state: z.string(),
  displayName: z.string(),
  label: z.string().nullable(),
  url: z.string(),
  description: z.string(),
  lastUpdated: z.string(),
  issueKeys: z.array(z.string()),
  receivedAt: z.string(),
});
export type JiraDeploymentState = z.output<typeof jiraDeploymentStateSchema>;

export const snapshotsSchema = z.record(z.string(), snapshotStateSchema.nullable());

export const sandboxStateSchema = z.object({
  project: z.object({ key: z.string(), name: z.string() }),
  jira: z.object({
    issues: z.array(
      z.object({
        key: z.string(),
        summary: z.string(),
        type: z.string(),
        status: z.string(),
        fixVersionIds: z.array(z.string()),
      }),
    ),
    versions: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        released: z.boolean(),
        releaseDate: z.string().nullable(),
        issueKeys: z.array(z.string()),
        approvers: z.array(
          z.object({
            accountId: z.string(),
            status: z.enum(['PENDING', 'APPROVED', 'DECLINED']),
            declineReason: z.string().optional(),
          }),
        ),
        relatedWork: z.array(z.object({ category: z.string(), title: z.string().nullable(), url: z.string() })),
      }),
    ),
    /** What Jira's Deployments API received from the app (the issues' "Releases", the Deployments view). */
    deployments: z.array(jiraDeploymentStateSchema),
  }),
  git: z.object({ directory: z.string(), head: z.string().nullable(), tags: z.record(z.string(), z.string()) }),
  github: z.object({ runs: z.array(runStateSchema) }),
  kosli: z.object({ trails: z.array(trailStateSchema), snapshots: snapshotsSchema }),
});
export type SandboxState = z.output<typeof sandboxStateSchema>;

const statusSchema = z.object({ attestation_name: z.string(), attestation_type: z.string(), status: z.string() });
const trailSchema = z.object({
  compliance_state: z.string(),
  compliance_status: z.object({
    attestations_statuses: z.array(statusSchema),
    artifacts_statuses: z.record(
      z.string(),
      z.object({ artifact_fingerprint: z.string().nullable(), attestations_statuses: z.array(statusSchema) }),
    ),
  }),
});

export function runState(run: FakeRun): RunState {
  return {
    id: run.id,
    workflow: run.workflowFile,
    status: run.status,
    conclusion: run.conclusion,
    inputs: run.inputs,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    htmlUrl: run.htmlUrl,
  };
}

export function latestSnapshots(world: World): Record<string, SnapshotState | null> {
  const snapshots: Record<string, SnapshotState | null> = {};
  for (const environment of Object.values(world.config.kosli.environments)) {
    const latest = attempt(() => world.kosli.world.snapshot(environment, '-1'));
    snapshots[environment] = latest
      ? {
          index: latest.index,
          timestamp: latest.timestamp,
          // A snapshot also lists what just stopped running (annotation.now 0): leave those out.
          artifacts: latest.artifacts
            .filter((a) => a.annotation.now > 0)
            .map((a) => ({ name: a.name, fingerprint: a.fingerprint, compliant: a.compliant })),
        }
      : null;
  }
  return snapshots;
}

export function describeWorld(world: World, repository: GitRepository): SandboxState {
  const jira = world.jira.world;
  const project = jira.project(world.scenario.project.key);
  const versions = project ? jira.versionsOf(project.id) : [];
  return {
    project: { key: world.scenario.project.key, name: world.scenario.project.name },
    jira: {
      issues: jira.allIssues().map(({ key, summary, type, status, fixVersionIds }) => ({
        key,
        summary,
        type,
        status,
        fixVersionIds: [...fixVersionIds],
      })),
      versions: versions.map((version) => ({
        id: version.id,
        name: version.name,
        released: version.released,
        releaseDate: version.releaseDate,
        issueKeys: jira
          .allIssues()
          .filter((issue) => issue.fixVersionIds.includes(version.id))
          .map((issue) => issue.key),
        approvers: version.approvers.map(({ accountId, status, declineReason }) => ({
          accountId,
          status,
          ...(declineReason === undefined ? {} : { declineReason }),
        })),
        relatedWork: version.relatedWork.map(({ category, title, url }) => ({ category, title, url })),
      })),
      deployments: jiraDeploymentsOf(jira).map(jiraDeploymentState),
    },
    git: { directory: repository.directory, ...repository.refs() },
    github: { runs: world.github.world.runs.map(runState) },
    kosli: {
      trails: trails(
        world,
        versions.map((v) => v.id),
      ),
      snapshots: latestSnapshots(world),
    },
  };
}

const storedDeployment = z.object({
  displayName: z.string(),
  label: z.string().optional(),
  url: z.string(),
  description: z.string(),
  lastUpdated: z.string(),
  state: z.string(),
  environment: z.object({ type: z.string() }),
});

function jiraDeploymentState(deployment: ReturnType<typeof jiraDeploymentsOf>[number]): JiraDeploymentState {
  const data = storedDeployment.parse(deployment.data);
  return {
    pipelineId: deployment.pipelineId,
    environmentId: deployment.environmentId,
    environmentType: data.environment.type,
    deploymentSequenceNumber: deployment.deploymentSequenceNumber,
    updateSequenceNumber: deployment.updateSequenceNumber,
    state: data.state,
    displayName: data.displayName,
    label: data.label ?? null,
    url: data.url,
    description: data.description,
    lastUpdated: data.lastUpdated,
    issueKeys: deployment.issueKeys,
    receivedAt: deployment.receivedAt,
  };
}

/** Source and build trails are named by commit, release trails by Jira version id. */
function trails(world: World, versionIds: string[]): TrailState[] {
  const { kosli: kosliConfig, apps } = world.config;
  const shas = [...world.github.world.commits.keys()];
  const candidates = [
    ...shas.map((sha) => ({ flow: kosliConfig.sourceFlow, name: sha })),
    ...apps.flatMap((app) => shas.map((sha) => ({ flow: app.buildFlow, name: sha }))),
    ...versionIds.map((id) => ({ flow: kosliConfig.releaseFlow, name: id })),
  ];
  return candidates.flatMap(({ flow, name }) => {
    const trail = readTrail(world, flow, name);
    return trail ? [trail] : [];
  });
}

function readTrail(world: World, flow: string, name: string): TrailState | undefined {
  // No such trail (this commit did not touch the app) or no such flow: nothing to show.
  const json: unknown = attempt(() => world.kosli.world.trailJson(flow, name));
  if (json === undefined) return undefined;
  const trail = trailSchema.parse(json);
  const statuses = trail.compliance_status;
  return {
    flow,
    name,
    compliance: trail.compliance_state,
    artifacts: Object.entries(statuses.artifacts_statuses).map(([artifact, a]) => ({
      name: artifact,
      fingerprint: a.artifact_fingerprint,
    })),
    attestations: [
      ...statuses.attestations_statuses.map((s) => ({
        name: s.attestation_name,
        type: s.attestation_type,
        status: s.status,
        artifact: null,
      })),
      ...Object.entries(statuses.artifacts_statuses).flatMap(([artifact, a]) =>
        a.attestations_statuses.map((s) => ({
          name: s.attestation_name,
          type: s.attestation_type,
          status: s.status,
          artifact,
        })),
      ),
    ],
  };
}

/** The fake Kosli throws (a 404 to its HTTP layer) when a flow, trail or environment does not exist. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
