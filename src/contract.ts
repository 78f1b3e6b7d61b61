/**
 * The one contract between the resolvers and the Custom UI: resolver keys, their payloads and their
 * results. The UI imports this file (types only, so nothing lands in its bundle); the resolvers
 * validate every payload against schemas typed by it.
 */
import type { ErrorCode } from './errors';
import type { FieldErrors, ProjectConfig } from './release/config';
import type {
  CommitInfo,
  ComplianceReport,
  ComplianceRow,
  DecisionKind,
  DeployStep,
  TrailCompliance,
} from './release/types';
import type { RollbackMark } from './release/rollback';

export type {
  ErrorCode,
  FieldErrors,
  ProjectConfig,
  CommitInfo,
  ComplianceReport,
  ComplianceRow,
  DecisionKind,
  DeployStep,
  TrailCompliance,
};

export type Result<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

export type ReleaseState = 'open' | 'approved' | 'deploying' | 'released' | 'failed';

export interface ReleaseSummary {
  versionId: string;
  name: string;
  state: ReleaseState;
  released: boolean;
  releaseDate: string | null;
  issueCount: number;
  apps: { name: string; fingerprint: string; commit: string }[];
  updatedAt: string;
  /** The open candidate only (null for past releases): whose turn it is. */
  approvals: ApprovalProgress | null;
  /** The open candidate only: how many of its issues are done. */
  issues: IssueProgress | null;
  /** Why the deploy failed, in a sentence; null unless failed. */
  failure: { step: DeployStep; reason: string } | null;
  /** A rollback (restores an earlier release) or a forward release. */
  kind: 'forward' | 'rollback';
  /** Shipped on one emergency approval. */
  emergency: boolean;
}

/** Approvals in numbers and names, for the decision panel and the project card. */
export interface ApprovalProgress {
  approved: number;
  needed: number;
  /** Display names of the eligible approvers whose approval is still missing. */
  waitingFor: string[];
  /** Valid declines of the current content. */
  declinedBy: { displayName: string; reason: string | null; at: string }[];
  /** The caller is an approver who has not decided on the current content and decisions are open. */
  myTurn: boolean;
}

export interface IssueProgress {
  total: number;
  done: number;
  /** Issues not in a done status: key and status. */
  notDone: { key: string; status: string }[];
}

export interface ProjectOverview {
  projectKey: string;
  configured: boolean;
  /** Whether the caller may promote and create candidates (can administer project versions). */
  canManageReleases: boolean;
  openCandidate: ReleaseSummary | null;
  /** The open rollback, if any (it goes through the gate beside the forward candidate). */
  openRollback: ReleaseSummary | null;
  /** The configured apps, to choose from when creating a candidate (default: all that differ). */
  apps: string[];
  recent: ReleaseSummary[];
}

export interface ArtifactCell {
  fingerprint: string;
  commit: string | null;
  compliant: boolean | null;
  kosliUrl: string | null;
}

export interface EnvironmentRow {
  app: string;
  dev: ArtifactCell | null;
  staging: ArtifactCell | null;
  prod: ArtifactCell | null;
  /** Whether what runs differs between the environments. */
  devDiffersFromStaging: boolean;
  stagingDiffersFromProd: boolean;
  /** Staging no longer runs what the candidate holds. */
  stagingDiffersFromCandidate: boolean;
}

/** One commit of an app's release, with its review and Jira evidence from the source flow. */
export interface CommitEvidenceView {
  sha: string;
  title: string;
  author: string;
  date: string;
  url: string | null;
  pullRequests: { url: string; author: string | null; approvers: string[] }[];
  jiraKeys: string[];
}

export interface ArtifactView {
  app: string;
  fingerprint: string;
  commit: string;
  commitUrl: string | null;
  fromCommit: string | null;
  fromFingerprint: string | null;
  flow: string;
  trail: string;
  kosliTrailUrl: string | null;
  buildUrl: string | null;
  compliance: TrailCompliance;
  failing: string[];
  pullRequests: { url: string; author: string | null; approvers: string[] }[];
  jiraKeys: string[];
  commitCount: number;
  truncated: boolean;
  /** The release's commits of this app, newest first (the first 200; `commitCount` is exact). */
  commits: CommitEvidenceView[];
  /** Commits with a pull request that someone other than its author approved (of those shown). */
  reviewedCommits: number;
}

export interface IssueView {
  key: string;
  summary: string;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done' | 'unknown';
  issueType: string;
  url: string;
}

export interface DecisionView {
  accountId: string;
  displayName: string;
  decision: DecisionKind;
  reason: string | null;
  at: string;
  source: 'app' | 'jira';
  /** Made for the current content; stale decisions no longer count. */
  valid: boolean;
  /** A later decision by the same person replaced this one. */
  superseded: boolean;
}

/** What changed between content someone decided on and the current content. */
export interface ContentChange {
  /** The content the decisions were made for. */
  fromHash: string;
  /** Who decided on that content (their latest decision), by name. */
  decidedBy: string[];
  /** When the content changed, and who changed it, from the audit log (null when unknown). */
  changedAt: string | null;
  changedBy: string | null;
  apps: {
    name: string;
    change: 'added' | 'removed' | 'changed';
    fromCommit: string | null;
    toCommit: string | null;
    addedCommits: number;
  }[];
  addedKeys: string[];
  removedKeys: string[];
  /** False when the app has no record of the earlier content (older releases): only the time is known. */
  known: boolean;
}

export interface ApproverView {
  accountId: string;
  displayName: string;
  /** Listed in settings, or a native approver on the Jira version. */
  sources: ('settings' | 'jira')[];
  jiraStatus: 'PENDING' | 'APPROVED' | 'DECLINED' | null;
  /** The decision that counts now, if any. */
  current: DecisionKind | null;
  /** A native Jira approval made for earlier content: stays stale until changed in Jira or given in the app. */
  staleJiraApproval: boolean;
  ineligibleReason: string | null;
}

export interface ApprovalsView {
  rule: string;
  approvers: ApproverView[];
  decisions: DecisionView[];
  satisfied: boolean;
  /** Sentences saying what is still missing, e.g. "1 more approval from: Ann". */
  outstanding: string[];
  me: {
    accountId: string;
    eligible: boolean;
    reason: string | null;
    current: DecisionKind | null;
    /** Approving now would satisfy the policy and start the deploy to prod. */
    lastApproval: boolean;
    /** The caller's latest decision was for earlier content. */
    stale: boolean;
  };
  progress: ApprovalProgress;
  /** One entry per earlier content that someone's latest decision was made for. */
  changes: ContentChange[];
}

export interface DeployView {
  state: ReleaseState;
  step: string;
  runId: number | null;
  runUrl: string | null;
  runStatus: string | null;
  runConclusion: string | null;
  failure: { step: DeployStep; reason: string; transient: boolean; attempts: number } | null;
  verification: { ok: boolean; checkedAt: string; mismatches: string[] } | null;
  /** When the release entered its current step, and when the policy was first satisfied (deploy start). */
  stepSince: string | null;
  startedAt: string | null;
  /** Whether the caller may retry a failed step (null when nothing failed). */
  canRetry: boolean | null;
  /** Who can act on a failure, in a sentence. */
  whoCanRetry: string | null;
}

export interface AuditEntryView {
  at: string;
  actor: string;
  action: string;
  detail: string;
}

/** What kind of release this is and what the gate did differently: rollback, partial, emergency. */
export interface ReleaseGateView {
  kind: 'forward' | 'rollback';
  /** For a rollback: the version restored, the one rolled back from, why and who asked. */
  rollback: Omit<RollbackMark, 'recorded'> | null;
  /** Apps that differ between staging and prod but that this release does not ship. */
  heldBack: { app: string; stagingCommit: string; prodCommit: string | null; chosenBy: string; reason: string }[];
  /** Set when one member of the emergency group approved the release alone. */
  emergency: { approver: string; groupName: string; reason: string; at: string } | null;
  /** Whether the caller may approve this release alone as an emergency now (group member, path enabled, open). */
  emergencyAvailable: { groupName: string } | null;
  /** Whether the caller may roll prod back to this release: it was released by the app and the caller may create candidates. */
  rollbackTarget: boolean;
  /** Whether every approval of this rollback must give a reason. */
  approvalReasonRequired: boolean;
}

/** What a background composition has done so far (the release page's progress bar). */
export interface CompositionProgress {
  apps: number;
  appsListed: number;
  /** GitHub commit pages read, and how many the listings have (known once each first page is in). */
  pagesRead: number;
  pagesTotal: number;
  commits: number;
  /** Kosli look-ups of up to 100 commits each: done, and due so far. */
  lookupsDone: number;
  lookupsTotal: number;
  /** Distinct Jira keys of existing issues found so far. */
  keysFound: number;
}

/** A candidate too large for one call, composed by the app in the background. */
export interface CompositionView {
  since: string;
  /** Who asked, by name. */
  by: string;
  /** Null until the first figures are in. */
  progress: CompositionProgress | null;
  updatedAt: string;
  /** Runs that worked on it (a failed run is followed by another, which resumes). */
  attempts: number;
  /** Why the last run failed; null while it goes well. */
  error: string | null;
}

export interface ReleaseView {
  versionId: string;
  name: string;
  projectKey: string;
  jiraUrl: string;
  kosliTrailUrl: string | null;
  contentHash: string;
  state: ReleaseState;
  released: boolean;
  releaseDate: string | null;
  artifacts: ArtifactView[];
  environments: EnvironmentRow[];
  issues: IssueView[];
  missingKeys: string[];
  untracked: CommitInfo[];
  approvals: ApprovalsView;
  deploy: DeployView;
  audit: AuditEntryView[];
  gate: ReleaseGateView;
  /** Set while the content is composed in the background: nothing can be approved until it is recorded. */
  composition: CompositionView | null;
  /** The release's fix version on its issues: written so far, and still to write (a large candidate's take minutes). */
  fixVersions: { written: number; pending: number };
  /** Sources that could not be read for this view (the rest still shows). */
  warnings: string[];
  /** How many issues the release holds; `issues` is the first page of them. */
  issueCount: number;
  /**
   * The page shows the first page of its long lists (issues by key; decisions and audit, the latest
   * first): the cursor of each one's next page for `release/issues`, `release/decisions` and
   * `release/audit`, or null when all of it is shown.
   */
  more: { issues: string | null; decisions: string | null; audit: string | null };
}

/** One page of a long list and the cursor of the next (null: this is the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The next page of one of the release page's lists, from the cursor the previous page gave. */
export interface PageRequest {
  versionId: string;
  cursor: string;
  /** Items a page, 1–100 (default 100). */
  limit?: number;
}

export interface PromoteResult {
  runId: number;
  runUrl: string | null;
  apps: { name: string; commit: string; fingerprint: string }[];
}

export interface RefreshResult {
  versionId: string;
  name: string;
  created: boolean;
  changed: boolean;
  addedKeys: string[];
  /** Empty while a new candidate's content is still being composed. */
  contentHash: string;
  /** True when the content is composed in the background (too large for one call): the release page shows the progress. */
  composing: boolean;
}

export interface ExportResult {
  filename: string;
  mimeType: 'text/markdown' | 'application/json' | 'text/csv';
  content: string;
}

/** A part of an export: its text, and the cursor of the next part (null: the file is complete). */
export interface ExportPart extends ExportResult {
  nextCursor: string | null;
}

export interface SecretStatus {
  set: boolean;
  /** Where the value comes from: an encrypted Forge variable or a value an admin entered. */
  source: 'forge-variable' | 'settings' | null;
  updatedAt: string | null;
}

/** A Jira project the settings page offers, and whether it has saved settings. */
export interface ProjectChoice {
  key: string;
  name: string;
  configured: boolean;
}

export interface Person {
  accountId: string;
  displayName: string;
}

/** The two tokens a project needs; their Forge variable names and labels are in src/services/secrets.ts. */
export const SECRET_NAMES = ['kosliToken', 'githubToken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface SettingsView {
  projectKey: string;
  config: ProjectConfig;
  /** The listed approvers by name, in the order of `config.approval.approvers`. */
  approvers: Person[];
  saved: boolean;
  secrets: Record<SecretName, SecretStatus>;
}

export interface ConnectionCheck {
  id: string;
  label: string;
  ok: boolean;
  message: string;
}

/** One environment on the issue's "Where does this issue run?" panel. */
export interface IssueEnvironmentView {
  role: 'dev' | 'staging' | 'prod';
  /** The Kosli environment's name. */
  environment: string;
  /** running: every app of the issue runs a build that holds its commits; unknown: no evidence either way. */
  status: 'running' | 'not-running' | 'unknown';
  /** One sentence a product owner understands. */
  summary: string;
  apps: {
    app: string;
    fingerprint: string;
    commit: string | null;
    compliant: boolean | null;
    kosliUrl: string | null;
    exact: boolean;
  }[];
  /** Since when (ISO): when Kosli verified it and the app reported it to Jira, else the snapshot's time. */
  since: string | null;
  sinceSource: 'verified' | 'snapshot' | null;
  snapshotIndex: number;
}

export interface IssueReleaseView {
  versionId: string;
  name: string;
  state: ReleaseState;
  released: boolean;
  releaseDate: string | null;
  approval: { satisfied: boolean; validApprovals: number; needed: number; summary: string };
  deploy: string;
  releasePageUrl: string;
}

export interface IssueContextView {
  issueKey: string;
  summary: string;
  /** The release (version) the app tracks that holds the issue; null when none does. */
  release: IssueReleaseView | null;
  environments: IssueEnvironmentView[];
  /** Evidence that is missing, said plainly (untracked issue, no provenance, an environment never reported). */
  notes: string[];
}

/** Every resolver: key → payload and result. */
export interface ResolverContract {
  'project/overview': { payload: Record<string, never>; result: ProjectOverview };
  'staging/promote': { payload: Record<string, never>; result: PromoteResult };
  /** `apps`: the apps this candidate ships (a partial release); omitted keeps the current choice (default all that differ). */
  'candidate/refresh': { payload: { apps?: string[] }; result: RefreshResult };
  /** Opens a rollback of prod to what a released version shipped; it goes through the gate like a release. */
  'release/rollback': { payload: { versionId: string; reason: string }; result: RefreshResult };
  /** One member of the emergency group ships the release alone, with a mandatory reason. */
  'release/emergency': { payload: { versionId: string; contentHash: string; reason: string }; result: ReleaseView };
  'release/get': { payload: { versionId: string }; result: ReleaseView };
  'release/decide': {
    /** `reason`: why, for a decline (required); an optional comment for an approval. */
    payload: { versionId: string; decision: DecisionKind; reason?: string; contentHash: string };
    result: ReleaseView;
  };
  'release/retry': { payload: { versionId: string }; result: ReleaseView };
  'release/issues': { payload: PageRequest; result: Page<IssueView> };
  'release/decisions': { payload: PageRequest; result: Page<DecisionView> };
  'release/audit': { payload: PageRequest; result: Page<AuditEntryView> };
  /**
   * An export comes in parts, each under the resolver's answer limit: call again with the part's
   * `nextCursor` until it is null and join the parts' `content` in order.
   */
  'release/export': { payload: { versionId: string; format: 'notes' | 'audit'; cursor?: string }; result: ExportPart };
  'settings/get': { payload: { projectKey: string }; result: SettingsView };
  'settings/save': { payload: { projectKey: string; config: unknown }; result: SettingsView };
  'settings/secret': {
    payload: { projectKey: string; name: SecretName; value: string | null };
    result: SettingsView;
  };
  'settings/check': { payload: { projectKey: string }; result: { checks: ConnectionCheck[] } };
  'settings/setup-kosli': { payload: { projectKey: string }; result: { steps: ConnectionCheck[] } };
  'report/compliance': { payload: { from: string; to: string }; result: ComplianceReport };
  'issue/context': { payload: { issueKey: string }; result: IssueContextView };
  /** People to pick as approvers, found by name or e-mail (Jira administrators only). */
  'users/search': { payload: { projectKey: string; query: string }; result: { users: Person[] } };
  /** Projects to configure, by key, whose key or name contains `query` (empty: all); at most 50, `more` when there are others. Jira administrators only. */
  'projects/list': { payload: { query: string }; result: { projects: ProjectChoice[]; more: boolean } };
}

export type ResolverKey = keyof ResolverContract;
export type PayloadOf<K extends ResolverKey> = ResolverContract[K]['payload'];
export type ResultOf<K extends ResolverKey> = ResolverContract[K]['result'];

export const RESOLVER_KEYS = [
  'project/overview',
  'staging/promote',
  'candidate/refresh',
  'release/get',
  'release/decide',
  'release/retry',
  'release/export',
  'release/issues',
  'release/decisions',
  'release/audit',
  'release/rollback',
  'release/emergency',
  'settings/get',
  'settings/save',
  'settings/secret',
  'settings/check',
  'settings/setup-kosli',
  'report/compliance',
  'issue/context',
  'users/search',
  'projects/list',
] as const satisfies readonly ResolverKey[];
