/**
 * What the app needs from Kosli, shaped by the release rules rather than by endpoint paths.
 * `createKosliClient` in ./client.ts implements it over an injected `fetch`.
 */
import type { EnvironmentSnapshot, JiraEvidence, Provenance, PullRequestAttestation } from '../release/types';

export interface KosliConnection {
  /** e.g. https://app.kosli.com (no trailing slash); the client adds /api/v2. */
  host: string;
  org: string;
  token: string;
}

/** One policy rule an artifact failed when asserted against an environment. */
export interface PolicyFailure {
  policy: string;
  rule: string;
  /** Kosli's resolutions, e.g. "missing_attestation: release-approval". */
  resolutions: string[];
}

export interface AssertResult {
  fingerprint: string;
  environment: string;
  compliant: boolean;
  failures: PolicyFailure[];
}

export type { PullRequestAttestation };

export interface CustomAttestationInput {
  flow: string;
  trail: string;
  /** Attestation name, e.g. "release-approval". Pattern ^[a-zA-Z0-9\-_,]+$ */
  name: string;
  /** Type name without the "custom:" prefix, e.g. "approval-jira". */
  typeName: string;
  data: unknown;
  /** Binds the attestation to an artifact of the trail. */
  fingerprint?: string;
  annotations?: Record<string, string>;
  /** Stored with the attestation; we put the content hash and request id here to detect duplicates. */
  userData?: Record<string, unknown>;
  externalUrls?: Record<string, string>;
}

export interface TrailAttestation {
  name: string;
  type: string;
  createdAt: number;
  isCompliant: boolean;
  userData: Record<string, unknown> | null;
}

export interface KosliClient {
  /** Latest snapshot; exited artifacts skipped; each artifact's flow picked by `flowFor(name)`. */
  latestSnapshot(
    environment: string,
    flowFor: (artifactName: string) => string | undefined,
  ): Promise<EnvironmentSnapshot>;
  /**
   * Trail compliance, failing attestations, PR evidence. 404 → UPSTREAM_NOT_FOUND naming flow and
   * trail. `pullRequests: false` skips the second round trip for PR details (the caller reads them
   * in bulk alongside, e.g. the release page).
   */
  provenance(flow: string, trail: string, options?: { pullRequests?: boolean }): Promise<Provenance>;
  /** Creates the trail or updates it (idempotent on Kosli's side: 201 created, 200 updated). */
  beginTrail(
    flow: string,
    trail: string,
    options: { description?: string; externalUrls?: Record<string, string> },
  ): Promise<void>;
  /** `jira` attestations for the commits on `flow`, ≤100 shas per call; commits without one are absent. */
  jiraEvidence(flow: string, shas: readonly string[]): Promise<Map<string, JiraEvidence>>;
  /** `pull_request` attestations for the commits on `flow`, ≤100 shas per call. */
  pullRequestEvidence(flow: string, shas: readonly string[]): Promise<Map<string, PullRequestAttestation>>;
  attestCustom(input: CustomAttestationInput): Promise<void>;
  /** Attestations with that name on the trail (used to avoid duplicates after a crash). */
  trailAttestations(flow: string, trail: string, name: string): Promise<TrailAttestation[]>;
  assertArtifact(fingerprint: string, environment: string): Promise<AssertResult>;
  /** Creates or updates a custom attestation type (Kosli versions it). */
  upsertCustomAttestationType(input: {
    name: string;
    description: string;
    schema: unknown;
    jqRules: string[];
  }): Promise<void>;
  /** Creates or updates a flow with a template (YAML text). */
  upsertFlow(input: { name: string; description: string; templateYaml: string }): Promise<void>;
  /** Existence checks for the settings connection check. */
  environmentExists(environment: string): Promise<boolean>;
  flowExists(flow: string): Promise<boolean>;
}
