/**
 * Starts a fake Jira on a free loopback port and points the real client at it. Retries sleep
 * through `sleep`, which records each wait and advances the fake's clock instead of waiting, so
 * retry and rate-limit tests take milliseconds.
 */
import { createJiraFake, type JiraFake } from '../../sandbox/fakes/jira/jira-fake';
import { createFakeJiraTransport } from '../../sandbox/fakes/jira/fake-transport';
import { JiraWorld } from '../../sandbox/fakes/jira/world';
import { createJiraClient } from '../../src/jira/client';
import type { JiraClient } from '../../src/jira/types';
import type { RetryPolicy } from '../../src/http/transport';

export interface JiraHarness extends JiraFake {
  baseUrl: string;
  client: JiraClient;
  /** Milliseconds the client asked to sleep between attempts. */
  waits: number[];
  /** Moves the fake's clock on (bulk edit tasks work through issues as it moves). */
  advanceClock(ms: number): void;
  /** A client acting as a user (Forge `asUser()`), sharing the same fake. */
  clientAs(accountId: string): JiraClient;
  close(): Promise<void>;
}

export interface HarnessOptions {
  world?: JiraWorld;
  token?: string;
  retry?: Partial<RetryPolicy>;
  pageCaps?: { versions?: number; search?: number };
}

export async function startJira(options: HarnessOptions = {}): Promise<JiraHarness> {
  let clock = Date.parse('2026-03-02T10:00:00Z');
  const fakeOptions = {
    now: () => clock,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.pageCaps === undefined ? {} : { pageCaps: options.pageCaps }),
  };
  const fake = createJiraFake(options.world ?? new JiraWorld(), fakeOptions);
  const baseUrl = await fake.service.listen();
  const waits: number[] = [];
  const transportOptions = {
    retry: { baseDelayMs: 1, maxDelayMs: 4, timeoutMs: 2_000, ...options.retry },
    sleep: async (ms: number) => {
      waits.push(ms);
      clock += ms;
    },
  };
  const tokenOption = options.token === undefined ? {} : { token: options.token };
  return {
    ...fake,
    baseUrl,
    waits,
    advanceClock: (ms) => {
      clock += ms;
    },
    client: createJiraClient(createFakeJiraTransport(baseUrl, tokenOption), transportOptions),
    clientAs: (accountId) =>
      createJiraClient(createFakeJiraTransport(baseUrl, { ...tokenOption, asUser: accountId }), transportOptions),
    close: () => fake.service.close(),
  };
}

/** A world with project ABC (id 10000) and a few people, ready for most tests. */
export function aWorld(): JiraWorld {
  const world = new JiraWorld();
  world.addProject({ key: 'ABC', name: 'Alphabet' });
  world.addUser({ accountId: 'acc-po', displayName: 'Pat Owner', emailAddress: 'pat@example.com' });
  world.addUser({ accountId: 'acc-dev', displayName: 'Dee Veloper', emailAddress: null });
  return world;
}

export { rejection } from '../support/errors';
