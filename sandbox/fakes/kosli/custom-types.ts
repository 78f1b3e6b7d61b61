/**
 * Custom attestation types as the fake Kosli keeps them: a JSON schema the attestation data must
 * match (checked with ajv, draft 2020-12 or draft-07 by the schema's `$schema`, like the original
 * process's two schemas) and jq rules that decide compliance.
 *
 * There is no jq here. The fake evaluates the rule shapes the original process uses
 * (`(.approvers | length) > 0`, `[.approvers[].status == "APPROVED"] | all`) and their close
 * variants; any other rule counts as satisfied and is reported back as unevaluated, so a test or
 * the sandbox can see that the fake did not really judge it.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface CustomTypeVersion {
  name: string;
  version: number;
  description: string | null;
  /** The JSON schema from the `type_schema` file part, or null when none was sent. */
  schema: unknown;
  rules: string[];
  /** `--summary` entries: how Kosli's UI summarises an attestation of this type. */
  summary: { name: string; expression: string }[];
  createdAt: number;
}

export interface RuleOutcome {
  compliant: boolean;
  /** Rules the fake could not evaluate (treated as satisfied). */
  unevaluated: string[];
}

const draft2020 = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const draft07 = addFormats(new Ajv({ allErrors: true, strict: false }));

/** Compiling is slow (tens of ms); a type's schema object is compiled once. */
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles a type's schema; throws with a readable message when the schema itself is invalid. */
export function compileTypeSchema(schema: unknown): ValidateFunction {
  if (!isRecord(schema)) throw new Error('the type schema must be a JSON object');
  const cached = compiled.get(schema);
  if (cached) return cached;
  const ajv = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12') ? draft2020 : draft07;
  try {
    const validate = ajv.compile(schema);
    compiled.set(schema, validate);
    return validate;
  } catch (error) {
    throw new Error(
      `the type schema is not a valid JSON schema: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`.trim());
}

const LENGTH_RULE = /^\(\s*\.([A-Za-z_]\w*)\s*\|\s*length\s*\)\s*(>=|<=|==|!=|>|<)\s*(\d+)$/;
const EACH_RULE = /^\[\s*\.([A-Za-z_]\w*)\[\]\.([A-Za-z_]\w*)\s*(==|!=)\s*"([^"]*)"\s*\]\s*\|\s*(all|any)$/;

export function evaluateRules(rules: readonly string[], data: unknown): RuleOutcome {
  const unevaluated: string[] = [];
  let compliant = true;
  for (const rule of rules) {
    const result = evaluateRule(rule.trim(), data);
    if (result === undefined) unevaluated.push(rule);
    else if (!result) compliant = false;
  }
  return { compliant, unevaluated };
}

/** true/false for a rule shape the fake knows, with jq's semantics for null and missing fields; undefined otherwise. */
function evaluateRule(rule: string, data: unknown): boolean | undefined {
  const length = LENGTH_RULE.exec(rule);
  if (length) {
    const [, field = '', operator = '', bound = '0'] = length;
    const value = isRecord(data) ? data[field] : undefined;
    // jq: `null | length` is 0; arrays, strings and objects have a length; anything else errors (false).
    const size =
      value === undefined || value === null
        ? 0
        : Array.isArray(value) || typeof value === 'string'
          ? value.length
          : isRecord(value)
            ? Object.keys(value).length
            : undefined;
    if (size === undefined) return false;
    return compare(size, operator, Number(bound));
  }
  const each = EACH_RULE.exec(rule);
  if (each) {
    const [, list = '', field = '', operator = '', expected = '', quantifier = ''] = each;
    const items = isRecord(data) ? data[list] : undefined;
    // jq cannot iterate over null or a scalar: the rule errors, which Kosli counts as not satisfied.
    if (!Array.isArray(items)) return false;
    const checks = items.map((item) => {
      const actual = isRecord(item) ? item[field] : undefined;
      return operator === '==' ? actual === expected : actual !== expected;
    });
    return quantifier === 'all' ? checks.every(Boolean) : checks.some(Boolean);
  }
  return undefined;
}

function compare(left: number, operator: string, right: number): boolean {
  switch (operator) {
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '==':
      return left === right;
    default:
      return left !== right;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
