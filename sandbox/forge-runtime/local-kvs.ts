/**
 * An in-process Forge Key-Value Store that answers the HTTP protocol the UNMODIFIED `@forge/kvs`
 * speaks through `global.__forge_fetch__` (`POST /api/v1/get`, `/set`, `/delete`, `/query`,
 * `/secret/*`, `/batch/*`, `/transaction`; see node_modules/@forge/kvs/out/storage-api.js).
 *
 * Semantics we rely on and reproduce: values round-trip as JSON; a missing key answers 404
 * `KEY_NOT_FOUND` (the SDK turns it into `undefined`); `keyPolicy: FAIL_IF_EXISTS` on an existing key
 * answers 409 `KEY_CONFLICT` (the SDK throws its real `ForgeKvsAPIError`); TTLs expire on read;
 * queries are by key prefix, in key order, paged by an opaque cursor; secrets live apart and are
 * never returned by a query. Key format, key length, value size, depth and the query page size are
 * checked with the limits in ./limits.ts and the codes of /platform/forge/storage-reference/handling-errors-kvs.
 *
 * For the sandbox it can persist to a JSON file (loaded at start, written debounced and on close);
 * for the benchmark it adds a fixed latency to every call; `calls` counts the calls.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { FORGE_LIMITS, jsonBytes } from './limits';

export interface LocalKvsOptions {
  /** Persist to this JSON file: loaded now, written debounced after changes and on `close()`. */
  filePath?: string;
  /** Epoch milliseconds; tests move it forward to expire TTLs without sleeping. */
  now?: () => number;
  /** Added before every storage call (the benchmark uses 10). */
  latencyMs?: number;
  persistDebounceMs?: number;
}

/** What the protocol handler answers; the runtime turns it into an HTTP Response. */
export interface KvsReply {
  status: number;
  body?: unknown;
}

const {
  kvsKeyLength: MAX_KEY_LENGTH,
  kvsKeyFormat: KEY_FORMAT,
  kvsValueBytes: MAX_VALUE_BYTES,
  kvsObjectDepth: MAX_DEPTH,
  kvsQueryLimit: MAX_QUERY_LIMIT,
  kvsTransactionOperations: MAX_TRANSACTION_OPERATIONS,
} = FORGE_LIMITS;
const DEFAULT_QUERY_LIMIT = 10;

const TTL_UNIT_MS = { SECONDS: 1_000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

const ttlSchema = z.object({ value: z.number().positive(), unit: z.enum(['SECONDS', 'MINUTES', 'HOURS', 'DAYS']) });
const metadataFieldsSchema = z.array(z.enum(['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'])).optional();
const getSchema = z.object({ key: z.string(), options: z.object({ metadataFields: metadataFieldsSchema }).optional() });
const setSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  options: z
    .object({
      ttl: ttlSchema.optional(),
      keyPolicy: z.enum(['OVERRIDE', 'FAIL_IF_EXISTS']).optional(),
      returnValue: z.enum(['PREVIOUS', 'LATEST']).optional(),
      returnMetadataFields: metadataFieldsSchema,
    })
    .optional(),
});
const deleteSchema = z.object({ key: z.string() });
const querySchema = z.object({
  limit: z.number().int().optional(),
  after: z.string().optional(),
  where: z.array(z.object({ property: z.string(), condition: z.string(), values: z.array(z.unknown()) })).optional(),
  options: z.object({ metadataFields: metadataFieldsSchema }).optional(),
});
/** Entities (Custom Entity Store) are not part of this local store; an item naming one is refused. */
const batchItemSchema = z.object({ key: z.string(), entityName: z.string().optional() });
const batchSetSchema = z.array(
  batchItemSchema.extend({ value: z.unknown(), options: z.object({ ttl: ttlSchema.optional() }).optional() }),
);
const batchKeysSchema = z.array(batchItemSchema);
const transactionSchema = z.object({
  set: z
    .array(
      z.object({
        key: z.string(),
        value: z.unknown(),
        entityName: z.string().optional(),
        conditions: z.unknown().optional(),
        options: z.object({ ttl: ttlSchema.optional() }).optional(),
      }),
    )
    .optional(),
  delete: z
    .array(z.object({ key: z.string(), entityName: z.string().optional(), conditions: z.unknown().optional() }))
    .optional(),
  check: z.array(z.unknown()).optional(),
});

const entrySchema = z.object({
  value: z.unknown(),
  createdAt: z.number(),
  updatedAt: z.number(),
  expiresAt: z.number().optional(),
});
const persistedSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), entrySchema),
  secrets: z.record(z.string(), entrySchema),
});

type Entry = z.infer<typeof entrySchema>;
type MetadataField = 'CREATED_AT' | 'UPDATED_AT' | 'EXPIRE_TIME';

function forgeError(status: number, code: string, message: string): KvsReply {
  return { status, body: { code, message } };
}

/** The store's answers a test can make a write get (see `refuseWrite`). */
export const KVS_REFUSALS = {
  maxSize: (): KvsReply => forgeError(400, 'MAX_SIZE', 'The provided value has exceeded the maximum size limit.'),
  unavailable: (): KvsReply => forgeError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.'),
};

const notFound = (): KvsReply => forgeError(404, 'KEY_NOT_FOUND', 'The specified key does not exist.');

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depth(child)), 0);
}

/** A key or value the real KVS would refuse, as its 400 reply; undefined when acceptable. */
function checkKey(key: string): KvsReply | undefined {
  if (key.length === 0) return forgeError(400, 'KEY_TOO_SHORT', 'The provided key needs to be at least one character.');
  if (key.length > MAX_KEY_LENGTH)
    return forgeError(400, 'KEY_TOO_LONG', `The provided key has exceeded the maximum ${MAX_KEY_LENGTH} characters.`);
  if (!KEY_FORMAT.test(key))
    return forgeError(400, 'INVALID_KEY', `The provided key does not match the regex: ${KEY_FORMAT.source}`);
  return undefined;
}

function checkValue(value: unknown): KvsReply | undefined {
  if (value === undefined) return forgeError(400, 'INVALID_REQUEST', 'A value is required.');
  if (jsonBytes(value) > MAX_VALUE_BYTES)
    return forgeError(400, 'MAX_SIZE', 'The provided value has exceeded the maximum size limit.');
  if (depth(value) > MAX_DEPTH)
    return forgeError(
      400,
      'MAX_DEPTH',
      `The provided value has exceeded the maximum object depth (${MAX_DEPTH}) limit.`,
    );
  return undefined;
}

function ttlMs(ttl: z.infer<typeof ttlSchema> | undefined): number | undefined {
  return ttl ? ttl.value * TTL_UNIT_MS[ttl.unit] : undefined;
}

function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

export class LocalKvs {
  /** Storage calls answered (one per SDK call; a batch or a transaction counts once). */
  calls = 0;
  latencyMs: number;
  /**
   * Tests only: refuses a write (set or delete of a non-secret key) when this answers a reply, as
   * the real store refuses or fails a call (MAX_SIZE, a 500); the write does not happen.
   */
  refuseWrite: ((key: string) => KvsReply | undefined) | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly secrets = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly filePath: string | undefined;
  private readonly persistDebounceMs: number;
  private persistTimer: NodeJS.Timeout | undefined;

  constructor(options: LocalKvsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.latencyMs = options.latencyMs ?? 0;
    this.filePath = options.filePath;
    this.persistDebounceMs = options.persistDebounceMs ?? 200;
    if (this.filePath && existsSync(this.filePath)) this.load(this.filePath);
  }

  /** Answers one KVS API call: `path` like "/api/v1/set", `body` the parsed JSON request. */
  async handle(path: string, body: unknown): Promise<KvsReply> {
    this.calls++;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const key =
      typeof body === 'object' && body !== null && 'key' in body && typeof body.key === 'string' ? body.key : undefined;
    const refused =
      key !== undefined && (path === '/api/v1/set' || path === '/api/v1/delete') ? this.refuseWrite?.(key) : undefined;
    if (refused) return refused;
    // Everything below is synchronous, so each call is atomic (FAIL_IF_EXISTS has exactly one winner).
    return this.dispatch(path, body);
  }

  /** The stored value of a (non-secret) key, bypassing the protocol; for test assertions. */
  peek(key: string): unknown {
    return this.live(this.entries, key)?.value;
  }

  /** Every live (non-secret) key, bypassing the protocol; for test assertions. */
  keys(): string[] {
    return [...this.entries.keys()].filter((key) => this.live(this.entries, key) !== undefined);
  }

  /** The largest stored value, as the JSON bytes the limit counts; for the benchmark's storage figure. */
  largestValue(): { key: string; bytes: number } {
    let largest = { key: '', bytes: 0 };
    for (const [key, entry] of this.entries) {
      const bytes = jsonBytes(entry.value);
      if (bytes > largest.bytes) largest = { key, bytes };
    }
    return largest;
  }

  /** Writes any pending change to the file (if persisting) and stops the debounce timer. */
  close(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    this.persist();
  }

  private dispatch(path: string, body: unknown): KvsReply {
    switch (path) {
      case '/api/v1/get':
        return this.get(this.entries, body);
      case '/api/v1/secret/get':
        return this.get(this.secrets, body);
      case '/api/v1/set':
        return this.set(this.entries, body);
      case '/api/v1/secret/set':
        return this.set(this.secrets, body);
      case '/api/v1/delete':
        return this.delete(this.entries, body);
      case '/api/v1/secret/delete':
        return this.delete(this.secrets, body);
      case '/api/v1/query':
        return this.query(body);
      case '/api/v1/batch/set':
        return this.batchSet(body);
      case '/api/v1/batch/get':
        return this.batchGet(body);
      case '/api/v1/batch/delete':
        return this.batchDelete(body);
      case '/api/v1/transaction':
        return this.transaction(body);
      default:
        return forgeError(
          404,
          'NOT_SUPPORTED',
          `The local Forge runtime does not serve ${path} (Custom Entity Store calls are not emulated).`,
        );
    }
  }

  /** The entry if present and not expired; expired entries are dropped on the way. */
  private live(map: Map<string, Entry>, key: string): Entry | undefined {
    const entry = map.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.remove(map, key);
      return undefined;
    }
    return entry;
  }

  private withMetadata(
    key: string,
    entry: Entry,
    fields: readonly MetadataField[] | undefined,
  ): Record<string, unknown> {
    const result: Record<string, unknown> = { key, value: entry.value };
    if (fields?.includes('CREATED_AT')) result.createdAt = entry.createdAt;
    if (fields?.includes('UPDATED_AT')) result.updatedAt = entry.updatedAt;
    if (fields?.includes('EXPIRE_TIME') && entry.expiresAt !== undefined)
      result.expireTime = new Date(entry.expiresAt).toISOString();
    return result;
  }

  private get(map: Map<string, Entry>, body: unknown): KvsReply {
    const request = getSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const invalid = checkKey(request.data.key);
    if (invalid) return invalid;
    const entry = this.live(map, request.data.key);
    if (!entry) return notFound();
    return {
      status: 200,
      body: this.withMetadata(
        request.data.key,
        entry,
        request.data.options?.metadataFields ?? ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'],
      ),
    };
  }

  private set(map: Map<string, Entry>, body: unknown): KvsReply {
    const request = setSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const { key, value, options } = request.data;
    const invalid = checkKey(key) ?? checkValue(value);
    if (invalid) return invalid;
    const previous = this.live(map, key);
    if (options?.keyPolicy === 'FAIL_IF_EXISTS' && previous) {
      return forgeError(409, 'KEY_CONFLICT', `The key already exists and the key policy is FAIL_IF_EXISTS.`);
    }
    const entry = this.write(map, key, value, ttlMs(options?.ttl), previous);
    if (options?.returnValue === undefined) return { status: 204 };
    const returned = options.returnValue === 'PREVIOUS' ? previous : entry;
    return returned
      ? { status: 200, body: this.withMetadata(key, returned, options.returnMetadataFields) }
      : { status: 204 };
  }

  private write(
    map: Map<string, Entry>,
    key: string,
    value: unknown,
    ttl: number | undefined,
    previous: Entry | undefined,
  ): Entry {
    const now = this.now();
    const entry: Entry = { value, createdAt: previous?.createdAt ?? now, updatedAt: now };
    if (ttl !== undefined) entry.expiresAt = now + ttl;
    map.set(key, entry);
    this.schedulePersist();
    return entry;
  }

  private remove(map: Map<string, Entry>, key: string): void {
    map.delete(key);
    this.schedulePersist();
  }

  private delete(map: Map<string, Entry>, body: unknown): KvsReply {
    const request = deleteSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const invalid = checkKey(request.data.key);
    if (invalid) return invalid;
    if (!this.live(map, request.data.key)) return notFound();
    this.remove(map, request.data.key);
    return { status: 204 };
  }

  private query(body: unknown): KvsReply {
    const request = querySchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const { limit = DEFAULT_QUERY_LIMIT, after, where = [], options } = request.data;
    if (limit < 1 || limit > MAX_QUERY_LIMIT)
      return forgeError(
        400,
        'LIST_QUERY_LIMIT_EXCEEDED',
        `Limit for list query should be between 1 and ${MAX_QUERY_LIMIT} (the local store holds the app to Forge's strictest documented figure).`,
      );
    if (where.length > 1)
      return forgeError(400, 'QUERY_WHERE_INVALID', 'KVS queries should contain only a single "where" clause.');
    const clause = where[0];
    let prefix = '';
    if (clause) {
      if (clause.property !== 'key')
        return forgeError(400, 'QUERY_WHERE_FIELD_INVALID', 'The specified field is not supported for filters.');
      if (clause.condition !== 'BEGINS_WITH')
        return forgeError(400, 'INVALID_FILTER_CONDITION', 'The specified condition is not supported for filters.');
      const [value] = clause.values;
      if (clause.values.length !== 1 || (typeof value !== 'string' && typeof value !== 'number')) {
        return forgeError(
          400,
          'INVALID_FILTER_VALUES',
          'The specified number of values are not supported by the given condition.',
        );
      }
      prefix = String(value);
    }
    const start = after === undefined ? undefined : decodeCursor(after);
    const keys = [...this.entries.keys()]
      .filter((key) => key.startsWith(prefix) && (start === undefined || key > start))
      .sort()
      .filter((key) => this.live(this.entries, key) !== undefined);
    const page = keys.slice(0, limit);
    const data = page.flatMap((key) => {
      const entry = this.entries.get(key);
      return entry ? [this.withMetadata(key, entry, options?.metadataFields ?? ['EXPIRE_TIME'])] : [];
    });
    const last = page[page.length - 1];
    return {
      status: 200,
      body: keys.length > limit && last !== undefined ? { data, cursor: encodeCursor(last) } : { data },
    };
  }

  private batchSet(body: unknown): KvsReply {
    const request = batchSetSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    if (request.data.length === 0) return forgeError(400, 'INVALID_REQUEST', 'A batch must contain at least one item.');
    if (new Set(request.data.map((item) => item.key)).size !== request.data.length) {
      return forgeError(400, 'INVALID_REQUEST', 'A batch may set each key only once.');
    }
    const successfulKeys: { key: string }[] = [];
    const failedKeys: { key: string; error: { code: string; message: string } }[] = [];
    for (const item of request.data) {
      const invalid = item.entityName !== undefined ? entityRefused() : (checkKey(item.key) ?? checkValue(item.value));
      if (invalid) failedKeys.push({ key: item.key, error: errorOf(invalid) });
      else {
        this.write(this.entries, item.key, item.value, ttlMs(item.options?.ttl), this.live(this.entries, item.key));
        successfulKeys.push({ key: item.key });
      }
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  private batchGet(body: unknown): KvsReply {
    const request = batchKeysSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const successfulKeys: Record<string, unknown>[] = [];
    const failedKeys: { key: string; error: { code: string; message: string } }[] = [];
    for (const item of request.data) {
      const invalid = item.entityName !== undefined ? entityRefused() : checkKey(item.key);
      const entry = invalid ? undefined : this.live(this.entries, item.key);
      if (entry) successfulKeys.push(this.withMetadata(item.key, entry, ['EXPIRE_TIME']));
      else failedKeys.push({ key: item.key, error: errorOf(invalid ?? notFound()) });
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  private batchDelete(body: unknown): KvsReply {
    const request = batchKeysSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const successfulKeys: { key: string }[] = [];
    const failedKeys: { key: string; error: { code: string; message: string } }[] = [];
    for (const item of request.data) {
      const invalid = item.entityName !== undefined ? entityRefused() : checkKey(item.key);
      if (invalid) failedKeys.push({ key: item.key, error: errorOf(invalid) });
      else {
        this.remove(this.entries, item.key);
        successfulKeys.push({ key: item.key });
      }
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  /** All-or-nothing over plain KVS keys; entity operations and checks are not emulated. */
  private transaction(body: unknown): KvsReply {
    const request = transactionSchema.safeParse(body);
    if (!request.success) return invalidRequest(request.error);
    const sets = request.data.set ?? [];
    const deletes = request.data.delete ?? [];
    if (
      (request.data.check ?? []).length > 0 ||
      [...sets, ...deletes].some((op) => op.entityName !== undefined || op.conditions !== undefined)
    ) {
      return entityRefused();
    }
    const keys = [...sets.map((op) => op.key), ...deletes.map((op) => op.key)];
    if (keys.length === 0 || keys.length > MAX_TRANSACTION_OPERATIONS) {
      return forgeError(400, 'INVALID_REQUEST', `A transaction holds 1 to ${MAX_TRANSACTION_OPERATIONS} operations.`);
    }
    if (new Set(keys).size !== keys.length)
      return forgeError(400, 'INVALID_REQUEST', 'Each key can only be used once in a transaction.');
    for (const op of sets) {
      const invalid = checkKey(op.key) ?? checkValue(op.value);
      if (invalid) return invalid;
    }
    for (const op of deletes) {
      const invalid = checkKey(op.key);
      if (invalid) return invalid;
    }
    for (const op of sets)
      this.write(this.entries, op.key, op.value, ttlMs(op.options?.ttl), this.live(this.entries, op.key));
    for (const op of deletes) this.remove(this.entries, op.key);
    return { status: 204 };
  }

  private load(filePath: string): void {
    const parsed = persistedSchema.parse(JSON.parse(readFileSync(filePath, 'utf8')));
    for (const [key, entry] of Object.entries(parsed.entries)) this.entries.set(key, entry);
    for (const [key, entry] of Object.entries(parsed.secrets)) this.secrets.set(key, entry);
  }

  private schedulePersist(): void {
    if (!this.filePath || this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persist();
    }, this.persistDebounceMs);
    this.persistTimer.unref();
  }

  private persist(): void {
    if (!this.filePath) return;
    const snapshot = {
      version: 1,
      entries: Object.fromEntries(this.entries),
      secrets: Object.fromEntries(this.secrets),
    };
    mkdirSync(dirname(this.filePath), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a half file for the next start.
    const temporary = `${this.filePath}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, this.filePath);
  }
}

function invalidRequest(error: z.ZodError): KvsReply {
  return forgeError(400, 'INVALID_REQUEST', `Malformed KVS request: ${z.prettifyError(error)}`);
}

function entityRefused(): KvsReply {
  return forgeError(
    400,
    'NOT_SUPPORTED',
    'The local Forge runtime does not emulate the Custom Entity Store or transaction checks.',
  );
}

function errorOf(reply: KvsReply): { code: string; message: string } {
  const body = z.object({ code: z.string(), message: z.string() }).safeParse(reply.body);
  return body.success ? body.data : { code: 'UNKNOWN_ERROR', message: 'Unknown error' };
}
