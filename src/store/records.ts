/**
 * The shapes the repositories store, and the pure functions that build them from the core's types
 * (no storage here: the repositories in this folder read and write these; src/store/index.ts maps
 * every key).
 */
import type { ProjectConfig } from '../release/config';
import type { SeenJiraStatuses } from '../release/approvals';
import type { Candidate, CandidateApp, CommitInfo, DeployState } from '../release/types';
import type { EmergencyMark } from '../release/emergency';
import type { HeldBackApp } from '../release/partial';
import type { RollbackMark } from '../release/rollback';
import type { KeyBuckets, KeyEntry } from './candidate-keys';

/** Untracked changes and unknown keys kept inline; the counts are always exact. */
const UNTRACKED_INLINE = 100;
const MISSING_INLINE = 100;

export interface StoredCandidate {
  apps: (Omit<CandidateApp, 'commits'> & { commitCount: number; keyCount: number })[];
  /** How many Jira keys the candidate holds; the keys themselves are in `keys`. */
  issueCount: number;
  keys: KeyBuckets;
  /** The first unknown keys; `missingCount` is exact. */
  missingKeys: string[];
  missingCount: number;
  untracked: CommitInfo[];
  untrackedCount: number;
  contentHash: string;
  /** Emails of the commit authors, for the no-self-approval rule. */
  committerEmails: string[];
  /** Apps that differ but were not chosen for this release (partial releases). */
  heldBack?: HeldBackApp[];
}

export interface ReleaseRecord {
  versionId: string;
  projectKey: string;
  projectId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  candidate: StoredCandidate;
  deploy: DeployState;
  jiraSeen: SeenJiraStatuses;
  /** One-time set-up steps done for this release (resumable after a fault half-way through creation). */
  setup: { trail: boolean; prodSoftware: boolean; links: boolean };
  /**
   * Fix versions written (keys in `chunks` chunks) and how many of the candidate's keys still lack it;
   * `bulkTasks`: Jira bulk edit tasks submitted and not yet seen ending (the next run polls them).
   */
  fixVersions: { chunks: number; written: number; pending: number; bulkTasks?: string[] };
  /** Content hash last recorded as `staging-software` on the Kosli release trail. */
  stagingRecordedHash: string | null;
  /** Which approval attestations are done for the approved hash (resumable attest step). */
  attestedFor: { contentHash: string; targets: string[] } | null;
  /** A prod dispatch sent but not yet confirmed: the next run looks for it before dispatching again. */
  pendingDispatch: { requestId: string; since: string } | null;
  run: { status: string; conclusion: string | null } | null;
  /** Whether the deploy run is linked from the Jira release (related work is not idempotent). */
  runLinked: boolean;
  verification: { ok: boolean; checkedAt: string; mismatches: string[] } | null;
  released: boolean;
  releaseDate: string | null;
  /** The apps the candidate's creator chose, and who (a partial release); absent or null: all that differ. */
  selection?: { apps: string[]; by: string } | null;
  /** Set when this release rolls prod back to an earlier release. */
  rollback?: RollbackMark;
  /** Set when one member of the emergency group approved it alone. */
  emergency?: EmergencyMark;
  /**
   * Set while the queue consumer composes the content (too large for a resolver): nothing may be
   * approved or deployed until it is recorded. Progress is kept apart (composition-store.ts).
   */
  composing?: ComposingMark | null;
}

export interface ComposingMark {
  since: string;
  /** Who asked (the account id, or the scheduled check). */
  by: string;
  /** The apps to compose (a partial release), as `selection`. */
  selection: { apps: string[]; by: string } | null;
}

/** A candidate not composed yet: the version exists, its content is being composed in the background. */
export function uncomposedCandidate(): StoredCandidate {
  return {
    apps: [],
    issueCount: 0,
    keys: { contentHash: '', buckets: 0 },
    missingKeys: [],
    missingCount: 0,
    untracked: [],
    untrackedCount: 0,
    contentHash: '',
    committerEmails: [],
  };
}

/** A release the app just created: open, nothing set up, attested, dispatched or released yet. */
export function newReleaseRecord(
  identity: Pick<ReleaseRecord, 'versionId' | 'projectKey' | 'projectId' | 'name'>,
  now: string,
): Omit<ReleaseRecord, 'candidate'> {
  return {
    ...identity,
    createdAt: now,
    updatedAt: now,
    deploy: { kind: 'open' },
    setup: { trail: false, prodSoftware: false, links: false },
    fixVersions: { chunks: 0, written: 0, pending: 0 },
    jiraSeen: {},
    stagingRecordedHash: null,
    attestedFor: null,
    pendingDispatch: null,
    run: null,
    runLinked: false,
    verification: null,
    released: false,
    releaseDate: null,
  };
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  detail: string;
}

/** What one content hash of a release held: enough to tell an approver what changed since. */
export interface ContentSnapshot {
  contentHash: string;
  /** When this content became the candidate's, and who refreshed it. */
  at: string;
  actor: string;
  apps: { name: string; fingerprint: string; commit: string }[];
  issueKeys: string[];
}

export function contentSnapshot(
  candidate: StoredCandidate,
  issueKeys: readonly string[],
  at: string,
  actor: string,
): ContentSnapshot {
  return {
    contentHash: candidate.contentHash,
    at,
    actor,
    apps: candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint, commit: app.to.commit })),
    issueKeys: [...issueKeys],
  };
}

/** A line of the project's release list: enough for the project page without reading any record. */
export type ReleaseSummaryRecord = Pick<
  ReleaseRecord,
  'versionId' | 'name' | 'createdAt' | 'updatedAt' | 'deploy' | 'released' | 'releaseDate' | 'rollback' | 'emergency'
> & {
  issueCount: number;
  apps: { name: string; fingerprint: string; commit: string }[];
};

export function summarise(record: ReleaseRecord): ReleaseSummaryRecord {
  return {
    versionId: record.versionId,
    name: record.name,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deploy: record.deploy,
    released: record.released,
    releaseDate: record.releaseDate,
    issueCount: record.candidate.issueCount,
    apps: record.candidate.apps.map((app) => ({
      name: app.name,
      fingerprint: app.to.fingerprint,
      commit: app.to.commit,
    })),
    ...(record.rollback ? { rollback: record.rollback } : {}),
    ...(record.emergency ? { emergency: record.emergency } : {}),
  };
}

export interface StoredConfig {
  config: ProjectConfig;
  savedAt: string;
  savedBy: string;
}

/** A user's display name and e-mail as cached (the shape of Jira's user, which the store does not import). */
export interface CachedUser {
  accountId: string;
  displayName: string;
  emailAddress: string | null;
}

export interface DeployLock {
  owner: string;
  expiresAt: string;
}

/** Each Jira key of the candidate with the apps whose commits reference it. */
export function keyEntries(candidate: Candidate, jiraKeysBySha: ReadonlyMap<string, string[]>): KeyEntry[] {
  const issueKeys = new Set(candidate.issueKeys);
  const apps = new Map<string, Set<string>>();
  for (const app of candidate.apps) {
    for (const commit of app.commits) {
      for (const key of jiraKeysBySha.get(commit.sha) ?? []) {
        if (!issueKeys.has(key)) continue;
        const holding = apps.get(key) ?? new Set<string>();
        holding.add(app.name);
        apps.set(key, holding);
      }
    }
  }
  return candidate.issueKeys.map((key) => ({ key, apps: [...(apps.get(key) ?? [])].sort() }));
}

export function toStoredCandidate(
  candidate: Candidate,
  entries: readonly KeyEntry[],
  keys: KeyBuckets,
  heldBack: HeldBackApp[] = [],
): StoredCandidate {
  const emails = new Set<string>();
  for (const app of candidate.apps)
    for (const commit of app.commits) if (commit.authorEmail) emails.add(commit.authorEmail.toLowerCase());
  return {
    apps: candidate.apps.map(({ commits, ...app }) => ({
      ...app,
      commitCount: commits.length,
      keyCount: entries.filter((entry) => entry.apps.includes(app.name)).length,
    })),
    issueCount: candidate.issueKeys.length,
    keys,
    missingKeys: candidate.missingKeys.slice(0, MISSING_INLINE),
    missingCount: candidate.missingKeys.length,
    untracked: candidate.untracked.slice(0, UNTRACKED_INLINE),
    untrackedCount: candidate.untracked.length,
    contentHash: candidate.contentHash,
    committerEmails: [...emails].sort(),
    ...(heldBack.length > 0 ? { heldBack } : {}),
  };
}

/** The stored candidate with the apps held back from it (none: the field is absent). */
export function withHeldBack(candidate: StoredCandidate, heldBack: HeldBackApp[]): StoredCandidate {
  const { heldBack: _previous, ...rest } = candidate;
  return heldBack.length > 0 ? { ...rest, heldBack } : rest;
}
