/**
 * The fake Kosli's own behaviour: what it refuses (as Kosli would) and how its world evolves.
 * Raw HTTP here, because the client never sends most of these bad requests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KosliWorldError } from '../../sandbox/fakes/kosli/world';
import {
  aCommit,
  APPROVAL_JIRA,
  ENVS,
  fingerprint,
  FLOWS,
  ORG,
  seedBuild,
  sha,
  startKosli,
  type StartedKosli,
  TOKEN,
} from './builders';

let kosli: StartedKosli;

beforeEach(async () => {
  kosli = await startKosli();
});

afterEach(async () => {
  await kosli.close();
});

async function call(
  method: string,
  path: string,
  options: { form?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  let body: FormData | undefined;
  if (options.form) {
    body = new FormData();
    for (const [name, value] of Object.entries(options.form)) body.append(name, value);
  }
  const headers: Record<string, string> =
    options.token === null ? {} : { authorization: `Bearer ${options.token ?? TOKEN}` };
  const response = await fetch(`${kosli.base}/api/v2${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const custom = (data: Record<string, unknown>) => ({
  data_json: JSON.stringify({ type_name: 'approval-jira', attestation_name: 'release-approval', ...data }),
});
const approver = (status: string) => ({
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  displayName: 'Grace',
  emailAddress: '',
  status,
});

describe('auth', () => {
  it('answers 401 without a token or with a wrong one, and 403 for another org', async () => {
    expect(await call('GET', `/environments/${ORG}/${ENVS.dev}`, { token: null })).toMatchObject({
      status: 401,
      body: { message: expect.any(String) },
    });
    expect((await call('GET', `/environments/${ORG}/${ENVS.dev}`, { token: 'nope' })).status).toBe(401);
    expect((await call('GET', `/environments/other/${ENVS.dev}`)).status).toBe(403);
    expect((await call('GET', `/environments/${ORG}/${ENVS.dev}`)).status).toBe(200);
  });
});

describe('custom attestations', () => {
  beforeEach(() => {
    kosli.world.beginTrail(FLOWS.release, '10001');
  });

  it('rejects a name outside ^[a-zA-Z0-9\\-_,]+$ and data that breaks the type schema, with Kosli error bodies', async () => {
    const path = `/attestations/${ORG}/${FLOWS.release}/trail/10001/custom`;
    expect(
      await call('POST', path, {
        form: custom({ attestation_name: 'release approval', attestation_data: { approvers: [approver('APPROVED')] } }),
      }),
    ).toEqual({
      status: 400,
      body: { message: "Invalid attestation name 'release approval': it must match ^[a-zA-Z0-9\\-_,]+$" },
    });
    expect(
      await call('POST', path, { form: custom({ attestation_data: { approvers: [approver('REJECTED')] } }) }),
    ).toEqual({
      status: 400,
      body: {
        message: "Attestation data does not match the schema of custom attestation type 'approval-jira'",
        errors: ['/approvers/0/status must be equal to one of the allowed values'],
      },
    });
    expect((await call('POST', path, { form: custom({ attestation_data: {}, unknown_field: 1 }) })).status).toBe(400);
    expect((await call('POST', path, { form: { other: '{}' } })).body).toEqual({
      message: 'Missing form field data_json',
    });
    expect(
      (await call('POST', path, { form: custom({ type_name: 'no-such-type', attestation_data: {} }) })).status,
    ).toBe(400);
    expect(kosli.world.trailAttestationsJson(FLOWS.release, '10001', 'release-approval')).toEqual([]);
  });

  it('evaluates the approval-jira jq rules: compliant only when every approver APPROVED', async () => {
    const path = `/attestations/${ORG}/${FLOWS.release}/trail/10001/custom`;
    expect(
      (
        await call('POST', path, {
          form: custom({ attestation_data: { approvers: [approver('APPROVED'), approver('PENDING')] } }),
        })
      ).status,
    ).toBe(201);
    expect(
      kosli.world.trailAttestationsJson(FLOWS.release, '10001', 'release-approval').map((a) => a.is_compliant),
    ).toEqual([false]);

    // attestation_data may also arrive as JSON text (the catalog types it as a JSON string).
    expect(
      (
        await call('POST', path, {
          form: custom({ attestation_data: JSON.stringify({ approvers: [approver('APPROVED')] }) }),
        })
      ).status,
    ).toBe(201);
    const records = kosli.world.trailAttestationsJson(FLOWS.release, '10001', 'release-approval');
    expect(records.map((a) => a.is_compliant)).toEqual([false, true]);
    expect(records[1]).toMatchObject({
      attestation_type: 'custom:approval-jira',
      attestation_data: { approvers: [approver('APPROVED')] },
    });
    expect(kosli.world.unevaluatedRules()).toEqual([]);
  });

  it('counts an unknown jq rule as satisfied and records it', async () => {
    kosli.world.upsertCustomType('approval-jira', {
      schema: APPROVAL_JIRA.schema,
      rules: [...APPROVAL_JIRA.jqRules, '.approvers | map(.emailAddress) | unique | length == 1'],
    });
    kosli.world.attest(FLOWS.release, '10001', {
      type: 'custom',
      attestation_name: 'release-approval',
      type_name: 'approval-jira',
      attestation_data: { approvers: [approver('APPROVED')] },
    });
    expect(kosli.world.unevaluatedRules()).toEqual([
      {
        flow: FLOWS.release,
        trail: '10001',
        attestation: 'release-approval',
        rules: ['.approvers | map(.emailAddress) | unique | length == 1'],
      },
    ]);
  });
});

describe('setup endpoints', () => {
  it('validates the custom type and flow template bodies', async () => {
    const type = (data: Record<string, unknown>, schema = '{"type":"object"}') => ({
      data_json: JSON.stringify(data),
      type_schema: schema,
    });
    expect((await call('POST', `/custom-attestation-types/${ORG}`, { form: type({ name: '-bad' }) })).status).toBe(400);
    expect(
      (await call('POST', `/custom-attestation-types/${ORG}`, { form: type({ name: 'ok' }, '{"type": 12}') })).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `/custom-attestation-types/${ORG}`, {
          form: type({ name: 'ok', evaluator: { content_type: 'jq', rules: ['.a > 1'] } }),
        })
      ).status,
    ).toBe(201);
    expect(kosli.world.customType('ok')).toMatchObject({ version: 1, rules: ['.a > 1'], schema: { type: 'object' } });

    const flow = (template: string) => ({
      data_json: JSON.stringify({ name: 'f', description: 'd' }),
      template_file: template,
    });
    expect(
      await call('PUT', `/flows/${ORG}/template_file`, {
        form: flow('version: 1\ntrail:\n  attestations:\n    - name: x\n      type: nonsense\n'),
      }),
    ).toEqual({
      status: 400,
      body: { message: "Invalid flow template: unknown attestation type 'nonsense'" },
    });
    expect((await call('PUT', `/flows/${ORG}/template_file`, { form: flow('version: 2\n') })).status).toBe(400);
    expect((await call('PUT', `/flows/${ORG}/template_file`, { form: flow('version: 1\n') })).status).toBe(201);
  });
});

describe('list_attestations_for_criteria', () => {
  it('requires 40-hex commits and answers one key per commit asked', async () => {
    expect((await call('GET', `/attestations/${ORG}/list_attestations_for_criteria?flow_name=x`)).status).toBe(400);
    expect(await call('GET', `/attestations/${ORG}/list_attestations_for_criteria?commit_list=abc`)).toMatchObject({
      status: 422,
      body: { errors: [expect.stringContaining("'abc'")] },
    });
    expect(
      await call(
        'GET',
        `/attestations/${ORG}/list_attestations_for_criteria?commit_list=${sha(1)}&commit_list=${sha(2)}`,
      ),
    ).toEqual({ status: 200, body: { [sha(1)]: [], [sha(2)]: [] } });
  });
});

describe('snapshots', () => {
  it('increments the index, marks the latest, annotates started/unchanged/exited and records deployment diffs', async () => {
    const { world } = kosli;
    const v1 = aCommit({ seed: 'v1', timestamp: 1_779_000_000 });
    const v2 = aCommit({ seed: 'v2', timestamp: 1_779_500_000 });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit: v1, fingerprint: fingerprint('v1') });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit: v2, fingerprint: fingerprint('v2') });

    const first = world.reportSnapshot(
      ENVS.staging,
      [{ name: 'backend', fingerprint: fingerprint('v1') }],
      1_780_000_000,
    );
    const second = world.reportSnapshot(
      ENVS.staging,
      [
        { name: 'backend', fingerprint: fingerprint('v2') },
        { name: 'backend', fingerprint: fingerprint('v2') },
      ],
      1_780_000_100,
    );

    expect(first).toMatchObject({ index: 1, is_latest: false, next_snapshot_timestamp: 1_780_000_100 });
    expect(second).toMatchObject({
      index: 2,
      is_latest: true,
      next_snapshot_timestamp: null,
      type: 'server',
      compliant: true,
      artifact_compliance_count: { true: 1, false: 0, null: 0 },
    });
    expect(second.artifacts.map((a) => [a.fingerprint, a.annotation])).toEqual([
      [fingerprint('v2'), { type: 'started-compliant', was: 0, now: 2 }],
      [fingerprint('v1'), { type: 'exited', was: 1, now: 0 }],
    ]);
    const running = second.artifacts[0];
    expect(running?.flows[0]?.deployment_diff).toEqual({
      diff_url: `https://github.com/acme/shop/compare/${v1.sha1}...${v2.sha1}`,
      previous_git_commit: v1.sha1,
      previous_fingerprint: fingerprint('v1'),
      previous_artifact_name: 'backend',
      previous_artifact_compliance_state: 'COMPLIANT',
      previous_running: false,
      previous_git_commit_url: v1.url,
      previous_trail_name: v1.sha1,
      previous_template_reference_name: 'backend',
    });
    expect(running?.commit_lead_time).toBe(1_780_000_100 - 1_779_500_000);
    expect((await call('GET', `/snapshots/${ORG}/${ENVS.staging}/1`)).body).toMatchObject({
      index: 1,
      is_latest: false,
    });
    expect((await call('GET', `/snapshots/${ORG}/${ENVS.staging}/~1`)).body).toMatchObject({ index: 1 });
    // As the CLI sends them (handleSnapshotExpressions in cmd/kosli/cli_utils.go): "#N" and "@{now}" path-escaped.
    expect((await call('GET', `/snapshots/${ORG}/${ENVS.staging}/%231`)).body).toMatchObject({ index: 1 });
    const secondAt = new Date(1_780_000_100 * 1000).toISOString().slice(0, 19);
    expect((await call('GET', `/snapshots/${ORG}/${ENVS.staging}/@%7B${secondAt}%7D`)).body).toMatchObject({
      index: 2,
      is_latest: true,
    });
    expect((await call('GET', `/snapshots/${ORG}/${ENVS.staging}/%2323`)).body).toEqual({
      message: `Org: '${ORG}'. Snapshot '${ENVS.staging}#23' resolves to '${ENVS.staging}#23'. len(snapshots) == 2. Indexes are 1-based`,
    });
  });

  it('decides prod compliance from the has-release-approval policy', () => {
    const { world } = kosli;
    const commit = aCommit({ seed: 'p' });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit, fingerprint: fingerprint('p') });
    const before = world.reportSnapshot(ENVS.prod, [{ name: 'backend', fingerprint: fingerprint('p') }]);
    expect(before.artifacts[0]).toMatchObject({ compliant: false, annotation: { type: 'started-non-compliant' } });
    expect(before.applied_policies.map((p) => [p.name, p.failing_artifacts])).toEqual([
      ['has-provenance', []],
      ['trail-compliant', []],
      ['has-release-approval', [fingerprint('p')]],
    ]);

    world.attest(FLOWS.backend, commit.sha1, {
      type: 'custom',
      attestation_name: 'release-approval',
      type_name: 'approval-jira',
      attestation_data: { approvers: [approver('APPROVED')] },
      artifact_fingerprint: fingerprint('p'),
    });
    const after = world.reportSnapshot(ENVS.prod, [{ name: 'backend', fingerprint: fingerprint('p') }]);
    expect(after).toMatchObject({
      compliant: true,
      artifacts: [{ compliant: true, annotation: { type: 'unchanged', was: 1, now: 1 } }],
    });
  });

  it('refuses seeds Kosli would refuse', () => {
    expect(() => kosli.world.reportSnapshot(ENVS.dev, [{ name: 'x', fingerprint: 'abc' }])).toThrow(KosliWorldError);
    expect(() => kosli.world.createEnvironment('e', { policies: ['no-such-policy'] })).toThrow(KosliWorldError);
    expect(() =>
      kosli.world.attest(FLOWS.backend, 'no-trail', { type: 'generic', attestation_name: 'x', is_compliant: true }),
    ).toThrow(`Trail with name 'no-trail' does not exist for Organization '${ORG}' and Flow '${FLOWS.backend}'`);
  });
});
