/**
 * A local Forge runtime: the UNMODIFIED @forge/api, @forge/kvs, @forge/events and @forge/resolver
 * run outside Forge, against loopback fakes and an in-process store.
 *
 * How the real SDKs reach the platform, and what this runtime answers:
 * - `global.__forge_fetch__(options, path, init)` carries every platform call:
 *   `{type:'kvs'}` → the LocalKvs; `{type:'fpp', remote:'jira', provider:'app'|'user'}` →
 *   `jiraBaseUrl + path` (asUser adds `x-fake-account-id: <the invocation's accountId>`, which the
 *   fake Jira uses for `mypermissions`); `{type:'fpp', remote:'stargate'}` with the queue publish
 *   path → the local queues.
 * - `fetch` from @forge/api is the global `fetch` **captured when @forge/api is first loaded**
 *   (`getFetchAPI()` in out/api/fetch.js). `installForgeRuntime` therefore loads @forge/api itself
 *   while `globalThis.fetch` is the egress wrapper, then restores the real global `fetch`: only
 *   Forge's `fetch` goes through the egress rules; tests and fakes keep the real one. The wrapper
 *   reads the active runtime on every call, so later runtimes (other test files in the same process)
 *   re-point it without re-importing anything.
 *
 * ORDER MATTERS: install the runtime BEFORE anything imports @forge/api (src/index.ts, src/platform/*):
 *
 *   const runtime = await installForgeRuntime({ jiraBaseUrl, egress: { 'https://api.github.com': githubUrl } });
 *   const app = await import('../../src/index');   // dynamic import, after the install
 *   ...
 *   afterAll(() => runtime.uninstall());
 *
 * If @forge/api was loaded first, `installForgeRuntime` throws and says so.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { egressDenied, egressUnmapped, isEgressAllowed, manifestEgress, rewriteEgress } from './egress';
import { LocalKvs } from './local-kvs';
import { FORGE_LIMITS, ForgeLimitError, jsonBytes, raceTimeLimit } from './limits';
import { manifestTimeouts, type FunctionTimeouts } from './manifest-functions';
import { type ConsumerHandler, LocalQueues, type AsyncEvent, type QueueDelivery } from './local-queues';

/** Who is calling, for asUser(): set around each resolver, trigger or consumer invocation. */
interface Invocation {
  accountId: string | undefined;
}

type EgressFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

interface RuntimeSlot {
  active: LocalForgeRuntime | undefined;
  invocations: AsyncLocalStorage<Invocation>;
}

declare global {
  // The Forge runtime's transport for platform calls, read by @forge/api and @forge/kvs at call time.
  var __forge_fetch__: ((options: unknown, path: string, init?: RequestInit) => Promise<Response>) | undefined;
  // Shared by every copy of this module in the process (a test runner may load it more than once).
  var __kosliLocalForgeRuntime__: RuntimeSlot | undefined;
}

function slot(): RuntimeSlot {
  globalThis.__kosliLocalForgeRuntime__ ??= { active: undefined, invocations: new AsyncLocalStorage<Invocation>() };
  return globalThis.__kosliLocalForgeRuntime__;
}

const PROBE_URL = 'forge-runtime-probe:capture';

/**
 * The `fetch` @forge/api captures. It is stable for the life of the process and asks the active
 * runtime on every call, because @forge/api is loaded once per process.
 */
const egressFetch: EgressFetch = async (input, init) => {
  if (String(input) === PROBE_URL)
    return new Response(null, { status: 204, headers: { 'x-forge-runtime-probe': 'ok' } });
  const runtime = slot().active;
  if (!runtime) throw new TypeError('fetch failed: no local Forge runtime is installed (installForgeRuntime).');
  return runtime.egressFetch(input, init);
};

const platformCallSchema = z.object({
  type: z.string(),
  provider: z.string().optional(),
  remote: z.string().optional(),
  accountId: z.string().optional(),
});

/** The app and environment ids the local runtime reports (Forge's are uuids too). */
export const LOCAL_APP_ID = '00000000-0000-4000-8000-00000000a11d';
export const LOCAL_ENVIRONMENT_ID = '00000000-0000-4000-8000-0000000000e1';

export interface ForgeRuntimeOptions {
  /** Where `requestJira` goes, e.g. the fake Jira's loopback URL. */
  jiraBaseUrl: string;
  /** Allowed egress origin → loopback base URL, e.g. {'https://api.github.com': 'http://127.0.0.1:5001'}. */
  egress: Record<string, string>;
  /** Defaults to the manifest's permissions.external.fetch.backend addresses. */
  allowedEgress?: string[];
  /** The manifest to read `allowedEgress` from; defaults to the repository's manifest.yml. */
  manifestPath?: string | URL;
  storage?: LocalKvs;
  /** Latency added to every storage call (sets `storage.latencyMs`). */
  storageLatencyMs?: number;
  /** The `siteUrl` resolvers see; defaults to `jiraBaseUrl`. */
  siteUrl?: string;
  /**
   * Sent as `Authorization: Bearer` on every `requestJira`, as Forge's product proxy presents a
   * token it mints for the app; the fake Jira then refuses any request without it.
   */
  jiraToken?: string;
  cloudId?: string;
  /** Milliseconds per second of queue `delayInSeconds`/`retryAfter`; 0 (default) delivers at once. */
  queueDelayScaleMs?: number;
  /** Receives errors thrown by queue consumers; without it, `drainQueues()` rethrows them. */
  onConsumerError?: (error: unknown, event: AsyncEvent) => void;
  /** Forge stops a resolver after 25 s; this overrides that one limit. */
  resolverTimeoutMs?: number;
  /**
   * Milliseconds per second of Forge's invocation time limits (25 s resolvers, the manifest's
   * timeoutSeconds for triggers and consumers); 1000 by default, smaller in tests that reach them.
   */
  timeLimitMsPerSecond?: number;
}

/** The handler `new Resolver().getDefinitions()` returns, as Forge invokes it. */
export type ResolverHandler = (
  request: { call: { functionKey: string; payload?: unknown; jobId?: string }; context: Record<string, unknown> },
  backend: { principal: { accountId: string }; installContext: string },
) => Promise<unknown>;

interface ResolverCallBase {
  /** The resolver function key (`resolver.define(key, ...)`). */
  key: string;
  payload?: unknown;
  accountId: string;
  moduleKey?: string;
  jobId?: string;
}

export type ResolverCall = ResolverCallBase &
  ({ moduleType?: 'jira:projectPage'; projectKey: string; projectId: string } | { moduleType: 'jira:adminPage' });

export interface ScheduledTriggerRequest {
  context: { cloudId: string; moduleKey: string };
  contextToken: string;
}

export type ScheduledTriggerHandler = (
  request: ScheduledTriggerRequest,
  context: { installContext: string },
) => unknown;

export class LocalForgeRuntime {
  readonly storage: LocalKvs;
  /** Mutable: re-point an origin (e.g. a fake restarted on another port) without reinstalling. */
  readonly egress: Record<string, string>;
  readonly allowedEgress: readonly string[];
  jiraBaseUrl: string;
  private readonly jiraToken: string | undefined;
  readonly installContext = 'ari:cloud:jira::site/local';
  private readonly cloudId: string;
  private readonly siteUrl: string;
  private readonly queues: LocalQueues;
  private readonly resolverTimeoutMs: number;
  private readonly timeouts: FunctionTimeouts;
  private readonly msPerSecond: number;

  constructor(
    options: ForgeRuntimeOptions,
    private readonly realFetch: typeof fetch,
  ) {
    this.storage = options.storage ?? new LocalKvs();
    if (options.storageLatencyMs !== undefined) this.storage.latencyMs = options.storageLatencyMs;
    this.egress = { ...options.egress };
    this.allowedEgress = options.allowedEgress ?? manifestEgress(options.manifestPath);
    this.jiraBaseUrl = options.jiraBaseUrl;
    this.cloudId = options.cloudId ?? 'local-cloud';
    this.siteUrl = options.siteUrl ?? options.jiraBaseUrl;
    this.jiraToken = options.jiraToken;
    this.msPerSecond = options.timeLimitMsPerSecond ?? 1000;
    this.resolverTimeoutMs = options.resolverTimeoutMs ?? FORGE_LIMITS.resolverSeconds * this.msPerSecond;
    this.timeouts = manifestTimeouts(options.manifestPath);
    this.queues = new LocalQueues({
      installContext: this.installContext,
      delayScaleMs: options.queueDelayScaleMs ?? 0,
      runAsConsumer: (fn) => slot().invocations.run({ accountId: undefined }, fn),
      onError: options.onConsumerError,
      limitsOf: (queueName) => {
        const seconds = this.timeouts.consumer(queueName);
        return {
          timeoutMs: seconds * this.msPerSecond,
          // Consumers allowed more than the default 55 s take events of at most 100 KB each.
          maxEventBytes:
            seconds > FORGE_LIMITS.defaultFunctionSeconds
              ? FORGE_LIMITS.queueEventBytesLongRunning
              : FORGE_LIMITS.queuePushBytes,
        };
      },
    });
  }

  /** Every queue delivery so far, in order, with its outcome. */
  get queueDeliveries(): readonly QueueDelivery[] {
    return this.queues.deliveries;
  }

  /** Registers the consumer function of a queue (manifest `consumer` module). */
  onQueue(queueName: string, handler: ConsumerHandler): void {
    this.queues.register(queueName, handler);
  }

  /** Waits until every pushed event was delivered; rethrows errors consumers threw. */
  drainQueues(): Promise<void> {
    return this.queues.drain();
  }

  /** Calls a resolver handler exactly as Forge does for a Custom UI `invoke`. */
  async invokeResolver(handler: ResolverHandler, call: ResolverCall): Promise<unknown> {
    const moduleKey =
      call.moduleKey ?? (call.moduleType === 'jira:adminPage' ? 'release-gate-settings' : 'release-gate');
    const extension =
      call.moduleType === 'jira:adminPage'
        ? { type: 'jira:adminPage' }
        : { type: 'jira:projectPage', project: { id: call.projectId, key: call.projectKey, type: 'software' } };
    const request = {
      call: {
        functionKey: call.key,
        payload: call.payload,
        ...(call.jobId === undefined ? {} : { jobId: call.jobId }),
      },
      context: {
        accountId: call.accountId,
        cloudId: this.cloudId,
        // Shaped like Forge's: extension/<app id>/<environment id>/static/<module key>.
        localId: `ari:cloud:ecosystem::extension/${LOCAL_APP_ID}/${LOCAL_ENVIRONMENT_ID}/static/${moduleKey}`,
        moduleKey,
        siteUrl: this.siteUrl,
        environmentType: 'DEVELOPMENT',
        extension,
      },
    };
    const payloadBytes = jsonBytes(call.payload);
    if (payloadBytes > FORGE_LIMITS.resolverPayloadBytes) {
      throw new ForgeLimitError(
        'PAYLOAD_TOO_LARGE',
        `Forge refused resolver '${call.key}': its payload of ${payloadBytes} bytes is over the ${FORGE_LIMITS.resolverPayloadBytes}-byte limit.`,
      );
    }
    const backend = { principal: { accountId: call.accountId }, installContext: this.installContext };
    const result = await raceTimeLimit(
      slot().invocations.run({ accountId: call.accountId }, () => handler(request, backend)),
      `resolver '${call.key}'`,
      this.resolverTimeoutMs,
    );
    const resultBytes = jsonBytes(result);
    if (resultBytes > FORGE_LIMITS.resolverResponseBytes) {
      throw new ForgeLimitError(
        'RESPONSE_TOO_LARGE',
        `Forge dropped the answer of resolver '${call.key}': ${resultBytes} bytes is over the ${FORGE_LIMITS.resolverResponseBytes}-byte limit.`,
      );
    }
    // The bridge carries the result to the browser as JSON.
    const wire: unknown = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    return wire;
  }

  /** Calls a scheduledTrigger function as Forge does: no user, app context only, stopped at its timeoutSeconds. */
  runScheduledTrigger(fn: ScheduledTriggerHandler, moduleKey = 'release-gate-check'): Promise<unknown> {
    const request = { context: { cloudId: this.cloudId, moduleKey }, contextToken: 'local' };
    return raceTimeLimit(
      Promise.resolve(
        slot().invocations.run({ accountId: undefined }, () => fn(request, { installContext: this.installContext })),
      ),
      `scheduled trigger '${moduleKey}'`,
      this.timeouts.trigger(moduleKey) * this.msPerSecond,
    );
  }

  /** Removes the globals; the runtime's state (storage, deliveries) stays readable. */
  uninstall(): void {
    const current = slot();
    if (current.active !== this) return;
    current.active = undefined;
    delete globalThis.__forge_fetch__;
  }

  /** The platform side of `__forge_fetch__`. */
  readonly forgeFetch = async (options: unknown, path: string, init?: RequestInit): Promise<Response> => {
    const target = platformCallSchema.parse(options);
    if (target.type === 'fpp' && target.remote === 'jira')
      return this.requestJira(target.provider, target.accountId, path, init);
    // The storage and events APIs always send JSON.
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    if (target.type === 'kvs') {
      const reply = await this.storage.handle(path, body);
      return reply.body === undefined
        ? new Response(null, { status: reply.status })
        : Response.json(reply.body, { status: reply.status });
    }
    if (target.type === 'fpp' && target.remote === 'stargate' && path.startsWith('/webhook/queue/publish/'))
      return this.queues.push(body);
    throw new Error(`The local Forge runtime does not serve ${JSON.stringify(target)} ${path}.`);
  };

  /** Forge's `fetch`, through the manifest's egress rules and the loopback map. */
  async egressFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!isEgressAllowed(url, this.allowedEgress)) return egressDenied(url);
    const target = rewriteEgress(url, this.egress);
    if (target === undefined) return egressUnmapped(url);
    return input instanceof Request ? this.realFetch(new Request(target, input), init) : this.realFetch(target, init);
  }

  private async requestJira(
    provider: string | undefined,
    accountId: string | undefined,
    path: string,
    init?: RequestInit,
  ): Promise<Response> {
    const headers = new Headers(init?.headers);
    if (provider === 'user') {
      const user = accountId ?? slot().invocations.getStore()?.accountId;
      // Forge has no user in scheduled triggers and consumers; asUser() there is a bug to surface.
      if (!user)
        throw new Error('asUser().requestJira was called outside a user invocation (only resolvers have a user).');
      headers.set('x-fake-account-id', user);
    } else if (provider !== 'app') {
      throw new Error(
        `requestJira without asApp()/asUser() (provider '${provider}') is not supported by the local Forge runtime.`,
      );
    }
    if (this.jiraToken !== undefined) headers.set('authorization', `Bearer ${this.jiraToken}`);
    return this.realFetch(`${this.jiraBaseUrl.replace(/\/+$/, '')}${path}`, { ...init, headers });
  }
}

/**
 * Installs the runtime's globals and routes @forge/api's `fetch` through the egress rules.
 * Must run before anything imports @forge/api (see the module comment); one runtime at a time.
 */
export async function installForgeRuntime(options: ForgeRuntimeOptions): Promise<LocalForgeRuntime> {
  const current = slot();
  if (current.active) throw new Error('A local Forge runtime is already installed; uninstall() it first.');
  const realFetch = globalThis.fetch;
  const runtime = new LocalForgeRuntime(options, realFetch);
  current.active = runtime;
  globalThis.__forge_fetch__ = runtime.forgeFetch;

  // @forge/api captures globalThis.fetch when first loaded: load it now, with the wrapper in place.
  globalThis.fetch = egressFetch;
  try {
    const forgeApi = await import('@forge/api');
    const probe = await forgeApi.fetch(PROBE_URL).catch(() => undefined);
    if (probe?.headers.get('x-forge-runtime-probe') !== 'ok') {
      runtime.uninstall();
      throw new Error(
        '@forge/api was imported before installForgeRuntime(): its fetch bypasses the egress rules. ' +
          'Install the runtime first, then import the app with a dynamic import().',
      );
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  return runtime;
}

/**
 * Runs `load` with the egress wrapper as the global `fetch`, so that a copy of @forge/api it loads
 * captures it: the app bundle (app-entry.ts) carries its own @forge/api.
 */
export function loadWithEgressFetch<T>(load: () => T): T {
  const realFetch = globalThis.fetch;
  globalThis.fetch = egressFetch;
  try {
    return load();
  } finally {
    globalThis.fetch = realFetch;
  }
}

function activeRuntime(): LocalForgeRuntime {
  const runtime = slot().active;
  if (!runtime) throw new Error('No local Forge runtime is installed (installForgeRuntime).');
  return runtime;
}

/** `runtime.invokeResolver` on the installed runtime. */
export function invokeResolver(handler: ResolverHandler, call: ResolverCall): Promise<unknown> {
  return activeRuntime().invokeResolver(handler, call);
}

/** `runtime.runScheduledTrigger` on the installed runtime. */
export function runScheduledTrigger(fn: ScheduledTriggerHandler, moduleKey?: string): Promise<unknown> {
  return activeRuntime().runScheduledTrigger(fn, moduleKey);
}
