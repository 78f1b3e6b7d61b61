/**
 * What happened to a release, one key an entry, newest first (newest-first-log.ts):
 *   audit:<version>:<inv-time>:<id>
 */
import type { KeyValueStore } from './key-value-store';
import { NewestFirstLog, type LogPage } from './newest-first-log';
import type { AuditEntry } from './records';

export class AuditLog {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly newId: () => string,
  ) {}

  private log(versionId: string): NewestFirstLog<AuditEntry> {
    return new NewestFirstLog<AuditEntry>(this.kv, `audit:${versionId}:`, this.newId);
  }

  async append(versionId: string, entry: AuditEntry): Promise<void> {
    await this.log(versionId).append(entry);
  }

  /** The whole log, oldest first. */
  list(versionId: string): Promise<AuditEntry[]> {
    return this.log(versionId).all();
  }

  /** Up to `limit` entries, newest first, from `cursor` on. */
  page(versionId: string, limit: number, cursor?: string): Promise<LogPage<AuditEntry>> {
    return this.log(versionId).page(limit, cursor);
  }
}
