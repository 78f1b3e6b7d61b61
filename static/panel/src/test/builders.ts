/** Builders of resolver results with overrides: each test states only what it is about. */
import type {
  ApprovalsView,
  ApproverView,
  ArtifactView,
  AuditEntryView,
  ComplianceReport,
  ComplianceRow,
  CompositionView,
  DecisionView,
  DeployView,
  EnvironmentRow,
  ExportPart,
  RefreshResult,
  IssueView,
  ProjectOverview,
  ReleaseGateView,
  ReleaseSummary,
  ReleaseView,
  SecretStatus,
  SettingsView,
} from '../../../../src/contract';
import { complianceCsv } from '../../../../src/release/compliance-csv';
import { defaultProjectConfig } from '../../../../src/release/config';

export const FP_BACKEND = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2';
export const FP_FRONTEND = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
export const SHA_BACKEND = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const SHA_PROD = '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
export const CONTENT_HASH = 'c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc';

export function aReleaseSummary(overrides: Partial<ReleaseSummary> = {}): ReleaseSummary {
  return {
    versionId: '10001',
    name: '2025-06-02-10-00-00',
    state: 'open',
    released: false,
    releaseDate: null,
    issueCount: 2,
    apps: [
      { name: 'backend', fingerprint: FP_BACKEND, commit: SHA_BACKEND },
      { name: 'frontend', fingerprint: FP_FRONTEND, commit: SHA_PROD },
    ],
    updatedAt: '2025-06-02T10:05:00.000Z',
    approvals: { approved: 0, needed: 2, waitingFor: ['Paula Owner', 'Pete Owner'], declinedBy: [], myTurn: true },
    issues: { total: 2, done: 1, notDone: [{ key: 'OPS-2', status: 'In Progress' }] },
    failure: null,
    kind: 'forward',
    emergency: false,
    ...overrides,
  };
}

export function anOverview(overrides: Partial<ProjectOverview> = {}): ProjectOverview {
  return {
    projectKey: 'OPS',
    configured: true,
    canManageReleases: true,
    openCandidate: aReleaseSummary(),
    openRollback: null,
    apps: ['backend', 'frontend'],
    recent: [
      aReleaseSummary({
        versionId: '10000',
        name: '2025-05-20-09-00-00',
        state: 'released',
        released: true,
        releaseDate: '2025-05-20',
      }),
    ],
    ...overrides,
  };
}

export function anArtifact(overrides: Partial<ArtifactView> = {}): ArtifactView {
  return {
    app: 'backend',
    fingerprint: FP_BACKEND,
    commit: SHA_BACKEND,
    commitUrl: `https://github.com/acme/shop/commit/${SHA_BACKEND}`,
    fromCommit: SHA_PROD,
    fromFingerprint: FP_FRONTEND,
    flow: 'jira-example-backend',
    trail: SHA_BACKEND,
    kosliTrailUrl: `https://app.kosli.com/acme/flows/jira-example-backend/trails/${SHA_BACKEND}`,
    buildUrl: 'https://github.com/acme/shop/actions/runs/77',
    compliance: 'COMPLIANT',
    failing: [],
    pullRequests: [{ url: 'https://github.com/acme/shop/pull/42', author: 'dev-dana', approvers: ['rev-rui'] }],
    jiraKeys: ['OPS-1'],
    commitCount: 3,
    truncated: false,
    commits: [
      {
        sha: SHA_BACKEND,
        title: 'OPS-1 Faster search',
        author: 'Dana Developer',
        date: '2025-06-01T09:00:00.000Z',
        url: `https://github.com/acme/shop/commit/${SHA_BACKEND}`,
        pullRequests: [{ url: 'https://github.com/acme/shop/pull/42', author: 'dev-dana', approvers: ['rev-rui'] }],
        jiraKeys: ['OPS-1'],
      },
    ],
    reviewedCommits: 1,
    ...overrides,
  };
}

export function anEnvironmentRow(overrides: Partial<EnvironmentRow> = {}): EnvironmentRow {
  return {
    app: 'backend',
    dev: { fingerprint: FP_BACKEND, commit: SHA_BACKEND, compliant: true, kosliUrl: null },
    staging: { fingerprint: FP_BACKEND, commit: SHA_BACKEND, compliant: true, kosliUrl: null },
    prod: { fingerprint: FP_FRONTEND, commit: SHA_PROD, compliant: true, kosliUrl: null },
    devDiffersFromStaging: false,
    stagingDiffersFromProd: true,
    stagingDiffersFromCandidate: false,
    ...overrides,
  };
}

export function anIssue(overrides: Partial<IssueView> = {}): IssueView {
  return {
    key: 'OPS-1',
    summary: 'Faster search',
    status: 'In Progress',
    statusCategory: 'indeterminate',
    issueType: 'Story',
    url: 'https://acme.atlassian.net/browse/OPS-1',
    ...overrides,
  };
}

export function anApprover(overrides: Partial<ApproverView> = {}): ApproverView {
  return {
    accountId: 'acc-po1',
    displayName: 'Paula Owner',
    sources: ['settings'],
    jiraStatus: null,
    current: null,
    staleJiraApproval: false,
    ineligibleReason: null,
    ...overrides,
  };
}

export function aDecision(overrides: Partial<DecisionView> = {}): DecisionView {
  return {
    accountId: 'acc-po1',
    displayName: 'Paula Owner',
    decision: 'approved',
    reason: null,
    at: '2025-06-02T11:00:00.000Z',
    source: 'app',
    valid: true,
    superseded: false,
    ...overrides,
  };
}

export function anApprovals(overrides: Partial<ApprovalsView> = {}): ApprovalsView {
  return {
    rule: 'All required approvers',
    approvers: [
      anApprover(),
      anApprover({ accountId: 'acc-po2', displayName: 'Pete Owner', sources: ['jira'], jiraStatus: 'PENDING' }),
    ],
    decisions: [],
    satisfied: false,
    outstanding: ['2 more approvals from: Paula Owner, Pete Owner'],
    me: { accountId: 'acc-po1', eligible: true, reason: null, current: null, lastApproval: false, stale: false },
    progress: { approved: 0, needed: 2, waitingFor: ['Paula Owner', 'Pete Owner'], declinedBy: [], myTurn: true },
    changes: [],
    ...overrides,
  };
}

export function aDeploy(overrides: Partial<DeployView> = {}): DeployView {
  return {
    state: 'open',
    step: 'open',
    runId: null,
    runUrl: null,
    runStatus: null,
    runConclusion: null,
    failure: null,
    verification: null,
    stepSince: null,
    startedAt: null,
    canRetry: null,
    whoCanRetry: null,
    ...overrides,
  };
}

export function anAuditEntry(overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    at: '2025-06-02T10:00:00.000Z',
    actor: 'Dana Developer',
    action: 'created the candidate',
    detail: 'OPS-1, OPS-2',
    ...overrides,
  };
}

export function aGateView(overrides: Partial<ReleaseGateView> = {}): ReleaseGateView {
  return {
    kind: 'forward',
    rollback: null,
    heldBack: [],
    emergency: null,
    emergencyAvailable: null,
    rollbackTarget: false,
    approvalReasonRequired: false,
    ...overrides,
  };
}

export function aReleaseView(overrides: Partial<ReleaseView> = {}): ReleaseView {
  return {
    versionId: '10001',
    name: '2025-06-02-10-00-00',
    projectKey: 'OPS',
    jiraUrl: 'https://acme.atlassian.net/projects/OPS/versions/10001',
    kosliTrailUrl: 'https://app.kosli.com/acme/flows/jira-example-release/trails/10001',
    contentHash: CONTENT_HASH,
    state: 'open',
    released: false,
    releaseDate: null,
    artifacts: [anArtifact()],
    environments: [anEnvironmentRow()],
    issues: [anIssue()],
    missingKeys: [],
    untracked: [],
    approvals: anApprovals(),
    deploy: aDeploy(),
    audit: [anAuditEntry()],
    gate: aGateView(),
    composition: null,
    fixVersions: { written: 1, pending: 0 },
    warnings: [],
    issueCount: overrides.issues?.length ?? 1,
    more: { issues: null, decisions: null, audit: null },
    ...overrides,
  };
}

export function aSecretStatus(overrides: Partial<SecretStatus> = {}): SecretStatus {
  return { set: false, source: null, updatedAt: null, ...overrides };
}

export function aSettingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    projectKey: 'OPS',
    config: defaultProjectConfig(),
    approvers: defaultProjectConfig().approval.approvers.map((accountId) => ({ accountId, displayName: accountId })),
    saved: true,
    secrets: { kosliToken: aSecretStatus(), githubToken: aSecretStatus() },
    ...overrides,
  };
}

export function aComplianceRow(overrides: Partial<ComplianceRow> = {}): ComplianceRow {
  const sha = overrides.sha ?? SHA_BACKEND;
  return {
    sha,
    url: `https://github.com/acme/shop/commit/${sha}`,
    date: '2025-05-03T09:15:00.000Z',
    author: 'Dana Developer',
    pullRequests: ['https://github.com/acme/shop/pull/42'],
    approvers: ['rev-rui'],
    issues: [{ key: 'OPS-1', exists: true }],
    ...overrides,
  };
}

export function aComplianceReport(overrides: Partial<ComplianceReport> = {}): ComplianceReport {
  const rows = overrides.rows ?? [aComplianceRow()];
  return {
    from: '2025-05-01T00:00:00.000Z',
    to: '2025-06-01T00:00:00.000Z',
    rows,
    totals: {
      commits: rows.length,
      withoutPullRequest: rows.filter((row) => row.pullRequests.length === 0).length,
      withoutIndependentApprover: rows.filter((row) => !row.approvers.some((approver) => approver !== row.author))
        .length,
      withoutJiraIssue: rows.filter((row) => !row.issues.some((issue) => issue.exists)).length,
    },
    truncated: false,
    csv: complianceCsv(rows),
    emergencyReleases: [],
    ...overrides,
  };
}

export function anExport(overrides: Partial<ExportPart> = {}): ExportPart {
  return {
    filename: 'release-10001-notes.md',
    mimeType: 'text/markdown',
    content: '# Release 2025-06-02\n',
    nextCursor: null,
    ...overrides,
  };
}

export function aComposition(overrides: Partial<CompositionView> = {}): CompositionView {
  return {
    since: '2025-06-02T10:00:00.000Z',
    by: 'Dana Developer',
    progress: {
      apps: 10,
      appsListed: 3,
      pagesRead: 200,
      pagesTotal: 510,
      commits: 15000,
      lookupsDone: 40,
      lookupsTotal: 150,
      keysFound: 1200,
    },
    updatedAt: '2025-06-02T10:00:09.000Z',
    attempts: 1,
    error: null,
    ...overrides,
  };
}

export function aRefreshResult(overrides: Partial<RefreshResult> = {}): RefreshResult {
  return {
    versionId: '10001',
    name: '2025-06-02-10-00-00',
    created: false,
    changed: true,
    addedKeys: [],
    contentHash: 'x',
    composing: false,
    ...overrides,
  };
}
