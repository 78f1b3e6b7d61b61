/**
 * Where the app keeps its state, over the KeyValueStore port. No value grows with the number of
 * keys, commits, decisions or audit entries (the README's key map lists every key):
 *   config:<project>                  the project's configuration
 *   candidate:<project>               the open candidate's version id (the app owns it; never guessed)
 *   rollback:<project>                the open rollback's version id (beside the forward candidate)
 *   pending-version:<project>[:rollback]  the name of a version being created, until its slot is claimed
 *   release:<project>:<version>       content summary (counts), deploy state, Jira approver statuses seen
 *   summary:<project>:<inv-time>:<version>  a release's summary, newest first (the project page)
 *   keys:<version>:<hash12>:<bucket>  the candidate's Jira keys (candidate-keys.ts)
 *   fixed:<version>:<chunk>           keys whose fix version is written (candidate-keys.ts)
 *   commits:<version>:<app>:<chunk>   the candidate's commits (200 a value)
 *   decision:<version>:<at>:<account> one key per decision: append-only, so approvals never race
 *   audit:<version>:<at>:<id>         the audit log, in time order
 *   content:<version>:<hash>          what each content hash held (apps, keys), to say what changed
 *   lock:deploy:<version>             the single-flight lease of the release's worker (renewed while it works)
 * The release record is written only by the holder of the release's lock.
 */
import type { ProjectConfig } from '../release/config';
import type { SeenJiraStatuses } from '../release/approvals';
import type { Candidate, CandidateApp, CommitInfo, Decision, DeployState } from '../release/types';
import type { EmergencyMark } from '../release/emergency';
import type { HeldBackApp } from '../release/partial';
import type { RollbackMark } from '../release/rollback';
import type { JiraUser } from '../jira/types';
import { CandidateKeys, type KeyBuckets, type KeyEntry } from './candidate-keys';
import type { KeyValueStore } from './key-value-store';

/** Cached display names expire so a renamed user shows correctly within a day. */
const USER_CACHE_SECONDS = 24 * 3600;

const COMMIT_CHUNK = 200;
/** Entries per KVS query page: the query reference allows "up to a maximum of 20". */
const QUERY_PAGE_SIZE = 20;
/** Untracked changes and unknown keys kept inline; the counts are always exact. */
const UNTRACKED_INLINE = 100;
const MISSING_INLINE = 100;
/** Releases the project page lists (one query page). */
const RECENT_RELEASES = QUERY_PAGE_SIZE;
/** Later than any creation time in ms, so `LATEST - createdAt` sorts newest first. */
const LATEST = 9_999_999_999_999;

function summaryKey(record: Pick<ReleaseRecord, 'projectKey' | 'versionId' | 'createdAt'>): string {
  return `summary:${record.projectKey}:${String(LATEST - Date.parse(record.createdAt)).padStart(13, '0')}:${record.versionId}`;
}

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
export function newReleaseRecord(identity: Pick<ReleaseRecord, 'versionId' | 'projectKey' | 'projectId' | 'name'>, now: string): Omit<ReleaseRecord, 'candidate'> {
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

export function contentSnapshot(candidate: StoredCandidate, issueKeys: readonly string[], at: string, actor: string): ContentSnapshot {
  return {
    contentHash: candidate.contentHash,
    at,
    actor,
    apps: candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint, commit: app.to.commit })),
    issueKeys: [...issueKeys],
  };
}

/** A line of the project's release list: enough for the project page without reading any record. */
export type ReleaseSummaryRecord = Pick<ReleaseRecord, 'versionId' | 'name' | 'createdAt' | 'updatedAt' | 'deploy' | 'released' | 'releaseDate' | 'rollback' | 'emergency'> & {
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
    apps: record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint, commit: app.to.commit })),
    ...(record.rollback ? { rollback: record.rollback } : {}),
    ...(record.emergency ? { emergency: record.emergency } : {}),
  };
}

export interface StoredConfig {
  config: ProjectConfig;
  savedAt: string;
  savedBy: string;
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

export function toStoredCandidate(candidate: Candidate, entries: readonly KeyEntry[], keys: KeyBuckets, heldBack: HeldBackApp[] = []): StoredCandidate {
  const emails = new Set<string>();
  for (const app of candidate.apps) for (const commit of app.commits) if (commit.authorEmail) emails.add(commit.authorEmail.toLowerCase());
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

export class ReleaseStore {
  /** The candidate's keys and the fix versions written, in chunks. */
  readonly keys: CandidateKeys;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly newId: () => string,
  ) {
    this.keys = new CandidateKeys(kv);
  }

  /** Every value under a prefix, following the cursor to the end. */
  private async queryAll<T>(prefix: string): Promise<{ key: string; value: T }[]> {
    const out: { key: string; value: T }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.query<T>(prefix, { limit: QUERY_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      out.push(...page.results);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  getConfig(projectKey: string): Promise<StoredConfig | undefined> {
    return this.kv.get<StoredConfig>(`config:${projectKey}`);
  }

  async saveConfig(projectKey: string, value: StoredConfig): Promise<void> {
    await this.kv.set(`config:${projectKey}`, value);
  }

  /** The name of a version being created (its creation may have happened even if it failed). */
  async pendingVersion(projectKey: string): Promise<string | undefined> {
    return (await this.kv.get<{ name: string }>(`pending-version:${projectKey}`))?.name;
  }

  async setPendingVersion(projectKey: string, name: string | null): Promise<void> {
    if (name === null) await this.kv.delete(`pending-version:${projectKey}`);
    else await this.kv.set(`pending-version:${projectKey}`, { name });
  }

  async openCandidateId(projectKey: string): Promise<string | undefined> {
    return (await this.kv.get<{ versionId: string }>(`candidate:${projectKey}`))?.versionId;
  }

  async setCandidateSlot(projectKey: string, versionId: string): Promise<void> {
    await this.kv.set(`candidate:${projectKey}`, { versionId });
  }

  async clearCandidateSlot(projectKey: string): Promise<void> {
    await this.kv.delete(`candidate:${projectKey}`);
  }

  /** The project's open rollback, if any (one at a time; it lives beside the forward candidate). */
  async openRollbackId(projectKey: string): Promise<string | undefined> {
    return (await this.kv.get<{ versionId: string }>(`rollback:${projectKey}`))?.versionId;
  }

  async setRollbackSlot(projectKey: string, versionId: string | null): Promise<void> {
    if (versionId === null) await this.kv.delete(`rollback:${projectKey}`);
    else await this.kv.set(`rollback:${projectKey}`, { versionId });
  }

  /** Open rollbacks of every project (the scheduled trigger follows them like candidates). */
  async projectsWithRollbacks(): Promise<{ projectKey: string; versionId: string }[]> {
    const slots = await this.queryAll<{ versionId: string }>('rollback:');
    return slots.map(({ key, value }) => ({ projectKey: key.slice('rollback:'.length), versionId: value.versionId }));
  }

  /** Projects that have an open candidate (the scheduled trigger's work list). */
  async projectsWithCandidates(): Promise<{ projectKey: string; versionId: string }[]> {
    const slots = await this.queryAll<{ versionId: string }>('candidate:');
    return slots.map(({ key, value }) => ({ projectKey: key.slice('candidate:'.length), versionId: value.versionId }));
  }

  getRelease(projectKey: string, versionId: string): Promise<ReleaseRecord | undefined> {
    return this.kv.get<ReleaseRecord>(`release:${projectKey}:${versionId}`);
  }

  /**
   * Writes the record and, alongside, its summary under a key that sorts newest first
   * (`summary:<project>:<inverted creation time>:<version>`), so the project page reads its latest
   * releases in one query page and no value lists them all.
   */
  async putRelease(record: ReleaseRecord): Promise<void> {
    await Promise.all([
      this.kv.set(`release:${record.projectKey}:${record.versionId}`, record),
      this.kv.set(summaryKey(record), summarise(record)),
    ]);
  }

  /** The project's latest `limit` releases, newest first (the project page's: one query page). */
  async recentReleases(projectKey: string, limit = RECENT_RELEASES): Promise<ReleaseSummaryRecord[]> {
    const out: ReleaseSummaryRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.query<ReleaseSummaryRecord>(`summary:${projectKey}:`, { limit: Math.min(QUERY_PAGE_SIZE, limit - out.length), ...(cursor ? { cursor } : {}) });
      out.push(...page.results.map((r) => r.value));
      cursor = page.nextCursor;
    } while (cursor && out.length < limit);
    return out;
  }

  /** The candidate's keys, sorted. */
  async issueKeys(record: ReleaseRecord): Promise<string[]> {
    return (await this.keys.all(record.versionId, record.candidate.keys)).map((entry) => entry.key);
  }

  /**
   * Writes an app's commits; `previousCount` (what the record said before) tells which chunks of an
   * earlier, longer list to delete, so nothing is read back.
   */
  async putCommits(versionId: string, app: string, commits: readonly CommitInfo[], previousCount = 0): Promise<void> {
    const chunks = Math.max(1, Math.ceil(commits.length / COMMIT_CHUNK));
    const before = Math.ceil(previousCount / COMMIT_CHUNK);
    const key = (i: number) => `commits:${versionId}:${app}:${String(i).padStart(4, '0')}`;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < chunks; i++) writes.push(this.kv.set(key(i), commits.slice(i * COMMIT_CHUNK, (i + 1) * COMMIT_CHUNK)));
    for (let i = chunks; i < before; i++) writes.push(this.kv.delete(key(i)));
    await Promise.all(writes);
  }

  /** The newest `limit` of an app's `count` stored commits (oldest first), from the last chunks only. */
  async latestCommits(versionId: string, app: string, count: number, limit: number): Promise<CommitInfo[]> {
    const last = Math.ceil(count / COMMIT_CHUNK) - 1;
    const first = Math.max(0, Math.floor(Math.max(0, count - limit) / COMMIT_CHUNK));
    const chunks = await Promise.all(
      Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => this.kv.get<CommitInfo[]>(`commits:${versionId}:${app}:${String(first + i).padStart(4, '0')}`)),
    );
    return chunks.flatMap((chunk) => chunk ?? []).slice(-limit);
  }

  async getCommits(versionId: string, app: string): Promise<CommitInfo[]> {
    return (await this.queryAll<CommitInfo[]>(`commits:${versionId}:${app}:`)).flatMap((r) => r.value);
  }

  getSite<T>(): Promise<T | undefined> {
    return this.kv.get<T>('site:identity');
  }

  async saveSite<T>(site: T): Promise<void> {
    await this.kv.set('site:identity', site);
  }

  cachedUser(accountId: string): Promise<JiraUser | undefined> {
    return this.kv.get<JiraUser>(`user:${accountId}`);
  }

  async cacheUser(user: JiraUser): Promise<void> {
    await this.kv.set(`user:${user.accountId}`, user, { ttlSeconds: USER_CACHE_SECONDS });
  }

  async addDecision(versionId: string, decision: Decision): Promise<void> {
    await this.kv.set(`decision:${versionId}:${decision.at}:${decision.accountId}:${this.newId().slice(0, 8)}`, decision);
  }

  async decisions(versionId: string): Promise<Decision[]> {
    return (await this.queryAll<Decision>(`decision:${versionId}:`)).map((r) => r.value);
  }

  async putContentSnapshot(versionId: string, snapshot: ContentSnapshot): Promise<void> {
    await this.kv.set(`content:${versionId}:${snapshot.contentHash}`, snapshot);
  }

  async contentSnapshots(versionId: string): Promise<ContentSnapshot[]> {
    return (await this.queryAll<ContentSnapshot>(`content:${versionId}:`)).map((r) => r.value);
  }

  async audit(versionId: string, entry: AuditEntry): Promise<void> {
    await this.kv.set(`audit:${versionId}:${entry.at}:${this.newId().slice(0, 8)}`, entry);
  }

  async auditLog(versionId: string): Promise<AuditEntry[]> {
    return (await this.queryAll<AuditEntry>(`audit:${versionId}:`)).map((r) => r.value);
  }

  /**
   * Takes the release's single-flight lock. The value holds its own expiry so a crashed worker's
   * lock can be taken over; the KVS ttl cleans it up eventually as well.
   */
  async acquireLock(versionId: string, owner: string, nowIso: string, ttlSeconds: number): Promise<boolean> {
    const key = `lock:deploy:${versionId}`;
    const lock: DeployLock = { owner, expiresAt: new Date(Date.parse(nowIso) + ttlSeconds * 1000).toISOString() };
    if (await this.kv.set(key, lock, { ifAbsent: true, ttlSeconds: ttlSeconds * 2 })) return true;
    const held = await this.kv.get<DeployLock>(key);
    if (!held) return this.kv.set(key, lock, { ifAbsent: true, ttlSeconds: ttlSeconds * 2 });
    if (held.expiresAt > nowIso) return false;
    // Expired. Contenders race for a takeover key naming this very lock, so exactly one of them
    // deletes it; without that, a second contender could delete the first one's fresh lock.
    const takeover = `lock:takeover:${versionId}:${held.owner}:${held.expiresAt}`;
    if (!(await this.kv.set(takeover, { owner }, { ifAbsent: true, ttlSeconds: ttlSeconds * 2 }))) return false;
    await this.kv.delete(key);
    return this.kv.set(key, lock, { ifAbsent: true, ttlSeconds: ttlSeconds * 2 });
  }

  /**
   * Extends the holder's lease (the heartbeat of a live worker). False when the lease is no longer
   * this owner's: it expired and another worker took it over, so this one must stop writing.
   */
  async renewLock(versionId: string, owner: string, nowIso: string, ttlSeconds: number): Promise<boolean> {
    const key = `lock:deploy:${versionId}`;
    const held = await this.kv.get<DeployLock>(key);
    if (held?.owner !== owner || held.expiresAt <= nowIso) return false;
    const lock: DeployLock = { owner, expiresAt: new Date(Date.parse(nowIso) + ttlSeconds * 1000).toISOString() };
    await this.kv.set(key, lock, { ttlSeconds: ttlSeconds * 2 });
    return true;
  }

  /** The current lease on the release, if any (expired or not), to say when it can be acted on. */
  heldLock(versionId: string): Promise<DeployLock | undefined> {
    return this.kv.get<DeployLock>(`lock:deploy:${versionId}`);
  }

  async releaseLock(versionId: string, owner: string): Promise<void> {
    const key = `lock:deploy:${versionId}`;
    const held = await this.kv.get<DeployLock>(key);
    if (held?.owner === owner) await this.kv.delete(key);
  }
}
