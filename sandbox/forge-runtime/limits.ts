/**
 * Forge's platform limits that the local runtime enforces, in one place. Each says where the figure
 * comes from; README.md (Forge limits) lists which are documented and which are assumed.
 */

const KIB = 1024;
const MB = 1024 * 1024;

export const FORGE_LIMITS = {
  /** /platform/forge/limits-kvs-ce: "Key length 500". */
  kvsKeyLength: 500,
  /** /platform/forge/limits-kvs-ce: "Key format"; also the INVALID_KEY message of handling-errors-kvs. */
  kvsKeyFormat: /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/,
  /** /platform/forge/limits-kvs-ce: "Value size 240 KiB, maximum size of a single persisted value". Secrets too. */
  kvsValueBytes: 240 * KIB,
  /** /platform/forge/limits-kvs-ce: "Object depth 31, maximum object depth permitted" (the error text says 32). */
  kvsObjectDepth: 31,
  /**
   * kvs.query().limit(): the query reference's example says "up to a maximum of 20", its prose says
   * 100, the error table "below 100". The local store holds the app to the strictest figure.
   */
  kvsQueryLimit: 20,
  /** @forge/kvs transactions: assumed 25 operations (not found in the stored docs). */
  kvsTransactionOperations: 25,
  /** /platform/forge/limits-async-events: 50 events per push (also validated by @forge/events). */
  queueEventsPerPush: 50,
  /** /platform/forge/limits-async-events: 200 KB combined per push (also validated by @forge/events). */
  queuePushBytes: 200 * KIB,
  /** /platform/forge/limits-async-events: 100 KB per event for consumers whose timeout is over 55 s. */
  queueEventBytesLongRunning: 100 * KIB,
  /** /platform/forge/limits-invocation: resolvers (UI invocations) are stopped after 25 s. */
  resolverSeconds: 25,
  /** /platform/forge/limits-invocation: consumer and scheduled-trigger functions default to 55 s… */
  defaultFunctionSeconds: 55,
  /** …and may set timeoutSeconds up to 900. */
  maxFunctionSeconds: 900,
  /** ASSUMED: a resolver's payload (the bridge's invoke argument) up to 5 MB; no figure is documented. */
  resolverPayloadBytes: 5 * MB,
  /**
   * ASSUMED: a resolver's response up to 5 MiB. Neither the invocation limits page
   * (/platform/forge/limits-invocation) nor the resolver reference gives a figure; developers report
   * answers refused past "the GraphQL 5242880 byte size limit" (community.developer.atlassian.com,
   * "Improving support for long-running tasks in Forge"), which is this figure. The app keeps its
   * answers far below it (the release page's lists and exports are paged).
   */
  resolverResponseBytes: 5 * MB,
} as const;

/** The size Forge counts: the JSON text's UTF-8 bytes. */
export function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/**
 * A call Forge stops or refuses because of a limit outside the storage and events APIs (which answer
 * with their own documented codes). The codes are this runtime's names: Forge documents none.
 */
export class ForgeLimitError extends Error {
  constructor(
    readonly code: 'INVOCATION_TIMEOUT' | 'PAYLOAD_TOO_LARGE' | 'RESPONSE_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'ForgeLimitError';
  }
}

/** Rejects with INVOCATION_TIMEOUT when `promise` outlives `limitMs` (the work itself cannot be killed in-process). */
export function raceTimeLimit<T>(promise: Promise<T>, what: string, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ForgeLimitError(
            'INVOCATION_TIMEOUT',
            `Forge stopped ${what} after ${limitMs} ms (invocation time limit).`,
          ),
        ),
      limitMs,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
