/**
 * Builders for the Kosli tests: a seeded fake world shaped like the original process (source,
 * build and release flows; approval-jira and running-sw types; dev/staging/prod with their
 * policies), commits and builds with overrides, and a started fake with a client pointed at it.
 */
import { createHash } from 'node:crypto';
import { createKosliFake, type KosliFake } from '../../sandbox/fakes/kosli/kosli-fake';
import { type GitCommitInput, KosliWorld, type PullRequestInput } from '../../sandbox/fakes/kosli/world';
import { defineOriginalPolicies } from '../../sandbox/world/original-policies';
import type { Sleep, TransportOptions } from '../../src/http/transport';
import { createKosliClient } from '../../src/kosli/client';
import {
  APPROVAL_JIRA_RULES,
  APPROVAL_JIRA_SCHEMA,
  RELEASE_TEMPLATE_YAML,
  RUNNING_SW_SCHEMA,
} from '../../src/release/attestations';
import type { KosliClient } from '../../src/kosli/types';

export const ORG = 'acme';
/** A token distinctive enough to search for in error messages. */
export const TOKEN = 'kosli-test-token-7f3a9c2e51';
export const FLOWS = {
  source: 'shop-source',
  backend: 'shop-backend',
  frontend: 'shop-frontend',
  release: 'shop-release',
} as const;
export const ENVS = { dev: 'shop-dev', staging: 'shop-staging', prod: 'shop-prod' } as const;

/** A deterministic 40-hex commit sha. */
export function sha(seed: string | number): string {
  return createHash('sha1').update(`commit:${seed}`).digest('hex');
}

/** A deterministic 64-hex artifact fingerprint. */
export function fingerprint(seed: string | number): string {
  return createHash('sha256').update(`artifact:${seed}`).digest('hex');
}

/** The original process's source-flow template (kosli-flow-templates/source-template.yml). */
export const SOURCE_TEMPLATE = `version: 1
trail:
  attestations:
    - name: work-reference
      type: jira
    - name: pull-request
      type: pull_request
`;

/** A build flow's template: the source attestations plus the app's artifact (backend-template.yml). */
export function buildTemplate(templateName: string): string {
  return `${SOURCE_TEMPLATE}  artifacts:
    - name: ${templateName}
`;
}

export const APPROVAL_JIRA = {
  name: 'approval-jira',
  description: 'Approval from Jira',
  schema: APPROVAL_JIRA_SCHEMA,
  jqRules: APPROVAL_JIRA_RULES,
};
export const RUNNING_SW = {
  name: 'running-sw',
  description: 'List of running software in an environment',
  schema: RUNNING_SW_SCHEMA,
  jqRules: [],
};

/** A world on a clock that ticks one second per reading, so "latest" is always well defined. */
export function aWorld(overrides: { org?: string; token?: string; start?: number } = {}): KosliWorld {
  let time = overrides.start ?? 1_780_000_000;
  return new KosliWorld({ org: overrides.org ?? ORG, token: overrides.token ?? TOKEN, now: () => time++ });
}

/** The original process's Kosli setup (its setup-kosli workflow), under this test's names. */
export function anOriginalSetup(world: KosliWorld = aWorld()): KosliWorld {
  world.createFlow(FLOWS.source, SOURCE_TEMPLATE);
  world.createFlow(FLOWS.backend, buildTemplate('backend'), { tags: { kind: 'build' } });
  world.createFlow(FLOWS.frontend, buildTemplate('frontend'), { tags: { kind: 'build' } });
  world.createFlow(FLOWS.release, RELEASE_TEMPLATE_YAML);
  for (const type of [APPROVAL_JIRA, RUNNING_SW]) {
    world.upsertCustomType(type.name, { description: type.description, schema: type.schema, rules: type.jqRules });
  }
  defineOriginalPolicies(world);
  world.createEnvironment(ENVS.dev, { policies: ['has-provenance', 'trail-compliant'] });
  world.createEnvironment(ENVS.staging, { policies: ['has-provenance', 'trail-compliant'] });
  world.createEnvironment(ENVS.prod, { policies: ['has-provenance', 'trail-compliant', 'has-release-approval'] });
  return world;
}

export function aCommit(overrides: Partial<GitCommitInput> & { seed?: string | number } = {}): GitCommitInput {
  const sha1 = overrides.sha1 ?? sha(overrides.seed ?? 'default');
  return {
    sha1,
    message: overrides.message ?? `OPS-1 change ${sha1.slice(0, 7)}`,
    author: overrides.author ?? 'Ada Lovelace <ada@example.com>',
    branch: overrides.branch ?? 'main',
    timestamp: overrides.timestamp ?? 1_779_990_000,
    url: overrides.url ?? `https://github.com/acme/shop/commit/${sha1}`,
  };
}

export function aPullRequest(overrides: Partial<PullRequestInput> = {}): PullRequestInput {
  return {
    url: 'https://github.com/acme/shop/pull/1',
    state: 'MERGED',
    author: 'ada',
    title: 'A change',
    approvers: [{ username: 'grace', state: 'APPROVED', timestamp: 1_779_990_100 }],
    ...overrides,
  };
}

export interface CommitEvidence {
  keys?: { key: string; exists: boolean }[];
  pullRequests?: PullRequestInput[];
}

/** A source-flow trail for the commit with its jira and pull_request attestations, as its per-commit CI makes them. */
export function seedSourceCommit(
  world: KosliWorld,
  commit: GitCommitInput,
  evidence: CommitEvidence = {},
  flow: string = FLOWS.source,
): void {
  world.beginTrail(flow, commit.sha1, {
    gitCommitInfo: commit,
    originUrl: `https://github.com/acme/shop/actions/runs/${parseInt(commit.sha1.slice(0, 6), 16)}`,
  });
  world.attest(flow, commit.sha1, {
    type: 'jira',
    attestation_name: 'work-reference',
    jira_results: (evidence.keys ?? [{ key: 'OPS-1', exists: true }]).map(({ key, exists }) => ({
      issue_id: key,
      issue_exists: exists,
      issue_url: `https://acme.atlassian.net/browse/${key}`,
    })),
  });
  world.attest(flow, commit.sha1, {
    type: 'pull_request',
    attestation_name: 'pull-request',
    pull_requests: evidence.pullRequests ?? [aPullRequest()],
  });
}

/** A build: the commit's trail in the app's build flow with its evidence and the artifact. */
export function seedBuild(
  world: KosliWorld,
  options: { flow: string; app: string; commit: GitCommitInput; fingerprint: string; evidence?: CommitEvidence },
): void {
  seedSourceCommit(world, options.commit, options.evidence, options.flow);
  world.attest(options.flow, options.commit.sha1, {
    type: 'artifact',
    name: options.app,
    fingerprint: options.fingerprint,
    build_url: `https://github.com/acme/shop/actions/runs/1`,
  });
}

/** Records the `sleep` calls of the transport instead of sleeping. */
export function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export interface StartedKosli {
  fake: KosliFake;
  world: KosliWorld;
  base: string;
  client: KosliClient;
  waits: number[];
  /** A client with other credentials or transport options against the same fake. */
  clientWith(overrides: {
    token?: string;
    host?: string;
    org?: string;
    retry?: TransportOptions['retry'];
  }): KosliClient;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port with a client using fast retries and a recording sleep. */
export async function startKosli(world: KosliWorld = anOriginalSetup()): Promise<StartedKosli> {
  const fake = createKosliFake(world);
  const base = await fake.service.listen();
  const { sleep, waits } = recordingSleep();
  const retry = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000 };
  const clientWith: StartedKosli['clientWith'] = (overrides) =>
    createKosliClient(
      { host: overrides.host ?? base, org: overrides.org ?? world.org, token: overrides.token ?? TOKEN },
      (url, init) => fetch(url, init),
      { retry: { ...retry, ...overrides.retry }, sleep },
    );
  return { fake, world, base, waits, client: clientWith({}), clientWith, close: () => fake.service.close() };
}
