/**
 * The fake Kosli driven by requests shaped byte for byte as the Kosli CLI (kosli-dev/cli, v2.38)
 * sends them, and judged by what the CLI's own tests expect back:
 *
 * - internal/requests/requests.go: `Content-Type: application/json; charset=utf-8` (replaced by
 *   the multipart type when there is a form), `User-Agent: Kosli/<version>`, `Authorization:
 *   Bearer <token>` or Basic with the token as password (`Password: global.ApiToken`); a form is
 *   Go's mime/multipart with a `data_json` field of `json.MarshalIndent(payload, "", "    ")`
 *   and files as `CreateFormFile` parts; on a non-2xx the CLI prints the body's `message` (and
 *   `errors`), which is what the goldens below compare.
 * - Payload field order is the Go struct order: TrailPayload (cmd/kosli/beginTrail.go),
 *   FlowPayload (cmd/kosli/createFlow.go), CommonAttestationPayload (cmd/kosli/attestation.go),
 *   CustomAttestationPayload (attestCustom.go), GenericAttestationPayload (attestGeneric.go),
 *   CreateAttestationTypePayload (createAttestationType.go, plus `summary` from v2.38).
 * - Snapshot expressions as `handleSnapshotExpressions` (cmd/kosli/cli_utils.go) escapes them;
 *   assert queries as cmd/kosli/assertArtifact.go builds them (url.Values.Encode sorts the keys).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKosliFake, type KosliFake } from '../../sandbox/fakes/kosli/kosli-fake';
import { APPROVAL_JIRA_SCHEMA } from '../../src/release/attestations';
import { aCommit, anOriginalSetup, ENVS, fingerprint, FLOWS, ORG, seedBuild, TOKEN } from '../kosli/builders';

const CLI_VERSION = 'v2.38.0';

type FormItem = { field: string; content: unknown } | { file: string; filename: string; content: string };

/** Go's json.MarshalIndent(v, "", "    "), which also escapes <, > and & (HTML-safe by default). */
function goJson(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** A body as Go's mime/multipart.Writer writes it: CreateFormField, CreateFormFile, Close. */
function multipart(items: FormItem[]): { body: Buffer; contentType: string } {
  const boundary = randomBytes(30).toString('hex');
  const parts = items.map((item, index) => {
    const open = `${index === 0 ? '' : '\r\n'}--${boundary}\r\n`;
    if ('field' in item)
      return `${open}Content-Disposition: form-data; name="${item.field}"\r\n\r\n${goJson(item.content)}`;
    return `${open}Content-Disposition: form-data; name="${item.file}"; filename="${item.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${item.content}`;
  });
  return {
    body: Buffer.from(`${parts.join('')}\r\n--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

interface CliAnswer {
  status: number;
  body: unknown;
  /** What the CLI prints for a non-2xx answer (requests.go), or undefined on success. */
  error: string | undefined;
}

let kosli: KosliFake;
let base: string;

/** One request as the CLI's `kosliClient.Do` sends it. */
async function cli(
  method: string,
  path: string,
  options: { form?: FormItem[]; basic?: boolean } = {},
): Promise<CliAnswer> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': `Kosli/${CLI_VERSION}`,
  };
  let body: Buffer | undefined;
  if (options.form) {
    const built = multipart(options.form);
    body = built.body;
    headers['Content-Type'] = built.contentType;
  }
  headers['Authorization'] = options.basic ? `Basic ${Buffer.from(`:${TOKEN}`).toString('base64')}` : `Bearer ${TOKEN}`;
  const response = await fetch(`${base}/api/v2/${path}`, {
    method,
    headers,
    ...(body ? { body: new Uint8Array(body) } : {}),
  });
  const parsed: unknown = JSON.parse(await response.text());
  let error: string | undefined;
  if (response.status !== 200 && response.status !== 201) {
    const record =
      typeof parsed === 'object' && parsed !== null ? new Map(Object.entries(parsed)) : new Map<string, unknown>();
    const message = record.get('message');
    error =
      typeof parsed === 'string'
        ? parsed
        : typeof message === 'string'
          ? message.split('You have requested')[0]
          : JSON.stringify(parsed);
  }
  return { status: response.status, body: parsed, error };
}

const BACKEND = aCommit({ seed: 'cli-backend' });
const BUILT = fingerprint('cli-backend');
const TRAIL_TEMPLATE = `version: 1
trail:
  artifacts:
    - name: backend
      attestations:
        - name: release-approval
          type: custom:approval-jira
        - name: unit-tests
          type: generic
`;
const approval = {
  approvers: [{ accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Grace', emailAddress: '', status: 'APPROVED' }],
};

beforeAll(async () => {
  kosli = createKosliFake(anOriginalSetup());
  base = await kosli.service.listen();
});

afterAll(async () => kosli.service.close());

describe('the Kosli CLI against the fake Kosli', () => {
  it('kosli create flow: 201 "created", then 200 "updated" for the same flow', async () => {
    const form = (name: string): FormItem[] => [
      { field: 'data_json', content: { name, description: 'built by CI', visibility: 'private' } },
      { file: 'template_file', filename: 'template.yml', content: 'version: 1\n' },
    ];
    expect((await cli('PUT', `flows/${ORG}/template_file`, { form: form('cli-flow') })).status).toBe(201);
    expect((await cli('PUT', `flows/${ORG}/template_file`, { form: form('cli-flow') })).status).toBe(200);
    expect((await cli('GET', `flows/${ORG}/nope`)).error).toBe(
      `Flow named 'nope' does not exist for organization '${ORG}'`,
    );
  });

  it('kosli begin trail --template-file: the trail follows its own template', async () => {
    const payload = { name: BACKEND.sha1, description: 'backend build', git_commit_info: BACKEND };
    const form: FormItem[] = [
      { field: 'data_json', content: payload },
      { file: 'template_file', filename: 'trail.yml', content: TRAIL_TEMPLATE },
    ];
    expect((await cli('PUT', `trails/${ORG}/${FLOWS.backend}`, { form })).status).toBe(201);
    expect((await cli('PUT', `trails/${ORG}/${FLOWS.backend}`, { form })).status).toBe(200);
    const trail = await cli('GET', `trails/${ORG}/${FLOWS.backend}/${BACKEND.sha1}`);
    expect(trail.body).toMatchObject({
      compliance_status: {
        artifacts_statuses: {
          backend: {
            status: 'MISSING',
            attestations_statuses: [{ attestation_name: 'release-approval' }, { attestation_name: 'unit-tests' }],
          },
        },
      },
    });
    expect((await cli('GET', `trails/${ORG}/${FLOWS.backend}/nope`)).error).toBe(
      `Trail with name 'nope' does not exist for Organization '${ORG}' and Flow '${FLOWS.backend}'`,
    );
  });

  it('kosli attest custom --name backend.release-approval: bound to the artifact once it is reported', async () => {
    // CommonAttestationPayload order, then type_name and attestation_data.
    const payload = {
      git_commit_info: BACKEND,
      attestation_name: 'release-approval',
      target_artifacts: ['backend'],
      annotations: { Approver: 'Grace' },
      type_name: 'approval-jira',
      attestation_data: approval,
    };
    const answer = await cli('POST', `attestations/${ORG}/${FLOWS.backend}/trail/${BACKEND.sha1}/custom`, {
      form: [{ field: 'data_json', content: payload }],
    });
    expect(answer).toMatchObject({ status: 201, error: undefined });

    seedBuild(kosli.world, { flow: FLOWS.backend, app: 'backend', commit: BACKEND, fingerprint: BUILT });
    const trail = await cli('GET', `trails/${ORG}/${FLOWS.backend}/${BACKEND.sha1}`);
    expect(trail.body).toMatchObject({
      compliance_status: {
        artifacts_statuses: {
          backend: {
            artifact_fingerprint: BUILT,
            attestations_statuses: [
              { attestation_name: 'release-approval', status: 'COMPLETE', is_compliant: true },
              { attestation_name: 'unit-tests', status: 'MISSING' },
            ],
          },
        },
      },
    });
  });

  it('kosli attest generic: the route exists and binds by fingerprint', async () => {
    const payload = { artifact_fingerprint: BUILT, attestation_name: 'unit-tests', is_compliant: true };
    expect(
      (
        await cli('POST', `attestations/${ORG}/${FLOWS.backend}/trail/${BACKEND.sha1}/generic`, {
          form: [{ field: 'data_json', content: payload }],
        })
      ).status,
    ).toBe(201);
    const trail = await cli('GET', `trails/${ORG}/${FLOWS.backend}/${BACKEND.sha1}`);
    expect(trail.body).toMatchObject({
      compliance_status: { artifacts_statuses: { backend: { status: 'COMPLIANT' } } },
    });
  });

  it('an attestation for a fingerprint the trail does not have is refused with the CLI golden message', async () => {
    const stranger = fingerprint('not-in-this-trail');
    const payload = {
      artifact_fingerprint: stranger,
      attestation_name: 'foo',
      type_name: 'approval-jira',
      attestation_data: approval,
    };
    const answer = await cli('POST', `attestations/${ORG}/${FLOWS.backend}/trail/${BACKEND.sha1}/custom`, {
      form: [{ field: 'data_json', content: payload }],
    });
    // cmd/kosli/attestJira_test.go: "Artifact with fingerprint … does not exist in trail \"…\" of flow \"…\" belonging to organization \"…\"".
    expect(answer.error).toBe(
      `Artifact with fingerprint ${stranger} does not exist in trail "${BACKEND.sha1}" of flow "${FLOWS.backend}" belonging to organization "${ORG}"`,
    );
  });

  it('kosli create attestation-type --summary is accepted', async () => {
    const payload = {
      name: 'approval-jira-v2',
      description: 'Approval from Jira',
      evaluator: { content_type: 'jq', rules: ['(.approvers | length) > 0'] },
      summary: [{ name: 'Approvers', expression: '[.approvers[].displayName] | join(", ")' }],
    };
    const form: FormItem[] = [
      { field: 'data_json', content: payload },
      { file: 'type_schema', filename: 'schema.json', content: JSON.stringify(APPROVAL_JIRA_SCHEMA) },
    ];
    expect((await cli('POST', `custom-attestation-types/${ORG}`, { form })).status).toBe(201);
    expect(kosli.world.customType('approval-jira-v2')?.summary).toEqual(payload.summary);
  });

  it('kosli get snapshot: a never-reported environment is an error, not an empty snapshot', async () => {
    // cmd/kosli/getSnapshot_test.go: "Snapshot '<env>#-1' resolves to '<env>#0'. len(snapshots) == 0. Indexes are 1-based".
    const answer = await cli('GET', `snapshots/${ORG}/${ENVS.prod}/-1`, { basic: true });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.error).toBe(
      `Org: '${ORG}'. Snapshot '${ENVS.prod}#-1' resolves to '${ENVS.prod}#0'. len(snapshots) == 0. Indexes are 1-based`,
    );
    expect((await cli('GET', `snapshots/${ORG}/nope/-1`, { basic: true })).error).toBe(
      `Environment named 'nope' does not exist for organization '${ORG}'`,
    );
  });

  it('kosli get snapshot <env>#N, <env>~N and <env>@{now}, escaped as the CLI escapes them', async () => {
    kosli.world.reportSnapshot(ENVS.staging, [{ name: 'backend', fingerprint: BUILT }]);
    kosli.world.reportSnapshot(ENVS.staging, []);
    expect((await cli('GET', `snapshots/${ORG}/${ENVS.staging}/%231`, { basic: true })).body).toMatchObject({
      index: 1,
      artifacts: [{ fingerprint: BUILT }],
    });
    expect((await cli('GET', `snapshots/${ORG}/${ENVS.staging}/~1`, { basic: true })).body).toMatchObject({ index: 1 });
    expect((await cli('GET', `snapshots/${ORG}/${ENVS.staging}/@%7Bnow%7D`, { basic: true })).body).toMatchObject({
      index: 2,
      is_latest: true,
    });
    expect((await cli('GET', `snapshots/${ORG}/${ENVS.staging}/%2323`, { basic: true })).error).toBe(
      `Org: '${ORG}'. Snapshot '${ENVS.staging}#23' resolves to '${ENVS.staging}#23'. len(snapshots) == 2. Indexes are 1-based`,
    );
  });

  it('kosli assert artifact --flow, --policy and --environment', async () => {
    const byFlow = await cli('GET', `asserts/${ORG}/fingerprint/${BUILT}?flow_name=${FLOWS.backend}`);
    expect(byFlow.body).toMatchObject({
      scope: 'flow',
      compliant: expect.any(Boolean),
      flow: FLOWS.backend,
      trail: BACKEND.sha1,
      compliance_status: { attestations_statuses: expect.any(Array) },
    });
    const byPolicy = await cli(
      'GET',
      `asserts/${ORG}/fingerprint/${BUILT}?policy_name=has-provenance&policy_name=has-release-approval`,
    );
    expect(byPolicy.body).toMatchObject({
      scope: 'policy',
      policy_evaluations: [
        { policy_name: 'has-provenance', status: 'COMPLIANT' },
        { policy_name: 'has-release-approval' },
      ],
    });
    const byEnvironment = await cli(
      'GET',
      `asserts/${ORG}/fingerprint/${BUILT}?environment_name=${ENVS.prod}&flow_name=${FLOWS.backend}`,
    );
    expect(byEnvironment.body).toMatchObject({
      scope: 'environment',
      environment: ENVS.prod,
      html_url: expect.any(String),
    });
  });

  it('refuses a wrong token with 401 whichever way the CLI sends it', async () => {
    const response = await fetch(`${base}/api/v2/snapshots/${ORG}/${ENVS.staging}/-1`, {
      headers: { Authorization: `Basic ${Buffer.from(':wrong').toString('base64')}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: expect.any(String) });
  });
});
