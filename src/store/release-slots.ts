/**
 * Which releases of a project are open, and the version being created, each a pointer the app
 * owns (never guessed from Jira):
 *   candidate:<project>                    the open candidate's version id
 *   rollback:<project>                     the open rollback's version id (beside the forward candidate)
 *   pending-version:<project>[:rollback]   the name of a version being created, until its slot is set
 * A slot is set last when a release is created, so it never points at a missing record.
 */
import type { KeyValueStore } from './key-value-store';
import { queryAll } from './paging';

export interface OpenRelease {
  projectKey: string;
  versionId: string;
}

export class ReleaseSlots {
  constructor(private readonly kv: KeyValueStore) {}

  async candidate(projectKey: string): Promise<string | undefined> {
    return (await this.kv.get<{ versionId: string }>(`candidate:${projectKey}`))?.versionId;
  }

  async setCandidate(projectKey: string, versionId: string): Promise<void> {
    await this.kv.set(`candidate:${projectKey}`, { versionId });
  }

  async clearCandidate(projectKey: string): Promise<void> {
    await this.kv.delete(`candidate:${projectKey}`);
  }

  /** The project's open rollback, if any (one at a time; it lives beside the forward candidate). */
  async rollback(projectKey: string): Promise<string | undefined> {
    return (await this.kv.get<{ versionId: string }>(`rollback:${projectKey}`))?.versionId;
  }

  async setRollback(projectKey: string, versionId: string | null): Promise<void> {
    if (versionId === null) await this.kv.delete(`rollback:${projectKey}`);
    else await this.kv.set(`rollback:${projectKey}`, { versionId });
  }

  /** Projects that have an open candidate (the scheduled trigger's work list). */
  openCandidates(): Promise<OpenRelease[]> {
    return this.open('candidate:');
  }

  /** Open rollbacks of every project (the scheduled trigger follows them like candidates). */
  openRollbacks(): Promise<OpenRelease[]> {
    return this.open('rollback:');
  }

  /** The name of a version being created (its creation may have happened even if it failed). */
  async pendingVersion(slot: string): Promise<string | undefined> {
    return (await this.kv.get<{ name: string }>(`pending-version:${slot}`))?.name;
  }

  async setPendingVersion(slot: string, name: string | null): Promise<void> {
    if (name === null) await this.kv.delete(`pending-version:${slot}`);
    else await this.kv.set(`pending-version:${slot}`, { name });
  }

  private async open(prefix: string): Promise<OpenRelease[]> {
    const slots = await queryAll<{ versionId: string }>(this.kv, prefix);
    return slots.map(({ key, value }) => ({ projectKey: key.slice(prefix.length), versionId: value.versionId }));
  }
}
