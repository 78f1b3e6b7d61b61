/**
 * A fake Forge host for component tests. The `@forge/bridge` protocol itself (commands, arguments,
 * the FullContext shape) is sandbox/host/bridge-protocol.ts, shared with the sandbox's bridge shim;
 * this file is only the host: answers from the test, history in memory, theming and navigation
 * recorded. `@forge/bridge` reads the bridge when its modules load, so import this file before any
 * app module (harness.tsx does). State lives on globalThis so every test file gets the same live answers.
 */
import { createForgeBridge } from '../../../../sandbox/host/bridge-protocol';
import { RESOLVER_KEYS, type ErrorCode, type ResolverKey, type Result, type ResultOf } from '../../../../src/contract';

export type WirePayload = Record<string, unknown>;
type Answer<K extends ResolverKey> =
  Result<ResultOf<K>> | ((payload: WirePayload) => Result<ResultOf<K>> | Promise<Result<ResultOf<K>>>);
type Answers = { [K in ResolverKey]?: Answer<K> };

export interface FakeLocation {
  pathname: string;
  search: string;
  hash: string;
  state: unknown;
}

type Listener = (location: FakeLocation, action: string) => void;

/** In-memory history with the v4 surface the Forge host returns. */
export class FakeHistory {
  private entries: FakeLocation[];
  private index = 0;
  private readonly listeners = new Set<Listener>();
  action = 'POP';
  location: FakeLocation;

  constructor(pathname: string) {
    this.location = locationOf(pathname);
    this.entries = [this.location];
  }

  get length(): number {
    return this.entries.length;
  }

  get pathnames(): string[] {
    return this.entries.slice(0, this.index + 1).map((entry) => entry.pathname);
  }

  push(path: string): void {
    this.entries = [...this.entries.slice(0, this.index + 1), locationOf(path)];
    this.index += 1;
    this.change('PUSH');
  }

  replace(path: string): void {
    this.entries[this.index] = locationOf(path);
    this.change('REPLACE');
  }

  go(delta: number): void {
    this.index = Math.min(Math.max(this.index + delta, 0), this.entries.length - 1);
    this.change('POP');
  }

  goBack(): void {
    this.go(-1);
  }

  goForward(): void {
    this.go(1);
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  block(): () => void {
    return () => undefined;
  }

  createHref(location: { pathname?: string }): string {
    return location.pathname ?? '/';
  }

  private change(action: string): void {
    const current = this.entries[this.index];
    if (!current) return;
    this.location = current;
    this.action = action;
    for (const listener of [...this.listeners]) listener(current, action);
  }
}

function locationOf(path: string): FakeLocation {
  return { pathname: path, search: '', hash: '', state: undefined };
}

export interface FakeWorld {
  moduleKey: string;
  projectKey: string | null;
  /** Set for issue modules (jira:issueContext): the issue the panel is opened on. */
  issueKey?: string;
  accountId: string;
  siteUrl: string;
  answers: Answers;
  /** Answers that break the contract, to test how the page copes. */
  rawAnswers: Partial<Record<ResolverKey, unknown>>;
  invocations: { key: string; payload: WirePayload }[];
  history: FakeHistory;
  themeEnabled: number;
  navigations: unknown[];
}

declare global {
  var __bridge: { callBridge: (command: string, args?: unknown) => Promise<unknown> } | undefined;
  var __fakeForgeWorld: FakeWorld | undefined;
}

function freshWorld(): FakeWorld {
  return {
    moduleKey: 'release-gate',
    projectKey: 'OPS',
    accountId: 'acc-dev',
    siteUrl: 'https://acme.atlassian.net',
    answers: {},
    rawAnswers: {},
    invocations: [],
    history: new FakeHistory('/'),
    themeEnabled: 0,
    navigations: [],
  };
}

function world(): FakeWorld {
  globalThis.__fakeForgeWorld ??= freshWorld();
  return globalThis.__fakeForgeWorld;
}

function isResolverKey(key: unknown): key is ResolverKey {
  return RESOLVER_KEYS.some((known) => known === key);
}

globalThis.__bridge = createForgeBridge({
  name: 'The fake bridge',
  invoke(key, payload) {
    const current = world();
    if (!isResolverKey(key)) throw new Error(`Fake bridge: unknown resolver key ${String(key)}`);
    // A structured clone, as the real bridge serialises the payload across the iframe boundary.
    current.invocations.push({ key, payload: structuredClone(payload) });
    if (key in current.rawAnswers) return current.rawAnswers[key];
    const answer = current.answers[key];
    if (answer === undefined) throw new Error(`Fake bridge: no answer for "${key}" in this test`);
    return typeof answer === 'function' ? answer(payload) : structuredClone(answer);
  },
  context() {
    const current = world();
    return {
      accountId: current.accountId,
      moduleKey: current.moduleKey,
      siteUrl: current.siteUrl,
      cloudId: 'cloud-1',
      environmentId: 'env-1',
      localId: `ari:cloud:ecosystem::extension/app/env/static/${current.moduleKey}`,
      colorMode: 'light',
      project:
        current.issueKey || current.projectKey ? { id: '10000', key: current.projectKey, type: 'software' } : null,
      issue: current.issueKey ? { id: '10011', key: current.issueKey, type: 'Story' } : null,
    };
  },
  history: () => world().history,
  enableTheming() {
    world().themeEnabled += 1;
  },
  navigate(args) {
    world().navigations.push(args);
  },
});

/** The fake host of the current test. */
export const fake = {
  get world(): FakeWorld {
    return world();
  },
  /** Starts a test from scratch: project page of OPS at `/`, no answers. */
  reset(overrides: Partial<Omit<FakeWorld, 'history'>> & { path?: string } = {}): FakeWorld {
    const { path, ...rest } = overrides;
    globalThis.__fakeForgeWorld = { ...freshWorld(), ...rest, history: new FakeHistory(path ?? '/') };
    return globalThis.__fakeForgeWorld;
  },
  answer<K extends ResolverKey>(key: K, answer: Answer<K>): void {
    const answers: Answers = world().answers;
    Object.assign(answers, { [key]: answer });
  },
  rawAnswer(key: ResolverKey, value: unknown): void {
    world().rawAnswers[key] = value;
  },
  invocationsOf(key: ResolverKey): WirePayload[] {
    return world()
      .invocations.filter((invocation) => invocation.key === key)
      .map((invocation) => invocation.payload);
  },
};

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** An answer that never comes: to look at loading states. */
export function never(): Promise<never> {
  return new Promise(() => undefined);
}
