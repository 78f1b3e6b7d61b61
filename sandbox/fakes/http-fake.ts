/**
 * The shared machinery of the fake Jira, Kosli and GitHub servers: a small router over node:http,
 * per-route fault injection (latency, 429 + Retry-After, 5xx, timeouts), request counting and a
 * request log the contract tests validate against the published specs.
 *
 * The fakes are product code: the tests, the sandbox and the benchmark all run on them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the router's params. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body bytes. */
  body: Buffer;
  params: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  /** Sent as-is instead of JSON when set. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  | { kind: 'timeout' }
  /** Lets the request through to the handler, then answers with this status (a write that happened). */
  | { kind: 'after'; status: number };

export interface LoggedRequest {
  system: string;
  method: string;
  /** The route pattern, e.g. "/rest/api/3/version/{id}". */
  route: string;
  path: string;
  query: string;
  status: number;
  requestBody: Buffer;
  contentType: string | undefined;
  responseBody: unknown;
}

/**
 * Random faults at a rate, from a seeded generator so a run can be replayed: 429 with Retry-After,
 * 5xx, and dropped connections after a hang (what a client sees as a timeout). Writes hit by a 5xx
 * or a drop happen half of the time before the failure, so "maybe applied" is real.
 */
export interface FaultProfile {
  /** Share of requests that fail, 0..1. */
  rate: number;
  seed: number;
  /** How long a dropped request hangs first (ms). */
  hangMs?: number;
}

/** mulberry32: small, fast and good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type RandomFault = { kind: 'status'; status: number; applied: boolean } | { kind: 'drop'; applied: boolean };

interface RouteEntry {
  method: string;
  pattern: string;
  regex: RegExp;
  names: string[];
  handler: FakeHandler;
}

/** A route pattern "/snapshots/{org}/{env}/{index}" → a regex capturing each `{name}` segment. */
function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) =>
      segment.replace(/\{(\w+)\}|([^{}]+)/g, (_m, param: string | undefined, literal: string | undefined) => {
        if (param) {
          names.push(param);
          return '([^/]+)';
        }
        return (literal ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }),
    )
    .join('/');
  return { regex: new RegExp(`^${source}$`), names };
}

export class FakeHttpService {
  readonly system: string;
  private readonly routes: RouteEntry[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly latency = new Map<string, number>();
  private chaos: { rate: number; random: () => number; hangMs: number } | undefined;
  /** Random faults served so far, by kind ("429", "503", "drop"…), for tests and the demo to report. */
  readonly randomFaults = new Map<string, number>();
  private defaultLatencyMs = 0;
  /** Every request answered, in order (bounded, oldest dropped). */
  readonly log: LoggedRequest[] = [];
  private count = 0;
  private server: Server | undefined;
  /** Optional guard run before routing (e.g. auth); returning a response short-circuits. */
  guard: ((req: FakeRequest) => FakeResponse | undefined) | undefined;
  /** Headers the system adds to every answer, faults included (e.g. rate-limit headers). */
  decorate: ((req: FakeRequest, response: FakeResponse) => Record<string, string>) | undefined;
  /** The answer for a path no route serves, in the system's own error shape. */
  unrouted: ((req: FakeRequest) => FakeResponse) | undefined;

  constructor(system: string) {
    this.system = system;
  }

  route(method: string, pattern: string, handler: FakeHandler): this {
    const { regex, names } = compile(pattern);
    this.routes.push({ method: method.toUpperCase(), pattern, regex, names, handler });
    return this;
  }

  /** Route patterns served, as "METHOD /pattern" (the contract suite checks each against the spec). */
  get operations(): string[] {
    return this.routes.map((r) => `${r.method} ${r.pattern}`);
  }

  /** Queues faults for the next requests matching "METHOD /pattern" (or "*" for any route). */
  injectFaults(operation: string, ...faults: Fault[]): void {
    const list = this.faults.get(operation) ?? [];
    list.push(...faults);
    this.faults.set(operation, list);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Turns random faults on (a profile) or off (undefined); each system seeds its own generator. */
  setFaultProfile(profile: FaultProfile | undefined): void {
    if (!profile || profile.rate <= 0) {
      this.chaos = undefined;
      return;
    }
    if (!(profile.rate < 1)) throw new Error(`A fault rate is below 1, not ${profile.rate}`);
    let salt = 0;
    for (const char of this.system) salt = (Math.imul(salt, 31) + char.charCodeAt(0)) >>> 0;
    this.chaos = { rate: profile.rate, random: seededRandom(profile.seed ^ salt), hangMs: profile.hangMs ?? 1_500 };
  }

  private randomFault(method: string): RandomFault | undefined {
    const chaos = this.chaos;
    if (!chaos || chaos.random() >= chaos.rate) return undefined;
    const pick = chaos.random();
    const applied = method !== 'GET' && chaos.random() < 0.5;
    if (pick < 0.4) return { kind: 'status', status: 429, applied: false };
    if (pick < 0.85) return { kind: 'status', status: [500, 502, 503][Math.floor(chaos.random() * 3)] ?? 503, applied };
    return { kind: 'drop', applied };
  }

  /** Adds latency to every request ("*") or to one operation. */
  setLatency(operation: string, ms: number): void {
    if (operation === '*') this.defaultLatencyMs = ms;
    else this.latency.set(operation, ms);
  }

  get requestCount(): number {
    return this.count;
  }

  resetCounters(): void {
    this.count = 0;
    this.log.length = 0;
  }

  /** Counts requests whose "METHOD /pattern" matches the predicate. */
  countWhere(predicate: (entry: LoggedRequest) => boolean): number {
    return this.log.filter(predicate).length;
  }

  private takeFault(operation: string): Fault | undefined {
    for (const key of [operation, '*']) {
      const list = this.faults.get(key);
      if (list && list.length > 0) return list.shift();
    }
    return undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    this.count++;

    let matched: RouteEntry | undefined;
    let params: Record<string, string> = {};
    for (const entry of this.routes) {
      if (entry.method !== method) continue;
      const m = entry.regex.exec(url.pathname);
      if (!m) continue;
      matched = entry;
      params = Object.fromEntries(entry.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
      break;
    }
    const operation = matched ? `${matched.method} ${matched.pattern}` : `${method} ${url.pathname}`;
    const fakeReq: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      params,
    };

    const delay = this.latency.get(operation) ?? this.defaultLatencyMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const fault = this.takeFault(operation);
    const random = fault ? undefined : this.randomFault(method);
    if (random) {
      this.randomFaults.set(
        random.kind === 'drop' ? 'drop' : String(random.status),
        (this.randomFaults.get(random.kind === 'drop' ? 'drop' : String(random.status)) ?? 0) + 1,
      );
      if (random.applied && matched && !this.guard?.(fakeReq))
        await Promise.resolve(matched.handler(fakeReq)).catch(() => undefined);
      if (random.kind === 'drop') {
        this.record(operation, matched?.pattern ?? url.pathname, fakeReq, 0, undefined);
        await new Promise((resolve) => setTimeout(resolve, this.chaos?.hangMs ?? 0));
        req.socket.destroy();
        return;
      }
      const status = random.status;
      const headers: Record<string, string> = {
        ...this.decorate?.(fakeReq, { status }),
        'content-type': 'application/json',
      };
      if (status === 429) headers['retry-after'] = '1';
      const body = { message: `Random fault ${status}` };
      this.record(operation, matched?.pattern ?? url.pathname, fakeReq, status, body);
      res.writeHead(status, headers);
      res.end(JSON.stringify(body));
      return;
    }
    let response: FakeResponse;
    if (fault?.kind === 'timeout') {
      // Hold the socket open without answering; the client's timeout ends it.
      this.record(operation, matched?.pattern ?? url.pathname, fakeReq, 0, undefined);
      req.socket.setTimeout(0);
      return;
    }
    if (fault?.kind === 'status') {
      response = {
        status: fault.status,
        body: fault.body ?? { message: `Injected fault ${fault.status}` },
        headers: fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
      };
    } else {
      const guarded = this.guard?.(fakeReq);
      if (guarded) response = guarded;
      else if (!matched)
        response = this.unrouted?.(fakeReq) ?? { status: 404, body: { message: `No route ${method} ${url.pathname}` } };
      else {
        try {
          response = await matched.handler(fakeReq);
        } catch (error) {
          response = { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
        }
      }
      if (fault?.kind === 'after')
        response = { status: fault.status, body: { message: `Injected fault ${fault.status} after the write` } };
    }

    this.record(operation, matched?.pattern ?? url.pathname, fakeReq, response.status, response.body);
    const headers: Record<string, string> = { ...this.decorate?.(fakeReq, response), ...response.headers };
    let payload: string | Buffer = '';
    if (response.rawBody !== undefined) payload = response.rawBody;
    else if (response.body !== undefined && response.status !== 204) {
      payload = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json';
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  private record(operation: string, route: string, req: FakeRequest, status: number, responseBody: unknown): void {
    if (this.log.length >= 20_000) this.log.shift();
    this.log.push({
      system: this.system,
      method: req.method,
      route,
      path: req.path,
      query: req.query.toString(),
      status,
      requestBody: req.body,
      contentType: req.headers['content-type'],
      responseBody,
    });
    void operation;
  }

  /** Listens on 127.0.0.1 (port 0 = any free port) and returns the base URL. */
  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    const { port: actual } = server.address() as AddressInfo;
    return `http://127.0.0.1:${actual}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, body, headers };
}

/** Parses a JSON request body; undefined when it is not JSON. */
export function jsonBody(req: FakeRequest): unknown {
  if (req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
