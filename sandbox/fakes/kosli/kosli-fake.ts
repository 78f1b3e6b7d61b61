/**
 * The fake Kosli API v2 over a `KosliWorld`: the endpoints the app's Kosli client calls, with
 * Kosli's paths, methods, status codes, Bearer auth, multipart `data_json` bodies and
 * `{ message, errors? }` error bodies (the shape the CLI's `requests.go` reads).
 *
 *   const { service, world } = createKosliFake(new KosliWorld({ org: 'acme', token: 't' }));
 *   const base = await service.listen();   // client host = base (the client adds /api/v2)
 */
import { z } from 'zod';
import { type FakeRequest, type FakeResponse, FakeHttpService, json } from '../http-fake';
import { KosliWorld, KosliWorldError } from './world';

export interface KosliFake {
  service: FakeHttpService;
  world: KosliWorld;
}

const API = '/api/v2';
const SHA = /^[0-9a-f]{40}$/;

const gitCommitInput = z.looseObject({
  sha1: z.string().regex(SHA, 'sha1 must be 40 lowercase hex characters'),
  message: z.string().nullish(),
  author: z.string().nullish(),
  branch: z.string().nullish(),
  timestamp: z.number().nullish(),
  url: z.string().nullish(),
});

const externalUrls = z.record(
  z.string().regex(/^[^=.]+$/, 'external url labels may not contain "=" or "."'),
  z.strictObject({
    href: z.string(),
    fingerprint: z
      .string()
      .regex(/^[a-f0-9]{64}$/)
      .nullish(),
  }),
);
const userData = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);

/** `data_json` of PUT /trails/{org}/{flow} (catalog `CreateTrail`). */
const createTrailInput = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  git_commit_info: gitCommitInput.nullish(),
  repo_info: z.unknown().optional(),
  origin_url: z.string().nullish(),
  external_urls: externalUrls.nullish(),
  user_data: userData.nullish(),
});

/**
 * The fields every attestation's `data_json` shares: the CLI's `CommonAttestationPayload`
 * (cmd/kosli/attestation.go); `target_artifacts` comes from `--name <artifact>.<name>`.
 */
const commonAttestationFields = {
  attestation_name: z.string(),
  origin_url: z.string().nullish(),
  description: z.string().nullish(),
  artifact_fingerprint: z.string().nullish(),
  target_artifacts: z.array(z.string()).nullish(),
  git_commit_info: gitCommitInput.nullish(),
  repo_info: z.unknown().optional(),
  external_urls: externalUrls.nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
  user_data: userData.nullish(),
};

/** `data_json` of POST …/trail/{trail}/custom (catalog `CustomAttestationPostInput`, no extra fields). */
const customAttestationInput = z.strictObject({
  ...commonAttestationFields,
  type_name: z.string().min(1),
  // The catalog types it as a JSON string (pydantic Json); the CLI sends the decoded object. Both work.
  attestation_data: z.unknown().refine((value) => value !== undefined, 'attestation_data is required'),
});

/** `data_json` of POST …/trail/{trail}/generic: `GenericAttestationPayload` (cmd/kosli/attestGeneric.go). */
const genericAttestationInput = z.strictObject({ ...commonAttestationFields, is_compliant: z.boolean() });

/** `data_json` of POST /custom-attestation-types/{org} (catalog `CustomAttestationTypePostInput`). */
const customTypeInput = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9\-_~]*$/, 'name must match ^[a-zA-Z0-9][a-zA-Z0-9\\-_~]*$'),
  description: z.string().nullish(),
  evaluator: z
    .union([
      z.strictObject({ content_type: z.literal('jq').default('jq'), rules: z.array(z.string()) }),
      z.strictObject({ content_type: z.literal('default') }),
    ])
    .nullish(),
  // `kosli create attestation-type --summary` (CLI v2.38): how the UI summarises one.
  summary: z.array(z.strictObject({ name: z.string().min(1), expression: z.string().min(1) })).nullish(),
});

/** `data_json` of PUT /flows/{org}/template_file (catalog `CreateFlow`). */
const createFlowInput = z.object({
  name: z.string().min(1),
  description: z.string(),
  visibility: z.enum(['public', 'private']).nullish(),
});

function error(status: number, message: string, errors?: string[]): FakeResponse {
  return json(status, errors ? { message, errors } : { message });
}

/** Runs a handler, turning world refusals into Kosli's error responses. */
function guarded(handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) {
  return async (req: FakeRequest): Promise<FakeResponse> => {
    try {
      return await handler(req);
    } catch (caught) {
      if (caught instanceof KosliWorldError) return error(caught.status, caught.message, caught.errors);
      throw caught;
    }
  };
}

async function readForm(req: FakeRequest): Promise<FormData> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data'))
    throw new KosliWorldError(400, 'Expected a multipart/form-data body with a data_json field');
  try {
    return await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(req.body),
    }).formData();
  } catch {
    throw new KosliWorldError(400, 'Malformed multipart/form-data body');
  }
}

async function textPart(form: FormData, name: string): Promise<string | undefined> {
  const part = form.get(name);
  if (part === null) return undefined;
  return typeof part === 'string' ? part : part.text();
}

/** Reads and validates the `data_json` field like Kosli's schema validation (400 + errors). */
async function dataJson<S extends z.ZodType>(form: FormData, schema: S): Promise<z.output<S>> {
  const text = await textPart(form, 'data_json');
  if (text === undefined) throw new KosliWorldError(400, 'Missing form field data_json');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new KosliWorldError(400, 'data_json is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new KosliWorldError(
      400,
      'Input payload validation failed',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

function jsonPart(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new KosliWorldError(400, `${what} is not valid JSON`);
  }
}

/** The fields of `CommonAttestationPayload`, as the world's attest input. */
function commonInput(data: z.output<z.ZodObject<typeof commonAttestationFields>>) {
  return {
    attestation_name: data.attestation_name,
    artifact_fingerprint: data.artifact_fingerprint,
    target_artifacts: data.target_artifacts,
    git_commit_info: data.git_commit_info,
    annotations: data.annotations,
    user_data: data.user_data,
    external_urls: data.external_urls,
    origin_url: data.origin_url,
    description: data.description,
  };
}

/**
 * Bearer is what the app and most CLI commands send; `get snapshot`, `list snapshots` and
 * `assert snapshot` send the token as the Basic password with an empty user
 * (`Password: global.ApiToken` in cmd/kosli/getSnapshot.go; internal/requests/requests.go), and
 * the original scripts sent it as the Basic user (`--user "$TOKEN:unused"`).
 */
function authenticated(header: string | undefined, token: string): boolean {
  if (header === `Bearer ${token}`) return true;
  const basic = /^Basic (.+)$/.exec(header ?? '');
  if (!basic) return false;
  const [user = '', password = ''] = Buffer.from(basic[1] ?? '', 'base64')
    .toString('utf8')
    .split(/:(.*)/s);
  return user === token || password === token;
}

export function createKosliFake(world: KosliWorld = new KosliWorld()): KosliFake {
  const service = new FakeHttpService('kosli');

  service.guard = (req) => {
    if (!authenticated(req.headers.authorization, world.token)) {
      // unverified: the wording; the status and `{message}` body follow the CLI's error handling.
      return error(401, 'Unauthorized: a valid API token is required (Authorization: Bearer <token>)');
    }
    // Every route the fake serves has the org as the segment after the resource: /api/v2/<resource>/<org>/…
    const org = decodeURIComponent(req.path.split('/')[4] ?? '');
    if (req.path.startsWith(`${API}/`) && org !== world.org) {
      // unverified: what Kosli answers for an org the token does not belong to.
      return error(403, `You do not have access to organization '${org}'`);
    }
    return undefined;
  };

  service.route(
    'GET',
    `${API}/snapshots/{org}/{env}/{expression}`,
    guarded((req) => {
      // An environment that never reported is refused (see KosliWorld.snapshot).
      return json(200, world.snapshot(req.params.env ?? '', req.params.expression ?? ''));
    }),
  );

  service.route(
    'GET',
    `${API}/environments/{org}/{env}`,
    guarded((req) => json(200, world.environmentJson(req.params.env ?? ''))),
  );

  service.route(
    'GET',
    `${API}/flows/{org}/{flow}`,
    guarded((req) => json(200, world.flowJson(req.params.flow ?? ''))),
  );

  service.route(
    'PUT',
    `${API}/flows/{org}/template_file`,
    guarded(async (req) => {
      const form = await readForm(req);
      const data = await dataJson(form, createFlowInput);
      const template = await textPart(form, 'template_file');
      const outcome = world.createFlow(data.name, template ?? 'version: 1\n', {
        description: data.description,
        visibility: data.visibility ?? undefined,
      });
      // 201 created, 200 updated: the CLI prints "flow '<name>' was updated" on 200 (cmd/kosli/createFlow.go).
      // unverified: the success body; the CLI does not read it.
      return json(outcome === 'created' ? 201 : 200, `flow '${data.name}' was ${outcome}`);
    }),
  );

  service.route(
    'PUT',
    `${API}/trails/{org}/{flow}`,
    guarded(async (req) => {
      const form = await readForm(req);
      const data = await dataJson(form, createTrailInput);
      const outcome = world.beginTrail(req.params.flow ?? '', data.name, {
        description: data.description,
        gitCommitInfo: data.git_commit_info,
        originUrl: data.origin_url,
        externalUrls: data.external_urls,
        userData: data.user_data,
        // `kosli begin trail --template-file` sends the file as the `template_file` part (cmd/kosli/beginTrail.go, newFlowForm).
        templateYaml: await textPart(form, 'template_file'),
      });
      // 201 when created, 200 when updated; the body is unverified.
      return json(outcome === 'created' ? 201 : 200, `Trail '${data.name}' was ${outcome}`);
    }),
  );

  service.route(
    'GET',
    `${API}/trails/{org}/{flow}/{trail}`,
    guarded((req) => json(200, world.trailJson(req.params.flow ?? '', req.params.trail ?? ''))),
  );

  service.route(
    'GET',
    `${API}/attestations/{org}/list_attestations_for_criteria`,
    guarded((req) => {
      const shas = req.query.getAll('commit_list');
      // The docs: "commit_list is required"; the catalog gives no upper bound, so none is enforced.
      if (shas.length === 0) return error(400, 'commit_list is required');
      const invalid = shas.filter((sha) => !SHA.test(sha));
      if (invalid.length > 0) {
        // FastAPI's query validation answers 422; each commit must match ^[a-f0-9]{40}$ (catalog).
        return error(
          422,
          'Query parameter validation failed',
          invalid.map((sha) => `commit_list: '${sha}' does not match ^[a-f0-9]{40}$`),
        );
      }
      return json(
        200,
        world.attestationsForCommits(shas, {
          flow: req.query.get('flow_name') ?? undefined,
          type: req.query.get('attestation_type') ?? undefined,
          name: req.query.get('attestation_name') ?? undefined,
        }),
      );
    }),
  );

  service.route(
    'GET',
    `${API}/attestations/{org}/{flow}/trail/{trail}/{name}`,
    guarded((req) =>
      json(200, world.trailAttestationsJson(req.params.flow ?? '', req.params.trail ?? '', req.params.name ?? '')),
    ),
  );

  service.route(
    'POST',
    `${API}/attestations/{org}/{flow}/trail/{trail}/custom`,
    guarded(async (req) => {
      const form = await readForm(req);
      const data = await dataJson(form, customAttestationInput);
      world.attest(req.params.flow ?? '', req.params.trail ?? '', {
        type: 'custom',
        type_name: data.type_name,
        attestation_data:
          typeof data.attestation_data === 'string'
            ? jsonPart(data.attestation_data, 'attestation_data')
            : data.attestation_data,
        ...commonInput(data),
      });
      // The API docs: "Creation Success. The response is of type string."
      return json(
        201,
        `custom:${data.type_name} attestation '${data.attestation_name}' is reported to trail: ${req.params.trail ?? ''}`,
      );
    }),
  );

  service.route(
    'POST',
    `${API}/attestations/{org}/{flow}/trail/{trail}/generic`,
    guarded(async (req) => {
      const form = await readForm(req);
      const data = await dataJson(form, genericAttestationInput);
      world.attest(req.params.flow ?? '', req.params.trail ?? '', {
        type: 'generic',
        is_compliant: data.is_compliant,
        ...commonInput(data),
      });
      return json(
        201,
        `generic attestation '${data.attestation_name}' is reported to trail: ${req.params.trail ?? ''}`,
      );
    }),
  );

  service.route(
    'GET',
    `${API}/asserts/{org}/fingerprint/{fingerprint}`,
    guarded((req) => {
      // The query `kosli assert artifact` builds (cmd/kosli/assertArtifact.go): any of the three.
      const environment = req.query.get('environment_name') ?? undefined;
      const flow = req.query.get('flow_name') ?? undefined;
      const policies = req.query.getAll('policy_name');
      if (environment === undefined && flow === undefined && policies.length === 0) {
        return error(400, 'At least one of environment_name, flow_name or policy_name is required');
      }
      return json(200, world.assert(req.params.fingerprint ?? '', { environment, flow, policies }));
    }),
  );

  service.route(
    'POST',
    `${API}/custom-attestation-types/{org}`,
    guarded(async (req) => {
      const form = await readForm(req);
      const data = await dataJson(form, customTypeInput);
      const schemaText = await textPart(form, 'type_schema');
      const rules = data.evaluator && data.evaluator.content_type === 'jq' ? data.evaluator.rules : [];
      world.upsertCustomType(data.name, {
        description: data.description,
        summary: data.summary ?? [],
        schema: schemaText === undefined ? null : jsonPart(schemaText, 'type_schema'),
        rules,
      });
      // unverified: the success body; the CLI prints "attestation-type <name> was created" (cmd/kosli/createAttestationType.go).
      return json(201, `attestation-type ${data.name} was created`);
    }),
  );

  return { service, world };
}
