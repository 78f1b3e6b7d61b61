/**
 * Contract of the Kosli client and the fake Kosli against what Kosli publishes:
 *  (a) every request the client sends (logged by the fake) exists in the Kosli API catalog
 *      (method + path), carries only known query parameters with valid values plus the required
 *      ones, and its multipart `data_json` validates against the catalog's request-body schema;
 *  (b) every fake response parses with the client's zod schemas and has every key (with a
 *      compatible JSON type) that the REAL Kosli responses in the reference have;
 *  (c) the real responses themselves parse with the client's schemas and map sensibly.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RELEASE_TEMPLATE_YAML } from '../../src/release/attestations';
import type { LoggedRequest } from '../../sandbox/fakes/http-fake';
import {
  assertResponseSchema,
  attestationListSchema,
  environmentSchema,
  flowSchema,
  jiraByCommitSchema,
  pullRequestByCommitSchema,
  snapshotResponseSchema,
  trailSchema,
} from '../../src/kosli/schemas';
import {
  aCommit,
  APPROVAL_JIRA,
  aPullRequest,
  anOriginalSetup,
  buildTemplate,
  RUNNING_SW,
  SOURCE_TEMPLATE,
  aWorld,
  ENVS,
  fingerprint,
  FLOWS,
  seedBuild,
  seedSourceCommit,
  startKosli,
  type StartedKosli,
} from '../kosli/builders';

const REFERENCE = new URL('../../reference/kosli/', import.meta.url);
const readReference = (path: string): unknown => JSON.parse(readFileSync(new URL(path, REFERENCE), 'utf8'));

const parameterSchema = z.looseObject({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  description: z.string().optional(),
  schema: z.unknown(),
});
const catalogSchema = z.array(
  z.looseObject({
    id: z.string(),
    method: z.string(),
    path: z.string(),
    description: z.string().optional(),
    parameters: z.array(parameterSchema),
    requestBody: z
      .array(z.looseObject({ name: z.string(), description: z.string(), schema: z.record(z.string(), z.unknown()) }))
      .nullish(),
  }),
);
type Operation = z.infer<typeof catalogSchema>[number];

const catalog = catalogSchema.parse(readReference('kosli-api-catalog.json'));
const realSnapshot = readReference('examples/snapshot-response.json');
const realTrail = readReference('examples/trail-response.json');

const ajv = new Ajv2020({ strict: false, allErrors: true });

/**
 * The catalog types custom `attestation_data` as a string holding JSON (pydantic `Json`); the CLI
 * (attestCustom.go) and the catalog's own example send the decoded value, so such a node accepts
 * any JSON value here.
 */
function acceptDecodedJson(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(acceptDecodedJson);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, acceptDecodedJson(value)]));
  return node.type === 'string' && node.contentMediaType === 'application/json' ? {} : node;
}

/** ajv caches compiled schemas by object, so each catalog schema is rewritten once. */
const rewritten = new Map<unknown, unknown>();
function validate(schema: unknown, value: unknown): boolean {
  if (!rewritten.has(schema)) rewritten.set(schema, acceptDecodedJson(schema) ?? {});
  return ajv.validate(rewritten.get(schema) ?? {}, value);
}

function literalCount(path: string): number {
  return path.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length;
}

/** The catalog operation a logged request is an instance of (the most specific path wins). */
function operationFor(method: string, path: string): Operation | undefined {
  const relative = path.replace(/^\/api\/v2/, '');
  return catalog
    .filter((op) => op.method === method && new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(relative))
    .sort((a, b) => literalCount(b.path) - literalCount(a.path))[0];
}

/** Query parameters the catalog's prose makes required though its schema does not. */
const REQUIRED_BY_DESCRIPTION: Record<string, string[]> = { list_attestations_for_criteria: ['commit_list'] };

function allowsArray(schema: unknown): boolean {
  const parsed = z
    .looseObject({
      type: z.string().optional(),
      anyOf: z.array(z.looseObject({ type: z.string().optional() })).optional(),
    })
    .safeParse(schema);
  return parsed.success && (parsed.data.type === 'array' || (parsed.data.anyOf ?? []).some((s) => s.type === 'array'));
}

function queryProblems(op: Operation, query: URLSearchParams): string[] {
  const problems: string[] = [];
  const params = op.parameters.filter((p) => p.in === 'query');
  for (const name of new Set(query.keys())) {
    const param = params.find((p) => p.name === name);
    if (!param) {
      problems.push(`unknown query parameter '${name}'`);
      continue;
    }
    const values = query.getAll(name);
    const value = allowsArray(param.schema) ? values : values.length === 1 ? values[0] : values;
    if (!validate(param.schema, value)) problems.push(`query '${name}': ${ajv.errorsText()}`);
  }
  for (const name of [
    ...params.filter((p) => p.required).map((p) => p.name),
    ...(REQUIRED_BY_DESCRIPTION[op.id] ?? []),
  ]) {
    if (!query.has(name)) problems.push(`missing required query parameter '${name}'`);
  }
  return problems;
}

async function bodyProblems(op: Operation, entry: LoggedRequest): Promise<string[]> {
  const body = op.requestBody?.[0];
  if (!body) return entry.requestBody.length === 0 ? [] : ['a body was sent to an operation that takes none'];
  if (!body.description.includes('multipart/form-data')) return ['only multipart bodies are sent by this client'];
  if (!entry.contentType?.startsWith('multipart/form-data'))
    return [`expected multipart/form-data, sent ${entry.contentType ?? 'nothing'}`];
  const form = await new Request('http://contract.invalid/', {
    method: 'POST',
    headers: { 'content-type': entry.contentType },
    body: new Uint8Array(entry.requestBody),
  }).formData();
  const shape = z
    .looseObject({ properties: z.record(z.string(), z.unknown()), required: z.array(z.string()).default([]) })
    .parse(body.schema);
  const problems: string[] = [];
  for (const name of new Set(form.keys()))
    if (!(name in shape.properties)) problems.push(`unknown form field '${name}'`);
  for (const name of shape.required) if (!form.has(name)) problems.push(`missing form field '${name}'`);
  const dataJson = form.get('data_json');
  if (typeof dataJson !== 'string') return [...problems, 'data_json must be a text field'];
  if (!validate(shape.properties.data_json, JSON.parse(dataJson))) problems.push(`data_json: ${ajv.errorsText()}`);
  return problems;
}

/** The client's schema for a successful response of this operation (by the query where it varies). */
function responseSchemaFor(op: Operation, entry: LoggedRequest): z.ZodType | undefined {
  const type = new URLSearchParams(entry.query).get('attestation_type');
  switch (op.id) {
    case 'get_snapshot':
      return snapshotResponseSchema;
    case 'get_trail':
      return trailSchema;
    case 'get_trail_attestation':
      return attestationListSchema;
    case 'list_attestations_for_criteria':
      return type === 'pull_request' ? pullRequestByCommitSchema : jiraByCommitSchema;
    case 'assert_artifact':
      return assertResponseSchema;
    case 'get_environment':
      return environmentSchema;
    case 'get_flow':
      return flowSchema;
    default:
      // Writes answer a JSON string ("Creation Success. The response is of type string.").
      return z.string();
  }
}

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'boolean' || type === 'number' || type === 'string' ? type : 'object';
}

const record = z.record(z.string(), z.unknown());
const records = (value: unknown): Record<string, unknown>[] => z.array(record).parse(value);

/**
 * Keys every real sample has that a fake sample lacks, and keys whose fake JSON type the real
 * samples never show (null in either is allowed: Kosli returns null for absent values).
 */
function shapeProblems(
  where: string,
  real: readonly Record<string, unknown>[],
  fake: readonly Record<string, unknown>[],
  ignore: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const realTypes = new Map<string, Set<JsonType>>();
  for (const sample of real)
    for (const [key, value] of Object.entries(sample))
      realTypes.set(key, (realTypes.get(key) ?? new Set()).add(jsonType(value)));
  const everywhere = [...realTypes.keys()].filter(
    (key) => real.every((sample) => key in sample) && !ignore.includes(key),
  );
  for (const [i, sample] of fake.entries()) {
    for (const key of everywhere) {
      if (!(key in sample)) {
        problems.push(`${where}[${i}] lacks '${key}'`);
        continue;
      }
      const types = realTypes.get(key) ?? new Set<JsonType>();
      const type = jsonType(sample[key]);
      if (type !== 'null' && !types.has(type) && !(types.size === 1 && types.has('null')))
        problems.push(`${where}[${i}].${key} is ${type}, real Kosli: ${[...types].join('|')}`);
    }
  }
  return problems;
}

function snapshotShapeProblems(fakeSnapshot: unknown): string[] {
  const real = record.parse(realSnapshot);
  const fake = record.parse(fakeSnapshot);
  const realArtifacts = records(real.artifacts);
  const fakeArtifacts = records(fake.artifacts);
  const flows = (artifacts: Record<string, unknown>[]) => artifacts.flatMap((a) => records(a.flows));
  const nonNull = (items: Record<string, unknown>[], key: string) =>
    items
      .map((i) => i[key])
      .filter((v) => v !== null && v !== undefined)
      .map((v) => record.parse(v));
  const decisions = (artifacts: Record<string, unknown>[]) => artifacts.flatMap((a) => records(a.policy_decisions));
  const rules = (artifacts: Record<string, unknown>[]) =>
    decisions(artifacts).flatMap((d) => records(d.rule_evaluations));
  const resolutions = (artifacts: Record<string, unknown>[]) => rules(artifacts).flatMap((r) => records(r.resolutions));
  const policies = (snapshot: Record<string, unknown>) => records(snapshot.applied_policies);
  return [
    ...shapeProblems('snapshot', [real], [fake]),
    // ecs_context only exists for ECS environments (the real example is one).
    ...shapeProblems('artifacts', realArtifacts, fakeArtifacts, ['ecs_context']),
    ...shapeProblems('annotation', nonNull(realArtifacts, 'annotation'), nonNull(fakeArtifacts, 'annotation')),
    ...shapeProblems(
      'artifact.deployment_diff',
      nonNull(realArtifacts, 'deployment_diff'),
      nonNull(fakeArtifacts, 'deployment_diff'),
    ),
    ...shapeProblems('flows', flows(realArtifacts), flows(fakeArtifacts)),
    ...shapeProblems(
      'flows.git_commit_info',
      nonNull(flows(realArtifacts), 'git_commit_info'),
      nonNull(flows(fakeArtifacts), 'git_commit_info'),
    ),
    ...shapeProblems(
      'flows.deployment_diff',
      nonNull(flows(realArtifacts), 'deployment_diff'),
      nonNull(flows(fakeArtifacts), 'deployment_diff'),
    ),
    ...shapeProblems('policy_decisions', decisions(realArtifacts), decisions(fakeArtifacts)),
    ...shapeProblems('rule_evaluations', rules(realArtifacts), rules(fakeArtifacts)),
    ...shapeProblems('resolutions', resolutions(realArtifacts), resolutions(fakeArtifacts)),
    ...shapeProblems('applied_policies', policies(real), policies(fake)),
  ];
}

function trailShapeProblems(fakeTrail: unknown): string[] {
  const real = record.parse(realTrail);
  const fake = record.parse(fakeTrail);
  const part = (trail: Record<string, unknown>, key: string) => [record.parse(trail[key])];
  const status = (trail: Record<string, unknown>) => record.parse(trail.compliance_status);
  const artifactStatuses = (trail: Record<string, unknown>) =>
    Object.values(record.parse(status(trail).artifacts_statuses)).map((v) => record.parse(v));
  const attestationStatuses = (trail: Record<string, unknown>) => [
    ...records(status(trail).attestations_statuses),
    ...artifactStatuses(trail).flatMap((a) => records(a.attestations_statuses)),
  ];
  const events = (trail: Record<string, unknown>, type: string) => records(trail.events).filter((e) => e.type === type);
  const sharedEventTypes = [...new Set(records(fake.events).map((e) => e.type))].filter(
    (type): type is string => typeof type === 'string' && events(real, type).length > 0,
  );
  return [
    ...shapeProblems('trail', [real], [fake]),
    ...shapeProblems('compliance_status', [status(real)], [status(fake)]),
    ...shapeProblems('attestations_statuses', attestationStatuses(real), attestationStatuses(fake)),
    ...shapeProblems('artifacts_statuses', artifactStatuses(real), artifactStatuses(fake)),
    ...shapeProblems('template', part(real, 'template'), part(fake, 'template')),
    ...shapeProblems('flow', part(real, 'flow'), part(fake, 'flow')),
    // Events keep the real keys, except the repo and user records the fake does not model.
    ...sharedEventTypes.flatMap((type) =>
      shapeProblems(`events(${type})`, events(real, type), events(fake, type), ['setting_user_id', 'repo_info']),
    ),
  ];
}

describe('the real Kosli responses', () => {
  it('parse with the client schemas', () => {
    const snapshot = snapshotResponseSchema.parse(realSnapshot);
    expect(snapshot.kind).toBe('reported');
    const trail = trailSchema.parse(realTrail);
    expect(trail.compliance_state).toBe('COMPLIANT');
  });

  it('map through the client: flows picked by name, exited artifacts skipped', async () => {
    const world = aWorld({ org: 'cyber-dojo' });
    world.createEnvironment('aws-prod');
    world.createFlow('differ-ci');
    const trailName = '30dffd09c3f896a322c65029247abcea3019c43a';
    world.beginTrail('differ-ci', trailName);
    world.attest('differ-ci', trailName, {
      type: 'pull_request',
      attestation_name: 'pull-request',
      pull_requests: [
        aPullRequest({ url: 'https://github.com/cyber-dojo/differ/pull/373', author: 'JonJagger', approvers: [] }),
      ],
    });
    const kosli = await startKosli(world);
    try {
      kosli.fake.service.injectFaults('GET /api/v2/snapshots/{org}/{env}/{expression}', {
        kind: 'status',
        status: 200,
        body: realSnapshot,
      });
      // Image names look like "<registry>/web:1999d13@sha256:…"; each app's build flow is "<app>-ci".
      const snapshot = await kosli.client.latestSnapshot(
        'aws-prod',
        (name) => `${/\/([a-z-]+):/.exec(name)?.[1] ?? ''}-ci`,
      );
      expect(snapshot.index).toBe(4357);
      expect(snapshot.artifacts).toHaveLength(10);
      for (const artifact of snapshot.artifacts) {
        expect(artifact.flow).toMatch(/-ci$/);
        expect(artifact.trail).toBe(artifact.commit);
        expect(artifact.commitTimestamp).toEqual(expect.any(Number));
      }

      kosli.fake.service.injectFaults('GET /api/v2/trails/{org}/{flow}/{trail}', {
        kind: 'status',
        status: 200,
        body: realTrail,
      });
      const provenance = await kosli.client.provenance('differ-ci', trailName);
      expect(provenance).toMatchObject({
        compliance: 'COMPLIANT',
        failing: [],
        buildUrl: 'https://github.com/cyber-dojo/differ/actions/runs/24818543745',
        pullRequests: [{ url: 'https://github.com/cyber-dojo/differ/pull/373', author: 'JonJagger', approvers: [] }],
      });
    } finally {
      await kosli.close();
    }
  });
});

describe('the Kosli client and the fake Kosli against the published API', () => {
  let kosli: StartedKosli;
  const covered = new Set<string>();

  beforeAll(async () => {
    kosli = await startKosli(anOriginalSetup());
    const { world, client } = kosli;
    await client.upsertCustomAttestationType(APPROVAL_JIRA);
    await client.upsertCustomAttestationType(RUNNING_SW);
    await client.upsertFlow({ name: FLOWS.source, description: 'Source', templateYaml: SOURCE_TEMPLATE });
    await client.upsertFlow({
      name: FLOWS.backend,
      description: 'Backend builds',
      templateYaml: buildTemplate('backend'),
    });
    await client.upsertFlow({ name: FLOWS.release, description: 'Releases', templateYaml: RELEASE_TEMPLATE_YAML });
    await client.flowExists(FLOWS.release);
    await client.flowExists('no-such-flow');
    await client.environmentExists(ENVS.prod);
    await client.environmentExists('no-such-env');

    // CI history: two backend builds (the second also promoted through another flow), source commits.
    world.createFlow('promotion');
    const v1 = aCommit({ seed: 'c1', timestamp: 1_779_000_000 });
    const v2 = aCommit({ seed: 'c2', timestamp: 1_779_100_000 });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit: v1, fingerprint: fingerprint('c1') });
    seedBuild(world, {
      flow: FLOWS.backend,
      app: 'backend',
      commit: v2,
      fingerprint: fingerprint('c2'),
      evidence: { keys: [{ key: 'OPS-2', exists: false }] },
    });
    world.beginTrail('promotion', 'promote-1', { gitCommitInfo: aCommit({ seed: 'promotion' }) });
    world.attest('promotion', 'promote-1', { type: 'artifact', name: 'backend', fingerprint: fingerprint('c2') });
    const commits = Array.from({ length: 120 }, (_, i) => aCommit({ seed: `s${i}` }));
    for (const commit of commits.slice(0, 5))
      seedSourceCommit(world, commit, { keys: [{ key: 'OPS-1', exists: true }] });
    world.reportSnapshot(ENVS.staging, [{ name: 'backend', fingerprint: fingerprint('c1') }]);
    world.reportSnapshot(ENVS.staging, [
      { name: 'backend', fingerprint: fingerprint('c2') },
      { name: 'unknown-sw', fingerprint: fingerprint('x') },
    ]);

    await client.latestSnapshot(ENVS.staging, (name) => (name === 'backend' ? FLOWS.backend : undefined));
    await client.latestSnapshot(ENVS.prod, () => undefined);
    await client.provenance(FLOWS.backend, v2.sha1);
    await client.jiraEvidence(
      FLOWS.source,
      commits.map((c) => c.sha1),
    );
    await client.pullRequestEvidence(
      FLOWS.source,
      commits.slice(0, 10).map((c) => c.sha1),
    );
    await client.beginTrail(FLOWS.release, '10001', {
      description: 'Release 1',
      externalUrls: { JiraRelease: 'https://acme.atlassian.net/projects/OPS/versions/10001' },
    });
    const approval = {
      approvers: [
        { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Grace', emailAddress: '', status: 'APPROVED' },
      ],
    };
    await client.attestCustom({
      flow: FLOWS.release,
      trail: '10001',
      name: 'release-approval',
      typeName: 'approval-jira',
      data: approval,
      annotations: { Approver: 'Grace' },
      userData: { contentHash: 'h' },
      externalUrls: { JiraRelease: 'https://acme.atlassian.net/projects/OPS/versions/10001' },
    });
    await client.attestCustom({
      flow: FLOWS.backend,
      trail: v2.sha1,
      name: 'release-approval',
      typeName: 'approval-jira',
      data: approval,
      fingerprint: fingerprint('c2'),
    });
    await client.attestCustom({
      flow: FLOWS.release,
      trail: '10001',
      name: 'staging-software',
      typeName: 'running-sw',
      data: [
        {
          name: 'backend',
          fingerprint: fingerprint('c2'),
          flow_name: FLOWS.backend,
          git_commit: v2.sha1,
          template_reference_name: 'backend',
        },
      ],
    });
    await client.trailAttestations(FLOWS.release, '10001', 'release-approval');
    await client.provenance(FLOWS.release, '10001');
    await client.assertArtifact(fingerprint('c1'), ENVS.prod);
    await client.assertArtifact(fingerprint('c2'), ENVS.prod);
    world.reportSnapshot(ENVS.prod, [
      { name: 'backend', fingerprint: fingerprint('c2') },
      { name: 'backend', fingerprint: fingerprint('c1') },
    ]);
    await client.latestSnapshot(ENVS.prod, () => FLOWS.backend);
  });

  afterAll(async () => {
    // A line in the test output saying how much of the Kosli API the suite pins down.
    console.info(
      `Kosli contract: ${covered.size} catalog operations exercised by the client and checked: ${[...covered].sort().join(', ')}`,
    );
    await kosli.close();
  });

  it('serves only operations that exist in the catalog', () => {
    const unknown = kosli.fake.service.operations.filter((operation) => {
      const [method = '', pattern = ''] = operation.split(' ');
      return operationFor(method, pattern) === undefined;
    });
    expect(unknown).toEqual([]);
  });

  it('sends requests that match the catalog: path, query parameters and data_json', async () => {
    const problems: string[] = [];
    for (const entry of kosli.fake.service.log) {
      const op = operationFor(entry.method, entry.path);
      if (!op) {
        problems.push(`${entry.method} ${entry.path}: not in the catalog`);
        continue;
      }
      covered.add(op.id);
      for (const problem of [
        ...queryProblems(op, new URLSearchParams(entry.query)),
        ...(await bodyProblems(op, entry)),
      ])
        problems.push(`${entry.method} ${entry.path}: ${problem}`);
    }
    expect(problems).toEqual([]);
    expect(covered.size).toBe(11);
  });

  it('gets responses that parse with the client schemas, and errors with a message', () => {
    const problems: string[] = [];
    for (const entry of kosli.fake.service.log) {
      const op = operationFor(entry.method, entry.path);
      if (!op) continue;
      const ok = entry.status >= 200 && entry.status < 300;
      const schema = ok ? responseSchemaFor(op, entry) : z.looseObject({ message: z.string().min(1) });
      const result = schema?.safeParse(entry.responseBody);
      if (result && !result.success)
        problems.push(`${entry.method} ${entry.path} (${entry.status}): ${result.error.message}`);
    }
    expect(problems).toEqual([]);
    expect(kosli.fake.service.log.filter((e) => e.status === 404)).toHaveLength(2);
  });

  it('answers snapshots and trails with every key and type the real Kosli responses have', () => {
    const latest = (route: string) => kosli.fake.service.log.filter((e) => e.route.endsWith(route) && e.status === 200);
    const snapshots = latest('/snapshots/{org}/{env}/{expression}')
      .map((e) => e.responseBody)
      .filter((body) => record.safeParse(body).success && 'index' in record.parse(body));
    const trails = latest('/trails/{org}/{flow}/{trail}').map((e) => e.responseBody);
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(trails.length).toBeGreaterThanOrEqual(2);
    expect(snapshots.flatMap(snapshotShapeProblems)).toEqual([]);
    expect(trails.flatMap(trailShapeProblems)).toEqual([]);
  });
});
