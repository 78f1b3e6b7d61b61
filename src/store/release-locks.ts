/**
 * The single-flight lease of each release's worker:
 *   lock:deploy:<version>                           the lease (DeployLock: owner and its own expiry)
 *   lock:takeover:<version>:<owner>:<expiresAt>     won by exactly one contender for a lapsed lease
 * Both are written with FAIL_IF_EXISTS and a KVS ttl of twice the lease, which cleans them up.
 */
import type { KeyValueStore } from './key-value-store';
import type { DeployLock } from './records';

const leaseKey = (versionId: string): string => `lock:deploy:${versionId}`;

export class ReleaseLocks {
  constructor(private readonly kv: KeyValueStore) {}

  /**
   * Takes the release's single-flight lock. The value holds its own expiry so a crashed worker's
   * lock can be taken over; the KVS ttl cleans it up eventually as well.
   */
  async acquire(versionId: string, owner: string, nowIso: string, ttlSeconds: number): Promise<boolean> {
    const key = leaseKey(versionId);
    const lock = lease(owner, nowIso, ttlSeconds);
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
  async renew(versionId: string, owner: string, nowIso: string, ttlSeconds: number): Promise<boolean> {
    const key = leaseKey(versionId);
    const held = await this.kv.get<DeployLock>(key);
    if (held?.owner !== owner || held.expiresAt <= nowIso) return false;
    await this.kv.set(key, lease(owner, nowIso, ttlSeconds), { ttlSeconds: ttlSeconds * 2 });
    return true;
  }

  /** The current lease on the release, if any (expired or not), to say when it can be acted on. */
  held(versionId: string): Promise<DeployLock | undefined> {
    return this.kv.get<DeployLock>(leaseKey(versionId));
  }

  async release(versionId: string, owner: string): Promise<void> {
    const key = leaseKey(versionId);
    const held = await this.kv.get<DeployLock>(key);
    if (held?.owner === owner) await this.kv.delete(key);
  }
}

function lease(owner: string, nowIso: string, ttlSeconds: number): DeployLock {
  return { owner, expiresAt: new Date(Date.parse(nowIso) + ttlSeconds * 1000).toISOString() };
}
