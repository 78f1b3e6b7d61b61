/**
 * Approvals and declines:
 *   decision:<version>:<inv-time>:<id>      one key per decision, append-only, newest first (history)
 *   latest-decision:<version>:<account>     each approver's latest decision
 * The approval status needs only each approver's latest decision, so it reads one key a person,
 * never the history. That key is written by the person's own decision only, so approvals by
 * different people never race; the history stays append-only for the page and the audit export.
 */
import type { Decision } from '../release/types';
import type { KeyValueStore } from './key-value-store';
import { NewestFirstLog, type LogPage } from './newest-first-log';
import { valuesUnder } from './paging';

export class Decisions {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly newId: () => string,
  ) {}

  private log(versionId: string): NewestFirstLog<Decision> {
    return new NewestFirstLog<Decision>(this.kv, `decision:${versionId}:`, this.newId);
  }

  /** Appends the decision to the history, then makes it its approver's latest. */
  async add(versionId: string, decision: Decision): Promise<void> {
    await this.log(versionId).append(decision);
    await this.kv.set(`latest-decision:${versionId}:${decision.accountId}`, decision);
  }

  /** Every decision ever made, oldest first (history: the approval status reads `latest`). */
  list(versionId: string): Promise<Decision[]> {
    return this.log(versionId).all();
  }

  /** Up to `limit` decisions, newest first, from `cursor` on. */
  page(versionId: string, limit: number, cursor?: string): Promise<LogPage<Decision>> {
    return this.log(versionId).page(limit, cursor);
  }

  /** Each approver's latest decision: one key per person who ever decided, whatever the history's length. */
  latest(versionId: string): Promise<Decision[]> {
    return valuesUnder<Decision>(this.kv, `latest-decision:${versionId}:`);
  }
}
