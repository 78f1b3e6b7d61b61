/**
 * The domain of a release, as plain data. Nothing here knows about Forge, HTTP or the clock: times
 * are ISO strings passed in by the caller.
 */

export type EnvironmentRole = 'dev' | 'staging' | 'prod';

/** An artifact running in an environment, as the latest Kosli snapshot reports it. */
export interface RunningArtifact {
  /** The artifact name in the snapshot (= the app name). */
  name: string;
  /** sha256 of the artifact, 64 hex. */
  fingerprint: string;
  /** The commit it was built from, when Kosli knows its provenance. */
  commit: string | null;
  /** Unix seconds of that commit, when known (orders commits without another call). */
  commitTimestamp: number | null;
  /** The build flow and trail that attested it (picked by the configured flow name, never flows[0]). */
  flow: string | null;
  trail: string | null;
  templateName: string | null;
  /** Kosli's verdict for the artifact in this environment; null when Kosli gives none. */
  compliant: boolean | null;
  commitUrl: string | null;
  /** Link to the artifact in Kosli. */
  htmlUrl: string | null;
}

export interface EnvironmentSnapshot {
  environment: string;
  /** Snapshot index in Kosli; 0 when the environment has never reported. */
  index: number;
  /** ISO time of the snapshot, or null when empty. */
  takenAt: string | null;
  artifacts: RunningArtifact[];
}

export interface CommitInfo {
  sha: string;
  /** First line of the message. */
  title: string;
  author: string;
  authorEmail: string | null;
  /** ISO time. */
  date: string;
  url: string | null;
}

/** The Jira keys one commit references, from its Kosli `jira` attestation on the source flow. */
export interface JiraEvidence {
  sha: string;
  keys: { key: string; exists: boolean }[];
}

export type TrailCompliance = 'COMPLIANT' | 'NON-COMPLIANT' | 'INCOMPLETE' | 'UNKNOWN';

export interface PullRequestEvidence {
  url: string;
  author: string | null;
  approvers: string[];
}

export interface Provenance {
  flow: string;
  trail: string;
  compliance: TrailCompliance;
  /** Names of the attestations that are missing or non-compliant on the trail. */
  failing: string[];
  htmlUrl: string | null;
  buildUrl: string | null;
  pullRequests: PullRequestEvidence[];
}

export interface ArtifactRef {
  commit: string;
  fingerprint: string;
}

export interface CandidateApp {
  name: string;
  path: string;
  /** What runs in prod now; null on the app's first release. */
  from: ArtifactRef | null;
  /** What runs in staging and will be released. */
  to: ArtifactRef & { flow: string; trail: string };
  /** The commits in from..to that touch the app's path, oldest first. */
  commits: CommitInfo[];
  /** True when the first-release history was cut at the configured bound. */
  truncated: boolean;
}

export interface Candidate {
  apps: CandidateApp[];
  /** Jira keys referenced by the commits whose issue exists, sorted. */
  issueKeys: string[];
  /** Keys referenced by a commit whose issue does not exist in Jira: flagged, never added. */
  missingKeys: string[];
  /** Commits with no Jira key at all ("untracked changes"). */
  untracked: CommitInfo[];
  /** sha256 over the apps' {name, fingerprint} and the key set: same hash, same shipment. */
  contentHash: string;
}

export type DecisionKind = 'approved' | 'declined';

export interface Decision {
  accountId: string;
  decision: DecisionKind;
  reason?: string;
  /** ISO time the decision was made (app) or first seen (jira). */
  at: string;
  contentHash: string;
  source: 'app' | 'jira';
}

export type ApprovalRule = { kind: 'all' } | { kind: 'atLeast'; count: number };

export interface ApprovalPolicy {
  /** Account ids that must approve. */
  approvers: string[];
  /** Whether the version's native Jira approvers are required approvers too. */
  includeJiraApprovers: boolean;
  rule: ApprovalRule;
  /** No approval by anyone who committed to the release (matched by Jira e-mail, best effort). */
  noSelfApproval: boolean;
}

/** Native approver state as Jira reports it on the version. */
export interface JiraApprover {
  accountId: string;
  status: 'PENDING' | 'APPROVED' | 'DECLINED';
  declineReason?: string;
}

export type DeployStep = 'attest' | 'dispatch' | 'follow' | 'verify' | 'release';

export type DeployState =
  | { kind: 'open' }
  | { kind: 'approved'; contentHash: string; at: string }
  | { kind: 'attested'; contentHash: string; at: string }
  | { kind: 'dispatched'; contentHash: string; at: string; runId: number; runUrl: string | null; requestId: string }
  | { kind: 'deployed'; contentHash: string; at: string; runId: number; runUrl: string | null }
  | { kind: 'verified'; contentHash: string; at: string; runId: number; runUrl: string | null }
  | { kind: 'released'; contentHash: string; at: string; runId: number; runUrl: string | null; releaseDate: string }
  | {
      kind: 'failed';
      /** The step that failed and the state to resume from when retried. */
      step: DeployStep;
      from: Exclude<DeployState, { kind: 'failed' }>;
      reason: string;
      /** Transient failures are retried by the next run; permanent ones wait for a person. */
      transient: boolean;
      attempts: number;
      at: string;
    };

/** The pull-request evidence Kosli holds for one commit (its `pull_request` attestation). */
export interface PullRequestAttestation {
  sha: string;
  pullRequests: { url: string; author: string | null; approvers: string[] }[];
}

/** One commit of the compliance report (the original generate-jira-pr-report's line). */
export interface ComplianceRow {
  sha: string;
  url: string | null;
  date: string;
  author: string;
  pullRequests: string[];
  approvers: string[];
  issues: { key: string; exists: boolean }[];
}

/** The compliance report of a period: one row per commit on main, and the totals. */
export interface ComplianceReport {
  from: string;
  to: string;
  rows: ComplianceRow[];
  totals: { commits: number; withoutPullRequest: number; withoutIndependentApprover: number; withoutJiraIssue: number };
  truncated: boolean;
  /** The same rows as the original report's CSV, built here so the panel ships no report code. */
  csv: string;
  /** Releases of the period shipped on one emergency approval, so they stand out in a review. */
  emergencyReleases: EmergencyReleaseRow[];
}

/** A release shipped through the emergency path: who, when, why. */
export interface EmergencyReleaseRow {
  versionId: string;
  name: string;
  at: string;
  approver: string;
  group: string;
  reason: string;
  state: string;
}
