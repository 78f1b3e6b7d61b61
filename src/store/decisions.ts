/**
 * Approvals and declines, one key each:
 *   decision:<version>:<at>:<account>:<id>
 * Append-only, so concurrent approvals never overwrite each other; read back in time order.
 */
import type { Decision } from '../release/types';
import type { KeyValueStore } from './key-value-store';
import { valuesUnder } from './paging';

export class Decisions {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly newId: () => string,
  ) {}

  async add(versionId: string, decision: Decision): Promise<void> {
    await this.kv.set(`decision:${versionId}:${decision.at}:${decision.accountId}:${this.newId().slice(0, 8)}`, decision);
  }

  list(versionId: string): Promise<Decision[]> {
    return valuesUnder<Decision>(this.kv, `decision:${versionId}:`);
  }
}
