/**
 * Where the app keeps its state, over the KeyValueStore port. Small values under clear keys:
 *   config:<project>                  the project's configuration
 *   candidate:<project>               the open candidate's version id (the app owns it; never guessed)
 *   release:<project>:<version>       content, deploy state, Jira approver statuses seen
 *   commits:<version>:<app>:<chunk>   the candidate's commits (long lists live in their own keys)
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
import type { KeyValueStore } from './key-value-store';

/** Cached display names expire so a renamed user shows correctly within a day. */
const USER_CACHE_SECONDS = 24 * 3600;

const COMMIT_CHUNK = 200;
/** Entries per KVS query page: the query reference allows "up to a maximum of 20". */
const QUERY_PAGE_SIZE = 20;
/** Untracked changes kept inline; the count is always exact. */
const UNTRACKED_INLINE = 100;

export interface StoredCandidate {
  apps: (Omit<CandidateApp, 'commits'> & { commitCount: number; jiraKeys: string[] })[];
  issueKeys: string[];
  missingKeys: string[];
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
  /** Issue keys whose fix version the app has written (the next refresh writes the rest). */
  fixVersionKeys: string[];
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

export function contentSnapshot(candidate: StoredCandidate, at: string, actor: string): ContentSnapshot {
  return {
    contentHash: candidate.contentHash,
    at,
    actor,
    apps: candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint, commit: app.to.commit })),
    issueKeys: candidate.issueKeys,
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

export function toStoredCandidate(candidate: Candidate, jiraKeysBySha: ReadonlyMap<string, string[]>, heldBack: HeldBackApp[] = []): StoredCandidate {
  const emails = new Set<string>();
  for (const app of candidate.apps) for (const commit of app.commits) if (commit.authorEmail) emails.add(commit.authorEmail.toLowerCase());
  return {
    apps: candidate.apps.map(({ commits, ...app }) => ({
      ...app,
      commitCount: commits.length,
      jiraKeys: [...new Set(commits.flatMap((c) => jiraKeysBySha.get(c.sha) ?? []))].sort(),
    })),
    issueKeys: candidate.issueKeys,
    missingKeys: candidate.missingKeys,
    untracked: candidate.untracked.slice(0, UNTRACKED_INLINE),
    untrackedCount: candidate.untracked.length,
    contentHash: candidate.contentHash,
    committerEmails: [...emails].sort(),
    ...(heldBack.length > 0 ? { heldBack } : {}),
  };
}

export class ReleaseStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly newId: () => string,
  ) {}

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

  /** Claims the project's single open-candidate slot; false when another candidate holds it. */
  async claimCandidateSlot(projectKey: string, versionId: string): Promise<boolean> {
    return this.kv.set(`candidate:${projectKey}`, { versionId }, { ifAbsent: true });
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

  async putRelease(record: ReleaseRecord): Promise<void> {
    await this.kv.set(`release:${record.projectKey}:${record.versionId}`, record);
  }

  async recentReleases(projectKey: string, limit = 20): Promise<ReleaseRecord[]> {
    return (await this.queryAll<ReleaseRecord>(`release:${projectKey}:`))
      .map((r) => r.value)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  async putCommits(versionId: string, app: string, commits: readonly CommitInfo[]): Promise<void> {
    const chunks = Math.max(1, Math.ceil(commits.length / COMMIT_CHUNK));
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < chunks; i++) {
      writes.push(this.kv.set(`commits:${versionId}:${app}:${String(i).padStart(4, '0')}`, commits.slice(i * COMMIT_CHUNK, (i + 1) * COMMIT_CHUNK)));
    }
    await Promise.all(writes);
    // Chunks beyond the new length belong to an earlier, longer candidate.
    const stale = await this.queryAll<CommitInfo[]>(`commits:${versionId}:${app}:`);
    await Promise.all(stale.slice(chunks).map((r) => this.kv.delete(r.key)));
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
