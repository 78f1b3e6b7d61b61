/**
 * Checks logged exchanges with the fake GitHub against GitHub's REST OpenAPI description (the
 * dereferenced subset from @octokit/openapi in reference/github): the concrete path and method are
 * an operation of the spec, query and path parameters are declared and well-typed, the JSON request
 * body matches the requestBody schema, and the response body matches the schema declared for its
 * status.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { LoggedRequest } from '../../sandbox/fakes/http-fake';

/** Vendored in the repository (reference/README.md names its source). */
export const GITHUB_OPENAPI_PATH = new URL('../../reference/github/github-rest-openapi-subset.json', import.meta.url);

/**
 * Statuses GitHub may answer to any operation although the description often leaves them out:
 * authentication (401), permission and primary/secondary rate limits (403, 429), a missing resource
 * (404: the Actions operations declare none, yet GitHub answers it for an unknown workflow or run),
 * outages. Writes may also fail validation (422, e.g. a dispatch to a ref that does not exist) or
 * JSON parsing (400). Their bodies must still be GitHub's basic error.
 */
const GENERIC_STATUSES = new Set([401, 403, 404, 429, 500, 502, 503, 504]);
const GENERIC_WRITE_STATUSES = new Set([400, 422]);

const basicErrorSchema = z.object({ message: z.string(), documentation_url: z.string() });

const parameterSchema = z.object({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  schema: z.unknown(),
});
const mediaSchema = z.record(z.string(), z.object({ schema: z.unknown().optional() }));
const operationSchema = z.object({
  operationId: z.string(),
  parameters: z.array(parameterSchema).optional(),
  requestBody: z.object({ required: z.boolean().optional(), content: mediaSchema }).optional(),
  responses: z.record(z.string(), z.object({ content: mediaSchema.optional() })),
});
const documentSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

type Operation = z.output<typeof operationSchema>;

function pointerSegment(key: string): string {
  return encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** A path template → a regex; `{ref}` may span segments ("tags/v1"), as GitHub's git ref paths do. */
function templateRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      return param[1] === 'ref' ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

/** Query strings carry text: turn it into the JSON value the parameter's schema describes. */
function coerce(name: string, schema: unknown, value: string): unknown {
  const type = z.object({ type: z.string().optional() }).safeParse(schema).data?.type;
  if (type === 'integer' || type === 'number') return /^-?\d+$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  // `created` is typed date-time but takes GitHub's search syntax (">=T", "A..B"): check the dates in it.
  if (name === 'created') return value.replace(/^(>=|<=|>|<)/, '').split('..')[0] ?? value;
  return value;
}

/**
 * OpenAPI 3.0's `nullable: true` → JSON Schema: `type: [t, "null"]` where a type is given, else
 * `anyOf: [schema, {type: "null"}]` (Ajv accepts `nullable` only next to `type`, and the GitHub
 * description puts it beside `oneOf`/`allOf` too).
 */
function toJsonSchemaNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchemaNulls);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, toJsonSchemaNulls(value)]),
  );
  if (nullable !== true) return nullable === undefined ? rest : { ...rest, nullable };
  if (typeof rest.type === 'string') {
    const withNull: Record<string, unknown> = { ...rest, type: [rest.type, 'null'] };
    if (Array.isArray(rest.enum)) withNull.enum = [...rest.enum, null];
    return withNull;
  }
  return { anyOf: [rest, { type: 'null' }] };
}

export class GitHubOpenApi {
  private readonly paths: Record<string, Record<string, unknown>>;
  private readonly templates: { template: string; regex: RegExp; names: string[] }[];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(document: unknown) {
    this.paths = documentSchema.parse(document).paths;
    // Literal segments win over parameters, e.g. /git/refs over /git/ref/{ref}.
    this.templates = Object.keys(this.paths)
      .map((template) => ({ template, ...templateRegex(template) }))
      .sort((a, b) => b.template.replace(/\{\w+\}/g, '').length - a.template.replace(/\{\w+\}/g, '').length);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addSchema(z.record(z.string(), z.unknown()).parse(toJsonSchemaNulls(document)), 'github');
  }

  static load(): GitHubOpenApi {
    return new GitHubOpenApi(JSON.parse(readFileSync(GITHUB_OPENAPI_PATH, 'utf8')));
  }

  /** The spec operation a concrete request hits, e.g. "GET /repos/acme/shop/git/ref/tags/x" → get-ref. */
  locate(
    method: string,
    path: string,
  ): { template: string; operation: Operation; params: Record<string, string> } | undefined {
    for (const { template, regex, names } of this.templates) {
      const match = regex.exec(path);
      const raw = this.paths[template]?.[method.toLowerCase()];
      if (!match || raw === undefined) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
      return { template, operation: operationSchema.parse(raw), params };
    }
    return undefined;
  }

  private check(pointer: string, value: unknown, where: string): string[] {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `github#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'} (${e.schemaPath})`);
  }

  /** Every mismatch between one logged exchange and the spec; empty when it conforms. */
  checkExchange(entry: LoggedRequest): string[] {
    const label = `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''} → ${entry.status}`;
    const found = this.locate(entry.method, entry.path);
    if (!found) return [`${label}: not an operation of the GitHub OpenAPI description`];
    const { template, operation, params } = found;
    const base = `/paths/${pointerSegment(template)}/${entry.method.toLowerCase()}`;
    const problems: string[] = [];
    const parameters = operation.parameters ?? [];

    for (const [name, value] of Object.entries(params)) {
      const index = parameters.findIndex((p) => p.in === 'path' && p.name === name);
      if (index < 0) problems.push(`${label}: path parameter ${name} is not declared`);
      else
        problems.push(
          ...this.check(
            `${base}/parameters/${index}/schema`,
            coerce(name, parameters[index]?.schema, value),
            `${label}: path ${name}`,
          ),
        );
    }
    const query = new URLSearchParams(entry.query);
    for (const name of new Set(query.keys())) {
      const index = parameters.findIndex((p) => p.in === 'query' && p.name === name);
      if (index < 0) problems.push(`${label}: query parameter ${name} is not declared`);
      else
        problems.push(
          ...this.check(
            `${base}/parameters/${index}/schema`,
            coerce(name, parameters[index]?.schema, query.get(name) ?? ''),
            `${label}: query ${name}`,
          ),
        );
    }

    const sent = entry.requestBody.length > 0;
    if (!operation.requestBody && sent) problems.push(`${label}: sent a body to an operation that takes none`);
    if (operation.requestBody && !sent && operation.requestBody.required)
      problems.push(`${label}: the required request body is missing`);
    if (operation.requestBody && sent) {
      const type = (entry.contentType ?? '').split(';')[0]?.trim() ?? '';
      if (!operation.requestBody.content[type])
        problems.push(`${label}: request content type '${type}' is not accepted`);
      else {
        try {
          const body: unknown = JSON.parse(entry.requestBody.toString('utf8'));
          problems.push(
            ...this.check(`${base}/requestBody/content/${pointerSegment(type)}/schema`, body, `${label}: request body`),
          );
        } catch {
          problems.push(`${label}: request body is not JSON`);
        }
      }
    }

    const declared = operation.responses[String(entry.status)];
    if (!declared) {
      const generic =
        GENERIC_STATUSES.has(entry.status) || (entry.method !== 'GET' && GENERIC_WRITE_STATUSES.has(entry.status));
      if (!generic)
        problems.push(`${label}: status ${entry.status} is not a declared response of ${operation.operationId}`);
      else if (!basicErrorSchema.safeParse(entry.responseBody).success)
        problems.push(`${label}: a generic error must be GitHub's basic error`);
      return problems;
    }
    if (declared.content?.['application/json']?.schema !== undefined) {
      problems.push(
        ...this.check(
          `${base}/responses/${entry.status}/content/${pointerSegment('application/json')}/schema`,
          entry.responseBody,
          `${label}: response`,
        ),
      );
    } else if (entry.responseBody !== undefined) {
      problems.push(`${label}: the spec declares no body for ${entry.status}`);
    }
    return problems;
  }
}
