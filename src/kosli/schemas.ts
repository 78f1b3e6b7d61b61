/**
 * Wire types of the Kosli API v2 responses the client reads, as zod schemas.
 *
 * Shaped on the real responses in the reference (`examples/snapshot-response.json`,
 * `examples/trail-response.json`) and on what the Kosli CLI reads (`assertArtifact.go`,
 * `getSnapshot.go`). Lenient where Kosli is: unknown fields pass through untouched, and fields
 * the real examples show as null (or that a differently shaped record may lack) are nullish.
 * Strict on what the client uses: names, fingerprints, annotation counts, compliance flags.
 */
import { z } from 'zod';

const text = z.string();
const optionalText = z.string().nullish();

const gitCommitInfoSchema = z.looseObject({
  sha1: text,
  message: optionalText,
  author: optionalText,
  branch: optionalText,
  /** Unix seconds, a float in the real example (1777955898.0). */
  timestamp: z.number().nullish(),
  url: optionalText,
});

const deploymentDiffSchema = z.looseObject({
  diff_url: optionalText,
  previous_git_commit: optionalText,
  previous_fingerprint: optionalText,
  previous_artifact_name: optionalText,
  previous_trail_name: optionalText,
  previous_template_reference_name: optionalText,
  previous_running: z.boolean().nullish(),
  previous_artifact_compliance_state: optionalText,
  previous_git_commit_url: optionalText,
});

/** One `flows[]` entry of a snapshot artifact: a flow/trail in which the fingerprint was attested. */
const snapshotFlowSchema = z.looseObject({
  flow_name: text,
  trail_name: text,
  template_reference_name: optionalText,
  git_commit: optionalText,
  commit_url: optionalText,
  git_commit_info: gitCommitInfoSchema.nullish(),
  html_url: optionalText,
  flow_html_url: optionalText,
  // null for some entries in the real example.
  deployment_diff: deploymentDiffSchema.nullish(),
  commit_lead_time: z.number().nullish(),
  artifact_compliance_in_flow: z.boolean().nullish(),
  flow_reasons_for_non_compliance: z.array(z.unknown()).nullish(),
});

const ruleResolutionSchema = z.looseObject({
  type: text,
  context: z.record(z.string(), z.unknown()).nullish(),
});

const ruleEvaluationSchema = z.looseObject({
  rule: z.looseObject({
    type: optionalText,
    definition: z.record(z.string(), z.unknown()).nullish(),
  }),
  // null when the rule was ignored (real example).
  satisfied: z.boolean().nullable(),
  ignored: z.boolean(),
  resolutions: z.array(ruleResolutionSchema).nullish(),
});

const policyDecisionSchema = z.looseObject({
  policy_name: text,
  status: text,
  rule_evaluations: z.array(ruleEvaluationSchema).nullish(),
});

const annotationSchema = z.looseObject({
  type: text,
  was: z.number().int(),
  /** Running instances now; 0 means the artifact has exited. */
  now: z.number().int(),
});

const snapshotArtifactSchema = z.looseObject({
  name: text,
  fingerprint: text,
  compliant: z.boolean().nullish(),
  annotation: annotationSchema,
  // The top-level provenance mirrors one flow; an artifact without provenance has none, so these
  // are nullish (the real example only shows artifacts with provenance).
  flow_name: optionalText,
  git_commit: optionalText,
  commit_url: optionalText,
  html_url: optionalText,
  flow_html_url: optionalText,
  deployment_diff: deploymentDiffSchema.nullish(),
  creationTimestamp: z.array(z.number()).nullish(),
  policy_decisions: z.array(policyDecisionSchema).nullish(),
  // Always present in the real example; nullish so an artifact Kosli cannot trace still parses.
  flows: z.array(snapshotFlowSchema).nullish(),
});

/** A reported snapshot: `type` is the environment type ("ECS", "server", "K8S", ...). */
const reportedSnapshotSchema = z.looseObject({
  index: z.number().int(),
  is_latest: z.boolean().nullish(),
  timestamp: z.number(),
  type: z.string().min(1),
  compliant: z.boolean().nullish(),
  html_url: optionalText,
  artifacts: z.array(snapshotArtifactSchema),
});

/**
 * The answer for an environment that has not reported yet. The CLI (`getSnapshot.go`) treats a
 * snapshot whose `type` is "" as empty; the exact body is not verified, so anything with an empty
 * or absent `type` counts.
 */
const emptySnapshotSchema = z.looseObject({
  type: z.literal('').nullish(),
  artifacts: z.array(z.unknown()).max(0).nullish(),
});

export const snapshotResponseSchema = z.union([
  reportedSnapshotSchema.transform((snapshot) => ({ kind: 'reported' as const, snapshot })),
  emptySnapshotSchema.transform(() => ({ kind: 'empty' as const })),
]);

const attestationStatusSchema = z.looseObject({
  attestation_name: text,
  attestation_type: optionalText,
  /** "COMPLETE" or "MISSING". */
  status: text,
  is_compliant: z.boolean().nullish(),
  unexpected: z.boolean().nullish(),
});

const artifactStatusSchema = z.looseObject({
  artifact_fingerprint: optionalText,
  status: optionalText,
  is_compliant: z.boolean().nullish(),
  attestations_statuses: z.array(attestationStatusSchema).nullish(),
});

export const trailSchema = z.looseObject({
  name: text,
  description: optionalText,
  git_commit_info: gitCommitInfoSchema.nullish(),
  /** The CI run that created the trail (a GitHub Actions run URL in the real example). */
  origin_url: optionalText,
  compliance_state: optionalText,
  is_compliant: z.boolean().nullish(),
  html_url: optionalText,
  compliance_status: z
    .looseObject({
      status: optionalText,
      attestations_statuses: z.array(attestationStatusSchema).nullish(),
      artifacts_statuses: z.record(z.string(), artifactStatusSchema).nullish(),
    })
    .nullish(),
});

/**
 * `user_data` on read-back. Sent as an object; the real trail event shows a trail's user_data
 * stored as the JSON text "{}", so a string is accepted too and decoded by the client.
 */
const userDataSchema = z.union([z.record(z.string(), z.unknown()), z.string(), z.array(z.unknown())]).nullish();

/** Fields common to every attestation record (the API docs' attestation example). */
const attestationSchema = z.looseObject({
  attestation_name: text,
  attestation_type: text,
  is_compliant: z.boolean().nullish(),
  /** Unix seconds (float). */
  created_at: z.number(),
  artifact_fingerprint: optionalText,
  git_commit_info: gitCommitInfoSchema.nullish(),
  html_url: optionalText,
  user_data: userDataSchema,
});

const jiraAttestationSchema = attestationSchema.extend({
  jira_results: z.array(
    z.looseObject({
      issue_id: text,
      issue_exists: z.boolean(),
      issue_url: optionalText,
    }),
  ),
});

/** V1 approvers are plain usernames; V2 approvers are objects (catalog `FoundPullRequestV1/V2`). */
const pullRequestApproverSchema = z.union([
  text,
  z.looseObject({ username: text, state: optionalText, timestamp: z.number().nullish() }),
]);

const pullRequestAttestationSchema = attestationSchema.extend({
  pull_requests: z.array(
    z.looseObject({
      url: text,
      state: optionalText,
      author: optionalText,
      approvers: z.array(pullRequestApproverSchema).nullish(),
    }),
  ),
});

export const attestationListSchema = z.array(attestationSchema);
export const pullRequestAttestationListSchema = z.array(pullRequestAttestationSchema);

/** `list_attestations_for_criteria` answers `{ "<sha>": [attestations…] }`. */
export const jiraByCommitSchema = z.record(z.string(), z.array(jiraAttestationSchema));
export const pullRequestByCommitSchema = z.record(z.string(), z.array(pullRequestAttestationSchema));

/** Shape read by the CLI's `assertArtifact.go` (`assertArtifactResult`). */
export const assertResponseSchema = z.looseObject({
  compliant: z.boolean(),
  scope: optionalText,
  environment: optionalText,
  html_url: optionalText,
  policy_evaluations: z.array(policyDecisionSchema).nullish(),
});

export const environmentSchema = z.looseObject({ name: text });
export const flowSchema = z.looseObject({ name: text });

export type WireSnapshotArtifact = z.infer<typeof snapshotArtifactSchema>;
export type WireReportedSnapshot = z.infer<typeof reportedSnapshotSchema>;
export type WireTrail = z.infer<typeof trailSchema>;
export type WireAttestationStatus = z.infer<typeof attestationStatusSchema>;
export type WirePolicyDecision = z.infer<typeof policyDecisionSchema>;
export type WireRuleEvaluation = z.infer<typeof ruleEvaluationSchema>;
export type WireAttestation = z.infer<typeof attestationSchema>;
export type WireJiraAttestation = z.infer<typeof jiraAttestationSchema>;
export type WirePullRequest = z.infer<typeof pullRequestAttestationSchema>['pull_requests'][number];
export type WireAssertResponse = z.infer<typeof assertResponseSchema>;
