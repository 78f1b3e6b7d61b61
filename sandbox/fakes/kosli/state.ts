/**
 * The fake Kosli's state: what CI jobs and reporters have told it (flows, trails with artifacts and
 * attestations, environments with their snapshots), the inputs in Kosli's own field names, and the
 * indexes that answer "where was this fingerprint built" and "what was attested for this commit"
 * without scanning every trail (a 10-app × 5,000-commit world reports each commit to dev).
 */
import type { FlowTemplate } from './template';
import type { SnapshotJson } from './wire';

/** A refusal the HTTP layer turns into a status and Kosli's `{ message, errors? }` body. */
export class KosliWorldError extends Error {
  readonly status: number;
  readonly errors: string[] | undefined;

  constructor(status: number, message: string, errors?: string[]) {
    super(message);
    this.name = 'KosliWorldError';
    this.status = status;
    this.errors = errors;
  }
}

export interface GitCommitInfo {
  sha1: string;
  message: string;
  author: string;
  branch: string;
  /** Unix seconds. */
  timestamp: number;
  url: string | null;
}

/** A commit as reported; omitted fields get defaults (message "", branch "main", timestamp now). */
export type GitCommitInput = { sha1: string } & {
  [K in Exclude<keyof GitCommitInfo, 'sha1'>]?: GitCommitInfo[K] | null;
};

export interface PullRequestInput {
  url: string;
  state?: string;
  author?: string;
  title?: string;
  created_at?: number;
  merged_at?: number | null;
  head_ref?: string;
  base_ref?: string | null;
  merge_commit?: string | null;
  /** V2 objects, or V1 plain usernames. */
  approvers?: ({ username: string; state?: string | null; timestamp?: number | null } | string)[] | null;
  commits?: GitCommitInput[];
}

interface CommonAttestationInput {
  attestation_name: string;
  artifact_fingerprint?: string | null;
  /**
   * The template artifact the attestation is for, before that artifact is reported: the CLI's
   * `--name <artifact>.<name>` sends `target_artifacts: ["<artifact>"]` (cmd/kosli/attestation.go,
   * `CommonAttestationOptions.run`). It binds to the artifact once reported.
   */
  target_artifacts?: string[] | null;
  /** Defaults to the trail's commit. */
  git_commit_info?: GitCommitInput | null;
  annotations?: Record<string, string> | null;
  user_data?: Record<string, unknown> | unknown[] | null;
  external_urls?: Record<string, { href: string; fingerprint?: string | null }> | null;
  origin_url?: string | null;
  description?: string | null;
}

/** What a CI job reports to a trail, in Kosli's `data_json` field names. */
export type AttestInput =
  | (CommonAttestationInput & {
      type: 'jira';
      jira_results: { issue_id: string; issue_exists: boolean; issue_url?: string }[];
    })
  | (CommonAttestationInput & {
      type: 'pull_request';
      git_provider?: 'github' | 'gitlab' | 'bitbucket' | 'azure';
      pull_requests: PullRequestInput[];
    })
  | (CommonAttestationInput & { type: 'custom'; type_name: string; attestation_data: unknown })
  | (CommonAttestationInput & { type: 'generic'; is_compliant: boolean })
  | {
      type: 'artifact';
      /** The template reference name, e.g. "backend". */
      name: string;
      fingerprint: string;
      git_commit_info?: GitCommitInput;
      build_url?: string;
      commit_url?: string;
      /** Defaults to "<name>:<sha7>", like the original process's `backend:${SHA7}`. */
      filename?: string;
    };

export interface FlowRecord {
  id: string;
  name: string;
  description: string;
  visibility: 'public' | 'private';
  tags: Record<string, string>;
  templateYaml: string;
  template: FlowTemplate;
  templateId: string;
  createdAt: number;
}

export interface ArtifactRecord {
  id: string;
  templateName: string;
  fingerprint: string;
  filename: string;
  gitCommitInfo: GitCommitInfo | null;
  commitUrl: string | null;
  buildUrl: string | null;
  createdAt: number;
}

export interface AttestationRecord {
  id: string;
  name: string;
  type: string;
  isCompliant: boolean;
  artifactFingerprint: string | null;
  gitCommitInfo: GitCommitInfo | null;
  createdAt: number;
  description: string | null;
  originUrl: string | null;
  annotations: Record<string, string>;
  userData: Record<string, unknown> | unknown[];
  externalUrls: Record<string, { href: string; fingerprint?: string | null }> | null;
  /** Type-specific fields as Kosli returns them (jira_results, pull_requests, attestation_data…). */
  payload: Record<string, unknown>;
  /** jq rules of a custom type the fake could not evaluate. */
  unevaluatedRules: string[];
  /** The template artifact named by `target_artifacts`, until an artifact of that name is reported. */
  targetArtifact: string | null;
}

export interface TrailRecord {
  id: string;
  flow: string;
  name: string;
  description: string;
  gitCommitInfo: GitCommitInfo | null;
  originUrl: string | null;
  userData: Record<string, unknown> | unknown[];
  externalUrls: Record<string, { href: string; fingerprint?: string | null }> | null;
  createdAt: number;
  lastModifiedAt: number;
  attestations: AttestationRecord[];
  artifacts: ArtifactRecord[];
  /** A per-trail template (`kosli begin trail --template-file`), overriding the flow's. */
  template: FlowTemplate | null;
}

export interface EnvironmentRecord {
  id: string;
  name: string;
  type: string;
  description: string;
  policies: string[];
  createdAt: number;
  snapshots: SnapshotJson[];
}

/** One (flow, trail) in which a fingerprint was reported as an artifact: its provenance. */
export interface Provenance {
  flow: FlowRecord;
  trail: TrailRecord;
  artifact: ArtifactRecord;
}

export function trailKey(flow: string, trail: string): string {
  return `${flow}\u0000${trail}`;
}

export function latest<T extends { createdAt: number }>(items: readonly T[]): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || item.createdAt >= best.createdAt ? item : best),
    undefined,
  );
}

/** One attestation with the trail it is on, in the order Kosli lists them (trail by trail, oldest first). */
export interface AttestationOnTrail {
  trail: TrailRecord;
  record: AttestationRecord;
}

/**
 * Lookups the HTTP API and the policies make on every report, kept as the state changes: the trails
 * in which each fingerprint was reported as an artifact, and the attestations of each commit. Both
 * answer in the order a scan of every trail would (trails in creation order, records in order).
 * Plain data like the rest of the state, so a saved sandbox world restores it with the records it
 * points at (sandbox/server/world-snapshot.ts).
 */
export interface KosliIndexes {
  trailOrder: Map<TrailRecord, number>;
  trailsByFingerprint: Map<string, Set<TrailRecord>>;
  attestationsByCommit: Map<string, AttestationOnTrail[]>;
}

export function emptyIndexes(): KosliIndexes {
  return { trailOrder: new Map(), trailsByFingerprint: new Map(), attestationsByCommit: new Map() };
}

export function indexTrail(indexes: KosliIndexes, trail: TrailRecord): void {
  indexes.trailOrder.set(trail, indexes.trailOrder.size);
}

export function indexArtifact(indexes: KosliIndexes, trail: TrailRecord, fingerprint: string): void {
  const trails = indexes.trailsByFingerprint.get(fingerprint) ?? new Set<TrailRecord>();
  trails.add(trail);
  indexes.trailsByFingerprint.set(fingerprint, trails);
}

export function indexAttestation(indexes: KosliIndexes, trail: TrailRecord, record: AttestationRecord): void {
  const sha = record.gitCommitInfo?.sha1;
  if (sha === undefined) return;
  const list = indexes.attestationsByCommit.get(sha) ?? [];
  list.push({ trail, record });
  indexes.attestationsByCommit.set(sha, list);
}

/** The trails in which the fingerprint was reported, in creation order. */
export function trailsWithArtifact(indexes: KosliIndexes, fingerprint: string): TrailRecord[] {
  const position = (trail: TrailRecord) => indexes.trailOrder.get(trail) ?? 0;
  return [...(indexes.trailsByFingerprint.get(fingerprint) ?? [])].sort((a, b) => position(a) - position(b));
}

/** The attestations whose commit is `sha`, trail by trail in creation order, each trail's oldest first. */
export function attestationsOfCommit(indexes: KosliIndexes, sha: string): AttestationOnTrail[] {
  const position = (entry: AttestationOnTrail) => indexes.trailOrder.get(entry.trail) ?? 0;
  // A stable sort keeps each trail's records in the order they were attested.
  return [...(indexes.attestationsByCommit.get(sha) ?? [])].sort((a, b) => position(a) - position(b));
}
