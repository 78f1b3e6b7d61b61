/**
 * What each content of a release held (apps, keys), to tell an approver what changed since:
 *   content:<version>:<hash>
 */
import type { KeyValueStore } from './key-value-store';
import { valuesUnder } from './paging';
import type { ContentSnapshot } from './records';

export class ContentSnapshots {
  constructor(private readonly kv: KeyValueStore) {}

  async put(versionId: string, snapshot: ContentSnapshot): Promise<void> {
    await this.kv.set(`content:${versionId}:${snapshot.contentHash}`, snapshot);
  }

  list(versionId: string): Promise<ContentSnapshot[]> {
    return valuesUnder<ContentSnapshot>(this.kv, `content:${versionId}:`);
  }
}
