/**
 * Checks logged exchanges with the fake Jira against Atlassian's Jira Cloud OpenAPI document:
 * the operation exists and is not deprecated, query and path parameters are declared and well-typed, the JSON request
 * body matches the operation's requestBody schema (read-only properties may not be sent), and the
 * response matches the schema declared for its status (write-only properties may not come back).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { LoggedRequest } from '../../sandbox/fakes/http-fake';

/** Vendored in the repository (reference/README.md names its source). */
export const JIRA_OPENAPI_PATH = new URL('../../reference/jira/jira-platform-openapi-v3.json', import.meta.url);

/**
 * Statuses any Jira operation may answer although few operations declare them: a malformed request
 * (400), authentication (401), rate limits (429) and outages. Their bodies must still be Jira's.
 */
const GENERIC_STATUSES = new Set([400, 401, 429, 500, 502, 503, 504]);

const parameterSchema = z.object({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  schema: z.unknown(),
});
const mediaSchema = z.record(z.string(), z.object({ schema: z.unknown().optional() }));
const operationSchema = z.object({
  deprecated: z.boolean().optional(),
  parameters: z.array(parameterSchema).optional(),
  requestBody: z.object({ required: z.boolean().optional(), content: mediaSchema }).optional(),
  responses: z.record(z.string(), z.object({ content: mediaSchema.optional() })),
});
const documentSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

type Operation = z.output<typeof operationSchema>;
type Mode = 'request' | 'response';

function pointerSegment(key: string): string {
  return encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function makeAjv(document: unknown, mode: Mode): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  // Requests may not carry readOnly properties; responses may not carry writeOnly ones.
  const forbidden = mode === 'request' ? 'readOnly' : 'writeOnly';
  ajv.removeKeyword(forbidden);
  ajv.addKeyword({ keyword: forbidden, schemaType: 'boolean', validate: (flag: boolean) => !flag });
  ajv.addSchema(z.record(z.string(), z.unknown()).parse(document), 'jira');
  return ajv;
}

export class JiraOpenApi {
  private readonly paths: Record<string, Record<string, unknown>>;
  private readonly ajv: Record<Mode, Ajv>;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(document: unknown) {
    this.paths = documentSchema.parse(document).paths;
    this.ajv = { request: makeAjv(document, 'request'), response: makeAjv(document, 'response') };
  }

  /** Reads and parses the 2+ MB document; call once per test file. */
  static load(): JiraOpenApi {
    return new JiraOpenApi(JSON.parse(readFileSync(JIRA_OPENAPI_PATH, 'utf8')));
  }

  operation(method: string, template: string): Operation | undefined {
    const raw = this.paths[template]?.[method.toLowerCase()];
    return raw === undefined ? undefined : operationSchema.parse(raw);
  }

  private validator(mode: Mode, pointer: string): ValidateFunction {
    const key = `${mode} ${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv[mode].compile({ $ref: `jira#${pointer}` });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private check(mode: Mode, pointer: string, value: unknown, where: string): string[] {
    const validate = this.validator(mode, pointer);
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${where}${e.instancePath || ''} ${e.message ?? 'is invalid'} (${e.schemaPath})`);
  }

  /** Validates a value against `#/components/schemas/<name>`, as a response would be. */
  checkComponent(name: string, value: unknown, where: string): string[] {
    return this.check('response', `/components/schemas/${pointerSegment(name)}`, value, where);
  }

  /** Every mismatch between one logged exchange and the spec; empty when it conforms. */
  checkExchange(entry: LoggedRequest): string[] {
    const found = this.locate(entry);
    if (typeof found === 'string') return [found];
    return [...this.checkRequest(entry), ...this.checkResponse(entry)];
  }

  /**
   * Whether the request is one the spec allows: the operation exists and is not deprecated, path and
   * query parameters are declared and well-typed, and the JSON body matches the requestBody schema.
   */
  checkRequest(entry: LoggedRequest): string[] {
    const found = this.locate(entry);
    if (typeof found === 'string') return [found];
    const { op, base, label } = found;
    const problems: string[] = [];
    // Deprecated Jira operations get removed (GET/POST /rest/api/3/search did): never depend on one.
    if (op.deprecated) problems.push(`${label}: ${entry.method} ${entry.route} is deprecated`);

    // Path parameters, read back through the template.
    const names: string[] = [];
    const pattern = new RegExp(
      `^${entry.route.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`,
    );
    const match = pattern.exec(entry.path);
    names.forEach((name, i) => {
      const index = (op.parameters ?? []).findIndex((p) => p.in === 'path' && p.name === name);
      if (index < 0) problems.push(`${label}: path parameter ${name} is not declared`);
      else
        problems.push(
          ...this.check(
            'request',
            `${base}/parameters/${index}/schema`,
            decodeURIComponent(match?.[i + 1] ?? ''),
            `${label}: path ${name}`,
          ),
        );
    });

    // Query parameters: declared, required ones present, values of the declared type.
    const query = new URLSearchParams(entry.query);
    for (const name of new Set(query.keys())) {
      const index = (op.parameters ?? []).findIndex((p) => p.in === 'query' && p.name === name);
      if (index < 0) problems.push(`${label}: query parameter ${name} is not declared`);
      else {
        const value = coerce(op.parameters?.[index]?.schema, query.getAll(name));
        problems.push(...this.check('request', `${base}/parameters/${index}/schema`, value, `${label}: query ${name}`));
      }
    }
    for (const p of op.parameters ?? []) {
      if (p.in === 'query' && p.required && !query.has(p.name))
        problems.push(`${label}: required query parameter ${p.name} is missing`);
    }

    // Request body.
    const sent = entry.requestBody.length > 0;
    if (!op.requestBody) {
      if (sent) problems.push(`${label}: sent a body to an operation that takes none`);
      return problems;
    }
    if (!sent) {
      if (op.requestBody.required) problems.push(`${label}: the required request body is missing`);
      return problems;
    }
    const type = (entry.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (!op.requestBody.content[type]) return [...problems, `${label}: request content type '${type}' is not accepted`];
    let body: unknown;
    try {
      body = JSON.parse(entry.requestBody.toString('utf8'));
    } catch {
      return [...problems, `${label}: request body is not JSON`];
    }
    return [
      ...problems,
      ...this.check(
        'request',
        `${base}/requestBody/content/${pointerSegment(type)}/schema`,
        body,
        `${label}: request body`,
      ),
    ];
  }

  /** Whether the status is declared (or generic) and the body matches the schema declared for it. */
  checkResponse(entry: LoggedRequest): string[] {
    const found = this.locate(entry);
    if (typeof found === 'string') return [found];
    const { op, base, label } = found;
    const problems: string[] = [];
    const key = op.responses[String(entry.status)]
      ? String(entry.status)
      : op.responses.default
        ? 'default'
        : undefined;
    if (key === undefined && !GENERIC_STATUSES.has(entry.status))
      problems.push(`${label}: status ${entry.status} is not a declared response`);
    const hasSchema = key !== undefined && op.responses[key]?.content?.['application/json']?.schema !== undefined;
    if (entry.status === 204) {
      if (entry.responseBody !== undefined) problems.push(`${label}: a 204 carries no body`);
    } else if (hasSchema) {
      problems.push(
        ...this.check(
          'response',
          `${base}/responses/${key}/content/${pointerSegment('application/json')}/schema`,
          entry.responseBody,
          `${label}: response`,
        ),
      );
    } else if (entry.status >= 400) {
      // Jira answers errors with an ErrorCollection even where the operation declares no schema.
      problems.push(...this.checkComponent('ErrorCollection', entry.responseBody, `${label}: error response`));
    } else if (entry.responseBody !== undefined) {
      problems.push(`${label}: the spec declares no body for ${entry.status}`);
    }
    return problems;
  }

  private locate(entry: LoggedRequest): { op: Operation; base: string; label: string } | string {
    const label = `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''} → ${entry.status}`;
    const op = this.operation(entry.method, entry.route);
    if (!op) return `${label}: ${entry.method} ${entry.route} is not an operation of the Jira OpenAPI document`;
    return { op, base: `/paths/${pointerSegment(entry.route)}/${entry.method.toLowerCase()}`, label };
  }
}

/** Query strings carry text: turn it into the JSON value the parameter's schema describes. */
function coerce(schema: unknown, values: string[]): unknown {
  const type = z.object({ type: z.string().optional() }).safeParse(schema).data?.type;
  if (type === 'array') return values.flatMap((v) => v.split(','));
  const value = values[values.length - 1] ?? '';
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}
