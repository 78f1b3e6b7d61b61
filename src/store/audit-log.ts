/**
 * What happened to a release, one key an entry, in time order:
 *   audit:<version>:<at>:<id>
 */
import type { KeyValueStore } from './key-value-store';
import { valuesUnder } from './paging';
import type { AuditEntry } from './records';

export class AuditLog {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly newId: () => string,
  ) {}

  async append(versionId: string, entry: AuditEntry): Promise<void> {
    await this.kv.set(`audit:${versionId}:${entry.at}:${this.newId().slice(0, 8)}`, entry);
  }

  list(versionId: string): Promise<AuditEntry[]> {
    return valuesUnder<AuditEntry>(this.kv, `audit:${versionId}:`);
  }
}
