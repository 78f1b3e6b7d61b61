/**
 * The fake Kosli's wire format: the JSON shapes of its answers, shaped on the real responses in the
 * reference (`examples/snapshot-response.json`, `examples/trail-response.json`), the CLI's reading of
 * the assert response (`assertArtifact.go`) and the API docs' attestation example, and the
 * renderings of recorded attestations and trail events. Where a shape is not shown by any of those,
 * the code says "unverified".
 */
import type { AttestationRecord, FlowRecord, GitCommitInfo, TrailRecord } from './state';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export interface AttestationStatusJson {
  attestation_name: string;
  attestation_type: string;
  attestation_id: string | null;
  overridden_attestation_id: string | null;
  status: 'COMPLETE' | 'MISSING';
  is_compliant: boolean;
  unexpected: boolean;
}

export interface ArtifactStatusJson {
  artifact_fingerprint: string | null;
  artifact_id: string | null;
  status: TrailState | 'MISSING';
  is_compliant: boolean;
  attestations_statuses: AttestationStatusJson[];
  unexpected: boolean;
  evaluated_at: number;
  flow_template_id: string;
}

export type TrailState = 'COMPLIANT' | 'NON-COMPLIANT' | 'INCOMPLETE';

export interface ResolutionJson {
  type: string;
  context: { flow_name?: string; trail_name?: string; artifact_status?: string | null };
}

export interface RuleEvaluationJson {
  rule: { type: string; definition: Record<string, Json> };
  satisfied: boolean | null;
  ignored: boolean;
  resolutions: ResolutionJson[];
}

export interface PolicyDecisionJson {
  policy_version: number;
  status: 'COMPLIANT' | 'NON-COMPLIANT';
  rule_evaluations: RuleEvaluationJson[];
  policy_name: string;
}

export interface DeploymentDiffJson {
  diff_url: string | null;
  previous_git_commit: string | null;
  previous_fingerprint: string;
  previous_artifact_name: string;
  previous_artifact_compliance_state: string;
  previous_running: boolean;
  previous_git_commit_url: string | null;
  previous_trail_name: string | null;
  previous_template_reference_name: string | null;
}

export interface SnapshotFlowJson {
  flow_name: string;
  trail_name: string;
  template_reference_name: string;
  git_commit: string | null;
  commit_url: string | null;
  git_commit_info: GitCommitInfo | null;
  html_url: string;
  flow_html_url: string;
  deployment_diff: DeploymentDiffJson | null;
  commit_lead_time: number | null;
  artifact_compliance_in_flow: boolean;
  flow_reasons_for_non_compliance: string[];
}

export interface SnapshotArtifactJson {
  name: string;
  compliant: boolean;
  deployments: never[];
  policy_decisions: PolicyDecisionJson[];
  reasons_for_incompliance: string[];
  fingerprint: string;
  creationTimestamp: number[];
  pods: null;
  annotation: { type: string; was: number; now: number };
  flow_name: string | null;
  git_commit: string | null;
  commit_url: string | null;
  html_url: string | null;
  flow_html_url: string | null;
  deployment_diff: DeploymentDiffJson | null;
  commit_lead_time: number | null;
  flows: SnapshotFlowJson[];
}

export interface SnapshotJson {
  index: number;
  is_latest: boolean;
  next_snapshot_timestamp: number | null;
  artifact_compliance_count: { true: number; false: number; null: number };
  timestamp: number;
  type: string;
  compliant: boolean;
  html_url: string;
  artifacts: SnapshotArtifactJson[];
  applied_policies: {
    id: string;
    name: string;
    version: number;
    policy_dump: Record<string, Json>;
    failing_artifacts: string[];
  }[];
}

/** An attestation as `GET /attestations/…` lists it. */
export function attestationJson(record: AttestationRecord, trailUrl: string): Record<string, unknown> {
  // Fields from the API docs' AttestationResponse example plus the per-type payload.
  return {
    attestation_id: record.id,
    attestation_name: record.name,
    attestation_type: record.type,
    created_at: record.createdAt,
    description: record.description,
    has_audit_package: false,
    html_url: `${trailUrl}?attestation_id=${record.id}`,
    is_compliant: record.isCompliant,
    origin_url: record.originUrl,
    reported_by: 'fake-service-account',
    schema_version: 1,
    user_data: record.userData,
    artifact_fingerprint: record.artifactFingerprint,
    git_commit_info: record.gitCommitInfo,
    annotations: record.annotations,
    external_urls: record.externalUrls,
    ...record.payload,
  };
}

/** The event types and fields of the real example's `events`, for what the world records. */
export function trailEvents(orgId: string, flow: FlowRecord, trail: TrailRecord): Record<string, unknown>[] {
  const base = { org_id: orgId, flow_id: flow.id, trail_id: trail.id };
  const events: Record<string, unknown>[] = [
    {
      ...base,
      timestamp: trail.createdAt,
      type: 'trail_reported',
      git_commit_info: trail.gitCommitInfo,
      repo_info: null,
      setting_user_id: null,
      trail_data_json: { name: trail.name, description: trail.description, origin_url: trail.originUrl },
    },
  ];
  for (const artifact of trail.artifacts) {
    events.push({
      ...base,
      timestamp: artifact.createdAt,
      type: 'artifact_creation_reported',
      git_commit_info: artifact.gitCommitInfo,
      repo_info: null,
      artifact_fingerprint: artifact.fingerprint,
      artifact_id: artifact.id,
      artifact_name: artifact.filename,
      git_commit: artifact.gitCommitInfo?.sha1 ?? null,
      template_reference_name: artifact.templateName,
    });
  }
  for (const record of trail.attestations) {
    const artifact = trail.artifacts.find((a) => a.fingerprint === record.artifactFingerprint);
    events.push({
      ...base,
      timestamp: record.createdAt,
      type: record.artifactFingerprint === null ? 'trail_attestation_reported' : 'artifact_attestation_reported',
      git_commit_info: record.gitCommitInfo,
      repo_info: null,
      attestation_type: record.type,
      is_compliant: record.isCompliant,
      attestation_id: record.id,
      template_reference_name: record.name,
      ...(record.artifactFingerprint === null
        ? {}
        : {
            artifact_fingerprint: record.artifactFingerprint,
            artifact_name: artifact?.filename ?? null,
            target_artifact: artifact?.templateName ?? null,
          }),
    });
  }
  return events.sort((a, b) => Number(a.timestamp) - Number(b.timestamp));
}
