/**
 * Kosli's wire shapes (./schemas) into the release rules' types (../release/types), and the app's
 * writes into the form fields Kosli reads. Pure: no I/O, no clock; ./client.ts calls these after it
 * has validated a body, or before it sends one.
 */
import { z } from 'zod';
import type {
  EnvironmentSnapshot,
  JiraEvidence,
  Provenance,
  PullRequestEvidence,
  RunningArtifact,
  TrailCompliance,
} from '../release/types';
import type {
  WireAssertResponse,
  WireAttestation,
  WireAttestationStatus,
  WireJiraAttestation,
  WirePolicyDecision,
  WirePullRequest,
  WireReportedSnapshot,
  WireRuleEvaluation,
  WireSnapshotArtifact,
  WireTrail,
} from './schemas';
import type {
  AssertResult,
  CustomAttestationInput,
  PolicyFailure,
  PullRequestAttestation,
  TrailAttestation,
} from './types';

const COMPLIANCE: readonly TrailCompliance[] = ['COMPLIANT', 'NON-COMPLIANT', 'INCOMPLETE'];

// ---- reads ---------------------------------------------------------------------------------

/** The environment as the rules see it: running artifacts only, each with its configured flow's provenance. */
export function toEnvironmentSnapshot(
  environment: string,
  snapshot: WireReportedSnapshot,
  flowFor: (artifactName: string) => string | undefined,
): EnvironmentSnapshot {
  return {
    environment,
    index: snapshot.index,
    takenAt: isoFromUnix(snapshot.timestamp),
    // annotation.now is the running instance count; 0 means the artifact has exited.
    artifacts: snapshot.artifacts
      .filter((artifact) => artifact.annotation.now !== 0)
      .map((artifact) => runningArtifact(artifact, flowFor(artifact.name))),
  };
}

/** An environment that never reported runs nothing yet. */
export function emptyEnvironmentSnapshot(environment: string): EnvironmentSnapshot {
  return { environment, index: 0, takenAt: null, artifacts: [] };
}

export function toProvenance(
  flow: string,
  trail: string,
  wire: WireTrail,
  pullRequests: readonly PullRequestEvidence[],
): Provenance {
  return {
    flow,
    trail,
    compliance: complianceOf(wire),
    failing: failingAttestations(wire),
    htmlUrl: wire.html_url ?? null,
    // The trail's origin_url is the CI run that built it (real example: a GitHub Actions run).
    buildUrl: wire.origin_url || null,
    pullRequests: dedupeByUrl(pullRequests),
  };
}

/** The names of the trail's reported pull_request attestations, trail- and artifact-level. */
export function pullRequestAttestationNames(trail: WireTrail): string[] {
  const statuses = [
    ...(trail.compliance_status?.attestations_statuses ?? []),
    ...Object.values(trail.compliance_status?.artifacts_statuses ?? {}).flatMap(
      (artifact) => artifact.attestations_statuses ?? [],
    ),
  ];
  return [
    ...new Set(
      statuses
        .filter((s) => s.attestation_type === 'pull_request' && s.status !== 'MISSING')
        .map((s) => s.attestation_name),
    ),
  ];
}

export function pullRequestsOf(
  records: readonly { pull_requests: readonly WirePullRequest[] }[],
): PullRequestEvidence[] {
  return records.flatMap((record) => record.pull_requests.map(toPullRequestEvidence));
}

/**
 * Several jira attestations on one commit (re-runs, several names): the union of their keys; a key
 * counts as existing when any attestation found the issue.
 */
export function toJiraEvidence(sha: string, attestations: readonly WireJiraAttestation[]): JiraEvidence {
  const keys = new Map<string, boolean>();
  for (const attestation of attestations) {
    for (const result of attestation.jira_results)
      keys.set(result.issue_id, (keys.get(result.issue_id) ?? false) || result.issue_exists);
  }
  return { sha, keys: [...keys].map(([key, exists]) => ({ key, exists })) };
}

export function toPullRequestAttestation(
  sha: string,
  attestations: readonly { pull_requests: readonly WirePullRequest[] }[],
): PullRequestAttestation {
  return { sha, pullRequests: dedupeByUrl(pullRequestsOf(attestations)) };
}

export function toTrailAttestation(record: WireAttestation): TrailAttestation {
  return {
    name: record.attestation_name,
    type: record.attestation_type,
    createdAt: record.created_at,
    isCompliant: record.is_compliant ?? false,
    userData: userDataOf(record.user_data),
  };
}

export function toAssertResult(fingerprint: string, environment: string, body: WireAssertResponse): AssertResult {
  return {
    fingerprint,
    environment,
    compliant: body.compliant,
    failures: (body.policy_evaluations ?? []).flatMap(policyFailures),
  };
}

// ---- writes --------------------------------------------------------------------------------

/** The `data_json` of `PUT /trails/{org}/{flow}`. */
export function beginTrailData(
  trail: string,
  options: { description?: string; externalUrls?: Record<string, string> },
): Record<string, unknown> {
  const data: Record<string, unknown> = { name: trail };
  if (options.description !== undefined) data.description = options.description;
  if (options.externalUrls && Object.keys(options.externalUrls).length > 0)
    data.external_urls = hrefs(options.externalUrls);
  return data;
}

/** The `data_json` of `POST /attestations/{org}/{flow}/trail/{trail}/custom`. */
export function customAttestationData(input: CustomAttestationInput): Record<string, unknown> {
  const data: Record<string, unknown> = {
    attestation_name: input.name,
    type_name: input.typeName,
    attestation_data: input.data,
  };
  if (input.fingerprint !== undefined) data.artifact_fingerprint = input.fingerprint;
  if (input.annotations && Object.keys(input.annotations).length > 0) data.annotations = input.annotations;
  if (input.userData !== undefined) data.user_data = input.userData;
  if (input.externalUrls && Object.keys(input.externalUrls).length > 0) data.external_urls = hrefs(input.externalUrls);
  return data;
}

/** Kosli reads the JSON of every multipart write from the `data_json` field; some take a file beside it. */
export function formWith(
  data: unknown,
  file?: { field: string; text: string; type: string; filename: string },
): FormData {
  const form = new FormData();
  form.append('data_json', JSON.stringify(data));
  if (file) form.append(file.field, new Blob([file.text], { type: file.type }), file.filename);
  return form;
}

function hrefs(urls: Record<string, string>): Record<string, { href: string }> {
  return Object.fromEntries(Object.entries(urls).map(([label, href]) => [label, { href }]));
}

// ---- the details ---------------------------------------------------------------------------

function isoFromUnix(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

/**
 * Maps a snapshot artifact, taking its provenance from the `flows[]` entry of the configured flow.
 * An artifact built in one flow and promoted in another has several entries, so never `flows[0]`.
 */
function runningArtifact(artifact: WireSnapshotArtifact, flow: string | undefined): RunningArtifact {
  const common = {
    name: artifact.name,
    fingerprint: artifact.fingerprint,
    compliant: artifact.compliant ?? null,
    htmlUrl: artifact.html_url ?? null,
  };
  const entry =
    flow === undefined ? undefined : (artifact.flows ?? []).find((candidate) => candidate.flow_name === flow);
  if (entry) {
    return {
      ...common,
      commit: entry.git_commit || entry.git_commit_info?.sha1 || null,
      commitTimestamp: entry.git_commit_info?.timestamp ?? null,
      flow: entry.flow_name,
      trail: entry.trail_name,
      templateName: entry.template_reference_name ?? null,
      commitUrl: entry.commit_url ?? null,
      htmlUrl: entry.html_url ?? common.htmlUrl,
    };
  }
  if (flow !== undefined && artifact.flow_name === flow) {
    // The top-level fields mirror one flow but name no trail.
    return {
      ...common,
      commit: artifact.git_commit || null,
      commitTimestamp: null,
      flow,
      trail: null,
      templateName: null,
      commitUrl: artifact.commit_url ?? null,
    };
  }
  return {
    ...common,
    commit: null,
    commitTimestamp: null,
    flow: null,
    trail: null,
    templateName: null,
    commitUrl: null,
  };
}

function complianceOf(trail: WireTrail): TrailCompliance {
  const state = trail.compliance_state ?? trail.compliance_status?.status ?? '';
  return COMPLIANCE.find((value) => value === state) ?? 'UNKNOWN';
}

function isFailing(status: WireAttestationStatus): boolean {
  return status.status === 'MISSING' || status.is_compliant === false;
}

/** Trail-level names as they are; artifact-level ones as "<artifact>.<attestation>" (the CLI's notation). */
function failingAttestations(trail: WireTrail): string[] {
  const failing: string[] = [];
  for (const status of trail.compliance_status?.attestations_statuses ?? []) {
    if (isFailing(status)) failing.push(status.attestation_name);
  }
  for (const [artifact, artifactStatus] of Object.entries(trail.compliance_status?.artifacts_statuses ?? {})) {
    if (artifactStatus.status === 'MISSING') failing.push(artifact);
    for (const status of artifactStatus.attestations_statuses ?? []) {
      if (isFailing(status)) failing.push(`${artifact}.${status.attestation_name}`);
    }
  }
  return [...new Set(failing)];
}

function toPullRequestEvidence(pr: WirePullRequest): PullRequestEvidence {
  const approvers = (pr.approvers ?? []).flatMap((approver) => {
    if (typeof approver === 'string') return [approver];
    // V2 approvers carry the review state; only an approval counts as one.
    return approver.state === undefined || approver.state === null || approver.state === 'APPROVED'
      ? [approver.username]
      : [];
  });
  return { url: pr.url, author: pr.author ?? null, approvers: [...new Set(approvers)] };
}

function dedupeByUrl(pullRequests: readonly PullRequestEvidence[]): PullRequestEvidence[] {
  const byUrl = new Map<string, PullRequestEvidence>();
  for (const pr of pullRequests) {
    const seen = byUrl.get(pr.url);
    byUrl.set(pr.url, seen ? { ...seen, approvers: [...new Set([...seen.approvers, ...pr.approvers])] } : pr);
  }
  return [...byUrl.values()];
}

const userDataObject = z.record(z.string(), z.unknown());

/** `user_data` is sent as an object but may read back as its JSON text. */
function userDataOf(value: unknown): Record<string, unknown> | null {
  let candidate = value;
  if (typeof value === 'string') {
    try {
      candidate = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const parsed = userDataObject.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

function policyFailures(policy: WirePolicyDecision): PolicyFailure[] {
  if (policy.status === 'COMPLIANT') return [];
  return (policy.rule_evaluations ?? [])
    .filter((rule) => !rule.ignored && rule.satisfied !== true)
    .map((rule) => ({
      policy: policy.policy_name,
      rule: rule.rule.type ?? stringField(rule.rule.definition, 'type') ?? 'unknown',
      resolutions: (rule.resolutions ?? [])
        .filter((r) => r.type !== 'rule_satisfied' && r.type !== 'rule_not_applicable')
        .map((r) => describeResolution(rule, r)),
    }));
}

function stringField(record: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A resolution as a sentence, after the CLI's `policyFailures` wording (assertArtifact.go). */
function describeResolution(
  rule: WireRuleEvaluation,
  resolution: { type: string; context?: Record<string, unknown> | null },
): string {
  const name = stringField(rule.rule.definition, 'name');
  const type = stringField(rule.rule.definition, 'type');
  const flow = stringField(resolution.context, 'flow_name');
  const trail = stringField(resolution.context, 'trail_name');
  const where = flow && trail ? ` in trail '${trail}' of flow '${flow}'` : '';
  switch (resolution.type) {
    case 'missing_attestation':
      return `missing_attestation: ${name ?? 'an attestation'}${type ? ` (${type})` : ''} is missing${where}`;
    case 'non_compliant_attestation':
      return `non_compliant_attestation: ${name ?? 'an attestation'} is not compliant${where}`;
    case 'non_compliant_in_trail':
      return `non_compliant_in_trail: the artifact is not compliant${where || ' in its trail'}`;
    case 'legacy_flow':
      return 'legacy_flow: the artifact comes from a legacy flow without attestations';
    default:
      return `${resolution.type}${where}`;
  }
}
