/**
 * `GET /sandbox/state`: the simulated world as plain JSON, for scripts, tests and curious people.
 * Everything is read from the fakes' public accessors and from the real git repository.
 */
import { z } from 'zod';
import type { FakeRun } from '../fakes/github/world';
import type { WorldApprover } from '../fakes/jira/world';
import type { GitRepository } from '../world/git-repository';
import type { World } from '../world/start-world';

export interface RunState {
  id: number;
  workflow: string;
  status: string;
  conclusion: string | null;
  inputs: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  htmlUrl: string;
}

export interface TrailState {
  flow: string;
  name: string;
  compliance: string;
  artifacts: { name: string; fingerprint: string | null }[];
  attestations: { name: string; type: string; status: string; artifact: string | null }[];
}

export interface SnapshotState {
  index: number;
  timestamp: number;
  artifacts: { name: string; fingerprint: string; compliant: boolean }[];
}

export interface SandboxState {
  project: { key: string; name: string };
  jira: {
    versions: {
      id: string;
      name: string;
      released: boolean;
      releaseDate: string | null;
      issueKeys: string[];
      approvers: WorldApprover[];
      relatedWork: { category: string; title: string | null; url: string }[];
    }[];
  };
  git: { directory: string; head: string | null; tags: Record<string, string> };
  github: { runs: RunState[] };
  kosli: { trails: TrailState[]; snapshots: Record<string, SnapshotState | null> };
}

const statusSchema = z.object({ attestation_name: z.string(), attestation_type: z.string(), status: z.string() });
const trailSchema = z.object({
  compliance_state: z.string(),
  compliance_status: z.object({
    attestations_statuses: z.array(statusSchema),
    artifacts_statuses: z.record(z.string(), z.object({ artifact_fingerprint: z.string().nullable(), attestations_statuses: z.array(statusSchema) })),
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
    const latest = world.kosli.world.hasEnvironment(environment) ? world.kosli.world.snapshot(environment, '-1') : undefined;
    snapshots[environment] = latest
      ? { index: latest.index, timestamp: latest.timestamp, artifacts: latest.artifacts.map((a) => ({ name: a.name, fingerprint: a.fingerprint, compliant: a.compliant })) }
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
      versions: versions.map((version) => ({
        id: version.id,
        name: version.name,
        released: version.released,
        releaseDate: version.releaseDate,
        issueKeys: jira
          .allIssues()
          .filter((issue) => issue.fixVersionIds.includes(version.id))
          .map((issue) => issue.key),
        approvers: version.approvers,
        relatedWork: version.relatedWork.map(({ category, title, url }) => ({ category, title, url })),
      })),
    },
    git: { directory: repository.directory, head: repository.revParse('HEAD') ?? null, tags: repository.tags() },
    github: { runs: world.github.world.runs.map(runState) },
    kosli: { trails: trails(world, versions.map((v) => v.id)), snapshots: latestSnapshots(world) },
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
  if (!world.kosli.world.hasFlow(flow)) return undefined;
  let json: unknown;
  try {
    json = world.kosli.world.trailJson(flow, name);
  } catch {
    return undefined; // no such trail: this commit did not touch the app
  }
  const trail = trailSchema.parse(json);
  const statuses = trail.compliance_status;
  return {
    flow,
    name,
    compliance: trail.compliance_state,
    artifacts: Object.entries(statuses.artifacts_statuses).map(([artifact, a]) => ({ name: artifact, fingerprint: a.artifact_fingerprint })),
    attestations: [
      ...statuses.attestations_statuses.map((s) => ({ name: s.attestation_name, type: s.attestation_type, status: s.status, artifact: null })),
      ...Object.entries(statuses.artifacts_statuses).flatMap(([artifact, a]) =>
        a.attestations_statuses.map((s) => ({ name: s.attestation_name, type: s.attestation_type, status: s.status, artifact })),
      ),
    ],
  };
}
