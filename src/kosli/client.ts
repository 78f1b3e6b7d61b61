/**
 * The Kosli adapter: `KosliClient` (./types) over the Kosli REST API v2 with an injected `fetch`
 * (Forge's in production, Node's against the fake in tests). One shape with the other adapters:
 * this file describes each call and sends it; ./schemas validates every body; ./mapping turns wire
 * shapes into the release rules' types and back. Errors are translated once, here at the edge: the
 * shared transport makes every failure an AppError naming the call with the original as `cause`,
 * and the client gives meaning only to the answers it expects (an environment that never reported,
 * a 404 that means "none yet", via `absentOn404`).
 */
import type { z } from 'zod';
import { AppError } from '../errors';
import {
  absentOn404,
  type Fetch,
  readJson,
  sendWithRetry,
  type TransportOptions,
  type UpstreamCall,
} from '../http/transport';
import type { JiraEvidence, PullRequestEvidence } from '../release/types';
import {
  beginTrailData,
  customAttestationData,
  emptyEnvironmentSnapshot,
  formWith,
  pullRequestAttestationNames,
  pullRequestsOf,
  toAssertResult,
  toEnvironmentSnapshot,
  toJiraEvidence,
  toProvenance,
  toPullRequestAttestation,
  toTrailAttestation,
} from './mapping';
import {
  assertResponseSchema,
  attestationListSchema,
  environmentSchema,
  flowSchema,
  jiraByCommitSchema,
  pullRequestAttestationListSchema,
  pullRequestByCommitSchema,
  snapshotResponseSchema,
  trailSchema,
} from './schemas';
import type { CustomAttestationInput, KosliClient, KosliConnection, PullRequestAttestation } from './types';

/** `list_attestations_for_criteria` is called with at most this many commits (keeps the URL short). */
export const MAX_COMMITS_PER_CALL = 100;
/** How many of those calls run at once. */
export const CRITERIA_CONCURRENCY = 10;

const SHA = /^[0-9a-f]{40}$/;
const ATTESTATION_NAME = /^[a-zA-Z0-9\-_,]+$/;

/** One Kosli API call, described once and sent (perhaps several times) by the transport. */
interface KosliRequest {
  method: 'GET' | 'PUT' | 'POST';
  /** The route as Kosli documents it, for error messages: "GET /snapshots/{org}/{env}/-1". */
  operation: string;
  /** Path segments after /api/v2, each percent-encoded here. */
  segments: readonly string[];
  query?: readonly (readonly [string, string])[];
  form?: () => FormData;
  idempotent: boolean;
  notFound?: string;
}

export function createKosliClient(
  connection: KosliConnection,
  fetch: Fetch,
  options: TransportOptions = {},
): KosliClient {
  const base = `${connection.host.replace(/\/+$/, '')}/api/v2`;
  const org = connection.org;
  const secrets = [connection.token];

  const context = (request: KosliRequest): UpstreamCall => ({
    system: 'kosli',
    operation: request.operation,
    idempotent: request.idempotent,
    notFound: request.notFound,
    secrets,
  });

  async function send(request: KosliRequest): Promise<Response> {
    const path = request.segments.map((segment) => encodeURIComponent(segment)).join('/');
    const query =
      request.query && request.query.length > 0
        ? `?${new URLSearchParams(request.query.map(([k, v]) => [k, v])).toString()}`
        : '';
    const url = `${base}/${path}${query}`;
    return sendWithRetry(
      (signal) =>
        fetch(url, {
          method: request.method,
          // A FormData body sets its own multipart content type with the boundary.
          headers: { Authorization: `Bearer ${connection.token}`, Accept: 'application/json' },
          body: request.form?.(),
          signal,
        }),
      context(request),
      options,
    );
  }

  async function getJson<S extends z.ZodType>(request: KosliRequest, schema: S): Promise<z.output<S>> {
    const response = await send(request);
    return readJson(response, schema, context(request));
  }

  async function write(request: KosliRequest): Promise<void> {
    const response = await send(request);
    // The body (an acknowledgement) is not used; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
  }

  /** `GET /<collection>/{org}/<name>`: one environment or flow of the org. */
  function named(collection: 'environments' | 'flows', placeholder: string, name: string, what: string): KosliRequest {
    return {
      method: 'GET',
      operation: `GET /${collection}/{org}/${placeholder}`,
      segments: [collection, org, name],
      idempotent: true,
      notFound: `Kosli ${what} '${name}' not found in org '${org}'`,
    };
  }

  /** `GET /attestations/{org}/{flow}/trail/{trail}/{name}`: every attestation of that name on the trail. */
  function attestationsNamed(flow: string, trail: string, name: string): KosliRequest {
    return {
      method: 'GET',
      operation: 'GET /attestations/{org}/{flow}/trail/{trail}/{name}',
      segments: ['attestations', org, flow, 'trail', trail, name],
      idempotent: true,
      notFound: `Kosli attestation '${name}' not found on trail '${trail}' of flow '${flow}' in org '${org}'`,
    };
  }

  function exists(request: KosliRequest, schema: z.ZodType): Promise<boolean> {
    return absentOn404(
      getJson(request, schema).then(() => true),
      false,
    );
  }

  /** Runs `list_attestations_for_criteria` over the commits in chunks, a few at a time, and merges. */
  async function byCommits<T>(
    flow: string,
    shas: readonly string[],
    attestationType: string,
    schema: z.ZodType<Record<string, T[]>>,
  ): Promise<Map<string, T[]>> {
    const unique = [...new Set(shas.map((sha) => sha.toLowerCase()))];
    const invalid = unique.filter((sha) => !SHA.test(sha));
    if (invalid.length > 0) {
      throw new AppError(
        'INVALID_INPUT',
        `Kosli lookups need full 40-character commit shas; got ${invalid
          .slice(0, 3)
          .map((s) => `'${s}'`)
          .join(', ')}.`,
      );
    }
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += MAX_COMMITS_PER_CALL)
      chunks.push(unique.slice(i, i + MAX_COMMITS_PER_CALL));

    const results: Record<string, T[]>[] = [];
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const index = next++;
        const chunk = chunks[index] ?? [];
        results[index] = await getJson(
          {
            method: 'GET',
            operation: 'GET /attestations/{org}/list_attestations_for_criteria',
            segments: ['attestations', org, 'list_attestations_for_criteria'],
            query: [
              ...chunk.map((sha) => ['commit_list', sha] as const),
              ['flow_name', flow],
              ['attestation_type', attestationType],
            ],
            idempotent: true,
            notFound: `Kosli flow '${flow}' not found in org '${org}'`,
          },
          schema,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(CRITERIA_CONCURRENCY, chunks.length) }, worker));

    const merged = new Map<string, T[]>();
    for (const result of results) {
      for (const [sha, attestations] of Object.entries(result)) {
        if (attestations.length > 0) merged.set(sha.toLowerCase(), attestations);
      }
    }
    return merged;
  }

  return {
    /** The latest snapshot of the environment. @see https://docs.kosli.com/api-reference/snapshots/get-snapshot */
    async latestSnapshot(environment, flowFor) {
      const body = await getJson(
        {
          method: 'GET',
          operation: 'GET /snapshots/{org}/{env}/-1',
          segments: ['snapshots', org, environment, '-1'],
          idempotent: true,
          notFound: `Kosli environment '${environment}' not found in org '${org}'`,
        },
        snapshotResponseSchema,
      ).catch((error: unknown) => {
        if (neverReported(error)) return { kind: 'empty' as const };
        throw error;
      });
      return body.kind === 'empty'
        ? emptyEnvironmentSnapshot(environment)
        : toEnvironmentSnapshot(environment, body.snapshot, flowFor);
    },

    /** Trail compliance plus the PR evidence of its pull_request attestations. @see https://docs.kosli.com/api-reference/trails/get-trail */
    async provenance(flow, trail, options = {}) {
      const wire = await getJson(
        {
          method: 'GET',
          operation: 'GET /trails/{org}/{flow}/{trail}',
          segments: ['trails', org, flow, trail],
          idempotent: true,
          notFound: `Kosli trail '${trail}' not found in flow '${flow}' of org '${org}'`,
        },
        trailSchema,
      );
      // The trail carries only attestation statuses, not their content (see the real example), so
      // the PR details are read by name for each pull_request attestation the trail lists.
      const prNames = options.pullRequests === false ? [] : pullRequestAttestationNames(wire);
      const pullRequests: PullRequestEvidence[] = [];
      for (const name of prNames) {
        const records = await getJson(attestationsNamed(flow, trail, name), pullRequestAttestationListSchema);
        pullRequests.push(...pullRequestsOf(records));
      }
      return toProvenance(flow, trail, wire, pullRequests);
    },

    /** Creates or updates a trail. @see https://docs.kosli.com/api-reference/trails/begin-trail */
    async beginTrail(flow, trail, options) {
      const data = beginTrailData(trail, options);
      await write({
        method: 'PUT',
        operation: 'PUT /trails/{org}/{flow}',
        segments: ['trails', org, flow],
        form: () => formWith(data),
        idempotent: true,
        notFound: `Kosli flow '${flow}' not found in org '${org}'`,
      });
    },

    /** Jira keys per commit, in one call per 100 commits. @see https://docs.kosli.com/api-reference/attestation/list-attestations-for-criteria */
    async jiraEvidence(flow, shas) {
      const found = await byCommits(flow, shas, 'jira', jiraByCommitSchema);
      const evidence = new Map<string, JiraEvidence>();
      for (const [sha, attestations] of found) evidence.set(sha, toJiraEvidence(sha, attestations));
      return evidence;
    },

    /** PR evidence per commit, in one call per 100 commits. @see https://docs.kosli.com/api-reference/attestation/list-attestations-for-criteria */
    async pullRequestEvidence(flow, shas) {
      const found = await byCommits(flow, shas, 'pull_request', pullRequestByCommitSchema);
      const evidence = new Map<string, PullRequestAttestation>();
      for (const [sha, attestations] of found) evidence.set(sha, toPullRequestAttestation(sha, attestations));
      return evidence;
    },

    /** Records a custom attestation on a trail (optionally bound to an artifact). @see https://docs.kosli.com/api-reference/attestation/attest-custom */
    async attestCustom(input: CustomAttestationInput) {
      if (!ATTESTATION_NAME.test(input.name)) {
        throw new AppError(
          'INVALID_INPUT',
          `Kosli attestation name '${input.name}' may only use letters, digits, '-', '_' and ','.`,
        );
      }
      const data = customAttestationData(input);
      // Not idempotent: a second POST records a second attestation. The transport retries only a
      // 429 and reports a 5xx or timeout as maybeApplied; callers check trailAttestations first.
      await write({
        method: 'POST',
        operation: 'POST /attestations/{org}/{flow}/trail/{trail}/custom',
        segments: ['attestations', org, input.flow, 'trail', input.trail, 'custom'],
        form: () => formWith(data),
        idempotent: false,
        notFound: `Kosli trail '${input.trail}' not found in flow '${input.flow}' of org '${org}'`,
      });
    },

    /** Every attestation of that name on the trail. @see https://docs.kosli.com/api-reference/attestation/get-trail-attestation */
    async trailAttestations(flow, trail, name) {
      // Used to avoid duplicates: "nothing there" is the answer whether Kosli says [] or 404.
      const records = await absentOn404(getJson(attestationsNamed(flow, trail, name), attestationListSchema), []);
      return records.map(toTrailAttestation);
    },

    /** Evaluates the environment's policies for the artifact. @see https://docs.kosli.com/api-reference/asserts/assert-artifact */
    async assertArtifact(fingerprint, environment) {
      const body = await getJson(
        {
          method: 'GET',
          operation: 'GET /asserts/{org}/fingerprint/{fingerprint}',
          segments: ['asserts', org, 'fingerprint', fingerprint],
          query: [['environment_name', environment]],
          idempotent: true,
          notFound: `Kosli knows no artifact with fingerprint '${fingerprint}' or no environment '${environment}' in org '${org}'`,
        },
        assertResponseSchema,
      );
      return toAssertResult(fingerprint, environment, body);
    },

    /** Creates or versions a custom attestation type (JSON schema + jq rules). @see https://docs.kosli.com/api-reference/custom-attestation-types/create-or-update-custom-attestation-type */
    async upsertCustomAttestationType({ name, description, schema, jqRules }) {
      const data = { name, description, evaluator: { content_type: 'jq', rules: jqRules } };
      // Kosli versions types: a repeat makes an identical new version, so retrying is harmless.
      await write({
        method: 'POST',
        operation: 'POST /custom-attestation-types/{org}',
        segments: ['custom-attestation-types', org],
        form: () =>
          formWith(data, {
            field: 'type_schema',
            text: JSON.stringify(schema),
            type: 'application/json',
            filename: `${name}-schema.json`,
          }),
        idempotent: true,
        notFound: `Kosli org '${org}' not found`,
      });
    },

    /** Creates or updates a flow with its template. @see https://docs.kosli.com/api-reference/flows/create-or-update-flow-with-template */
    async upsertFlow({ name, description, templateYaml }) {
      await write({
        method: 'PUT',
        operation: 'PUT /flows/{org}/template_file',
        segments: ['flows', org, 'template_file'],
        form: () =>
          formWith(
            { name, description, visibility: 'private' },
            {
              field: 'template_file',
              text: templateYaml,
              type: 'application/x-yaml',
              filename: `${name}-template.yml`,
            },
          ),
        idempotent: true,
        notFound: `Kosli org '${org}' not found`,
      });
    },

    /** Whether the environment exists. @see https://docs.kosli.com/api-reference/environments/get-environment */
    environmentExists(environment) {
      return exists(named('environments', '{env}', environment, 'environment'), environmentSchema);
    },

    /** Whether the flow exists. @see https://docs.kosli.com/api-reference/flows/get-flow */
    flowExists(flow) {
      return exists(named('flows', '{flow}', flow, 'flow'), flowSchema);
    },
  };
}

/**
 * Kosli refuses the latest snapshot of an environment that has never reported, with "Snapshot
 * '<env>#-1' resolves to '<env>#0'. len(snapshots) == 0. Indexes are 1-based" (the CLI's
 * cmd/kosli/getSnapshot_test.go); for the app that is an environment running nothing yet.
 */
function neverReported(error: unknown): boolean {
  return (
    error instanceof AppError && error.code === 'UPSTREAM_REJECTED' && error.message.includes('len(snapshots) == 0')
  );
}
