/**
 * Display names and e-mails of Jira users, for a day:
 *   user:<account>   (KVS ttl 24 h, so a renamed user shows correctly within a day)
 */
import type { KeyValueStore } from './key-value-store';
import type { CachedUser } from './records';

const USER_CACHE_SECONDS = 24 * 3600;

export class UserCache {
  constructor(private readonly kv: KeyValueStore) {}

  get(accountId: string): Promise<CachedUser | undefined> {
    return this.kv.get<CachedUser>(`user:${accountId}`);
  }

  async put(user: CachedUser): Promise<void> {
    await this.kv.set(`user:${user.accountId}`, user, { ttlSeconds: USER_CACHE_SECONDS });
  }
}
