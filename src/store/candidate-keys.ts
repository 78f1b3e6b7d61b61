/**
 * The Jira keys of a release, in values of bounded size:
 *   keys:<version>:<hash12>:<bucket>   the candidate's keys, each with the apps whose commits name it,
 *                                      spread over buckets by a hash of the key (one read finds a key)
 *   fixed:<version>:<chunk>            keys whose fix version the app has written, appended a chunk
 *                                      per write batch (never rewritten, never read back on write)
 * The record holds only the counts (buckets, chunks), so it does not grow with the keys.
 */
import { compareKeys } from '../release/candidate';
import type { KeyValueStore } from './key-value-store';

export interface KeyEntry {
  key: string;
  /** The candidate's apps whose commits reference the key. */
  apps: string[];
}

/** Where a content's keys are: its hash and how many buckets they fill. */
export interface KeyBuckets {
  contentHash: string;
  buckets: number;
}

/** About 500 keys × 10 apps of names a bucket stays well under 128 KiB. */
const KEYS_PER_BUCKET = 500;
/** Keys a fix-version chunk holds at most (about 15 KB). */
export const FIXED_PER_CHUNK = 1000;

export function bucketsFor(keyCount: number): number {
  return Math.max(1, Math.ceil(keyCount / KEYS_PER_BUCKET));
}

/** FNV-1a: a stable, cheap spread of keys over buckets. */
function bucketOf(key: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % buckets;
}

const pad = (n: number): string => String(n).padStart(4, '0');
const bucketKey = (versionId: string, at: KeyBuckets, bucket: number): string =>
  `keys:${versionId}:${at.contentHash.slice(0, 12)}:${pad(bucket)}`;
const fixedKey = (versionId: string, chunk: number): string => `fixed:${versionId}:${pad(chunk)}`;

export class CandidateKeys {
  constructor(private readonly kv: KeyValueStore) {}

  /** Writes a content's keys; returns where they are. The record names them only after this. */
  async put(versionId: string, contentHash: string, entries: readonly KeyEntry[]): Promise<KeyBuckets> {
    const at = { contentHash, buckets: bucketsFor(entries.length) };
    const buckets: KeyEntry[][] = Array.from({ length: at.buckets }, () => []);
    for (const entry of entries) buckets[bucketOf(entry.key, at.buckets)]?.push(entry);
    await Promise.all(buckets.map((bucket, i) => this.kv.set(bucketKey(versionId, at, i), bucket)));
    return at;
  }

  /** Deletes a content's keys once the record no longer names them. */
  async drop(versionId: string, at: KeyBuckets): Promise<void> {
    await Promise.all(Array.from({ length: at.buckets }, (_, i) => this.kv.delete(bucketKey(versionId, at, i))));
  }

  /** Every key of a content, sorted. */
  async all(versionId: string, at: KeyBuckets): Promise<KeyEntry[]> {
    const buckets = await Promise.all(
      Array.from({ length: at.buckets }, (_, i) => this.kv.get<KeyEntry[]>(bucketKey(versionId, at, i))),
    );
    return buckets.flatMap((bucket) => bucket ?? []).sort((a, b) => compareKeys(a.key, b.key));
  }

  /** The release's keys, sorted (the record names where they are). */
  async issueKeys(record: { versionId: string; candidate: { keys: KeyBuckets } }): Promise<string[]> {
    return (await this.all(record.versionId, record.candidate.keys)).map((entry) => entry.key);
  }

  /** One key's entry, from the one bucket it can be in. */
  async find(versionId: string, at: KeyBuckets, key: string): Promise<KeyEntry | undefined> {
    const bucket = await this.kv.get<KeyEntry[]>(bucketKey(versionId, at, bucketOf(key, at.buckets)));
    return bucket?.find((entry) => entry.key === key);
  }

  /** Keys whose fix version is written, from `chunks` chunks. */
  async fixed(versionId: string, chunks: number): Promise<string[]> {
    const values = await Promise.all(
      Array.from({ length: chunks }, (_, i) => this.kv.get<string[]>(fixedKey(versionId, i))),
    );
    return values.flatMap((keys) => keys ?? []);
  }

  /** Appends written keys as chunks from `firstChunk` on; returns how many chunks there are now. */
  async addFixed(versionId: string, firstChunk: number, keys: readonly string[]): Promise<number> {
    let chunk = firstChunk;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < keys.length; i += FIXED_PER_CHUNK)
      writes.push(this.kv.set(fixedKey(versionId, chunk++), keys.slice(i, i + FIXED_PER_CHUNK)));
    await Promise.all(writes);
    return chunk;
  }
}
