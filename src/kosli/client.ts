/**
 * The Kosli adapter: `KosliClient` over the Kosli REST API v2 with an injected `fetch` (Forge's in
 * production, Node's against the fake in tests). Every call goes through the shared transport
 * (bounded retries, 429 Retry-After, typed errors) and every body is validated by ./schemas.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { type CallContext, type Fetch, readJson, sendWithRetry, type TransportOptions } from '../http/transport';
import type { EnvironmentSnapshot, JiraEvidence, Provenance, PullRequestEvidence, RunningArtifact, TrailCompliance } from '../release/types';
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
  type WireAttestationStatus,
  type WirePolicyDecision,
  type WireRuleEvaluation,
  type WireSnapshotArtifact,
  type WireTrail,
} from './schemas';
import type {
  AssertResult,
  CustomAttestationInput,
  KosliClient,
  KosliConnection,
  PolicyFailure,
  PullRequestAttestation,
  TrailAttestation,
} from './types';

/** `list_attestations_for_criteria` is called with at most this many commits (keeps the URL short). */
export const MAX_COMMITS_PER_CALL = 100;
/** How many of those calls run at once. */
export const CRITERIA_CONCURRENCY = 10;

const SHA = /^[0-9a-f]{40}$/;
const ATTESTATION_NAME = /^[a-zA-Z0-9\-_,]+$/;
const COMPLIANCE: readonly TrailCompliance[] = ['COMPLIANT', 'NON-COMPLIANT', 'INCOMPLETE'];

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

export function createKosliClient(connection: KosliConnection, fetch: Fetch, options: TransportOptions = {}): KosliClient {
  const base = `${connection.host.replace(/\/+$/, '')}/api/v2`;
  const org = connection.org;
  const secrets = [connection.token];

  const context = (request: KosliRequest): CallContext => ({
    system: 'kosli',
    operation: request.operation,
    idempotent: request.idempotent,
    notFound: request.notFound,
    secrets,
  });

  async function send(request: KosliRequest): Promise<Response> {
    const path = request.segments.map((segment) => encodeURIComponent(segment)).join('/');
    const query = request.query && request.query.length > 0 ? `?${new URLSearchParams(request.query.map(([k, v]) => [k, v])).toString()}` : '';
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

  async function exists(request: KosliRequest, schema: z.ZodType): Promise<boolean> {
    try {
      await getJson(request, schema);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'UPSTREAM_NOT_FOUND') return false;
      throw error;
    }
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
      throw new AppError('INVALID_INPUT', `Kosli lookups need full 40-character commit shas; got ${invalid.slice(0, 3).map((s) => `'${s}'`).join(', ')}.`);
    }
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += MAX_COMMITS_PER_CALL) chunks.push(unique.slice(i, i + MAX_COMMITS_PER_CALL));

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
            query: [...chunk.map((sha) => ['commit_list', sha] as const), ['flow_name', flow], ['attestation_type', attestationType]],
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
      if (body.kind === 'empty') return { environment, index: 0, takenAt: null, artifacts: [] };
      const { snapshot } = body;
      return {
        environment,
        index: snapshot.index,
        takenAt: isoFromUnix(snapshot.timestamp),
        // annotation.now is the running instance count; 0 means the artifact has exited.
        artifacts: snapshot.artifacts.filter((artifact) => artifact.annotation.now !== 0).map((artifact) => runningArtifact(artifact, flowFor(artifact.name))),
      } satisfies EnvironmentSnapshot;
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
        const records = await getJson(
          {
            method: 'GET',
            operation: 'GET /attestations/{org}/{flow}/trail/{trail}/{name}',
            segments: ['attestations', org, flow, 'trail', trail, name],
            idempotent: true,
            notFound: `Kosli attestation '${name}' not found on trail '${trail}' of flow '${flow}' in org '${org}'`,
          },
          pullRequestAttestationListSchema,
        );
        pullRequests.push(...records.flatMap((record) => record.pull_requests.map(toPullRequestEvidence)));
      }
      return {
        flow,
        trail,
        compliance: complianceOf(wire),
        failing: failingAttestations(wire),
        htmlUrl: wire.html_url ?? null,
        // The trail's origin_url is the CI run that built it (real example: a GitHub Actions run).
        buildUrl: wire.origin_url || null,
        pullRequests: dedupeByUrl(pullRequests),
      } satisfies Provenance;
    },

    /** Creates or updates a trail. @see https://docs.kosli.com/api-reference/trails/begin-trail */
    async beginTrail(flow, trail, { description, externalUrls }) {
      const data: Record<string, unknown> = { name: trail };
      if (description !== undefined) data.description = description;
      if (externalUrls && Object.keys(externalUrls).length > 0) data.external_urls = hrefs(externalUrls);
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
      for (const [sha, attestations] of found) {
        // Several jira attestations on one commit (re-runs, several names): union of their keys;
        // a key counts as existing when any attestation found the issue.
        const keys = new Map<string, boolean>();
        for (const attestation of attestations) {
          for (const result of attestation.jira_results) keys.set(result.issue_id, (keys.get(result.issue_id) ?? false) || result.issue_exists);
        }
        evidence.set(sha, { sha, keys: [...keys].map(([key, exists]) => ({ key, exists })) });
      }
      return evidence;
    },

    /** PR evidence per commit, in one call per 100 commits. @see https://docs.kosli.com/api-reference/attestation/list-attestations-for-criteria */
    async pullRequestEvidence(flow, shas) {
      const found = await byCommits(flow, shas, 'pull_request', pullRequestByCommitSchema);
      const evidence = new Map<string, PullRequestAttestation>();
      for (const [sha, attestations] of found) {
        const pullRequests = dedupeByUrl(attestations.flatMap((attestation) => attestation.pull_requests.map(toPullRequestEvidence)));
        evidence.set(sha, { sha, pullRequests });
      }
      return evidence;
    },

    /** Records a custom attestation on a trail (optionally bound to an artifact). @see https://docs.kosli.com/api-reference/attestation/attest-custom */
    async attestCustom(input: CustomAttestationInput) {
      if (!ATTESTATION_NAME.test(input.name)) {
        throw new AppError('INVALID_INPUT', `Kosli attestation name '${input.name}' may only use letters, digits, '-', '_' and ','.`);
      }
      const data: Record<string, unknown> = {
        attestation_name: input.name,
        type_name: input.typeName,
        attestation_data: input.data,
      };
      if (input.fingerprint !== undefined) data.artifact_fingerprint = input.fingerprint;
      if (input.annotations && Object.keys(input.annotations).length > 0) data.annotations = input.annotations;
      if (input.userData !== undefined) data.user_data = input.userData;
      if (input.externalUrls && Object.keys(input.externalUrls).length > 0) data.external_urls = hrefs(input.externalUrls);
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
      let records: z.output<typeof attestationListSchema>;
      try {
        records = await getJson(
          {
            method: 'GET',
            operation: 'GET /attestations/{org}/{flow}/trail/{trail}/{name}',
            segments: ['attestations', org, flow, 'trail', trail, name],
            idempotent: true,
            notFound: `Kosli attestation '${name}' not found on trail '${trail}' of flow '${flow}' in org '${org}'`,
          },
          attestationListSchema,
        );
      } catch (error) {
        // Used to avoid duplicates: "nothing there" is the answer whether Kosli says [] or 404.
        if (error instanceof AppError && error.code === 'UPSTREAM_NOT_FOUND') return [];
        throw error;
      }
      return records.map(
        (record): TrailAttestation => ({
          name: record.attestation_name,
          type: record.attestation_type,
          createdAt: record.created_at,
          isCompliant: record.is_compliant ?? false,
          userData: userDataOf(record.user_data),
        }),
      );
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
      return {
        fingerprint,
        environment,
        compliant: body.compliant,
        failures: (body.policy_evaluations ?? []).flatMap(policyFailures),
      } satisfies AssertResult;
    },

    /** Creates or versions a custom attestation type (JSON schema + jq rules). @see https://docs.kosli.com/api-reference/custom-attestation-types/create-or-update-custom-attestation-type */
    async upsertCustomAttestationType({ name, description, schema, jqRules }) {
      const data = { name, description, evaluator: { content_type: 'jq', rules: jqRules } };
      // Kosli versions types: a repeat makes an identical new version, so retrying is harmless.
      await write({
        method: 'POST',
        operation: 'POST /custom-attestation-types/{org}',
        segments: ['custom-attestation-types', org],
        form: () => {
          const form = formWith(data);
          form.append('type_schema', new Blob([JSON.stringify(schema)], { type: 'application/json' }), `${name}-schema.json`);
          return form;
        },
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
        form: () => {
          const form = formWith({ name, description, visibility: 'private' });
          form.append('template_file', new Blob([templateYaml], { type: 'application/x-yaml' }), `${name}-template.yml`);
          return form;
        },
        idempotent: true,
        notFound: `Kosli org '${org}' not found`,
      });
    },

    /** Whether the environment exists. @see https://docs.kosli.com/api-reference/environments/get-environment */
    environmentExists(environment) {
      return exists(
        {
          method: 'GET',
          operation: 'GET /environments/{org}/{env}',
          segments: ['environments', org, environment],
          idempotent: true,
          notFound: `Kosli environment '${environment}' not found in org '${org}'`,
        },
        environmentSchema,
      );
    },

    /** Whether the flow exists. @see https://docs.kosli.com/api-reference/flows/get-flow */
    flowExists(flow) {
      return exists(
        {
          method: 'GET',
          operation: 'GET /flows/{org}/{flow}',
          segments: ['flows', org, flow],
          idempotent: true,
          notFound: `Kosli flow '${flow}' not found in org '${org}'`,
        },
        flowSchema,
      );
    },
  };
}

/** Kosli reads the JSON of every multipart write from the `data_json` field. */
function formWith(data: unknown): FormData {
  const form = new FormData();
  form.append('data_json', JSON.stringify(data));
  return form;
}

function hrefs(urls: Record<string, string>): Record<string, { href: string }> {
  return Object.fromEntries(Object.entries(urls).map(([label, href]) => [label, { href }]));
}

function isoFromUnix(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

/**
 * Maps a snapshot artifact, taking its provenance from the `flows[]` entry of the configured flow.
 * An artifact built in one flow and promoted in another has several entries, so never `flows[0]`.
 */
function runningArtifact(artifact: WireSnapshotArtifact, flow: string | undefined): RunningArtifact {
  const common = {
    name: artifact.name,
    fingerprint: artifact.fingerprint,
    compliant: artifact.compliant ?? null,
    htmlUrl: artifact.html_url ?? null,
  };
  const entry = flow === undefined ? undefined : (artifact.flows ?? []).find((candidate) => candidate.flow_name === flow);
  if (entry) {
    return {
      ...common,
      commit: entry.git_commit || entry.git_commit_info?.sha1 || null,
      commitTimestamp: entry.git_commit_info?.timestamp ?? null,
      flow: entry.flow_name,
      trail: entry.trail_name,
      templateName: entry.template_reference_name ?? null,
      commitUrl: entry.commit_url ?? null,
      htmlUrl: entry.html_url ?? common.htmlUrl,
    };
  }
  if (flow !== undefined && artifact.flow_name === flow) {
    // The top-level fields mirror one flow but name no trail.
    return { ...common, commit: artifact.git_commit || null, commitTimestamp: null, flow, trail: null, templateName: null, commitUrl: artifact.commit_url ?? null };
  }
  return { ...common, commit: null, commitTimestamp: null, flow: null, trail: null, templateName: null, commitUrl: null };
}

function complianceOf(trail: WireTrail): TrailCompliance {
  const state = trail.compliance_state ?? trail.compliance_status?.status ?? '';
  return COMPLIANCE.find((value) => value === state) ?? 'UNKNOWN';
}

function isFailing(status: WireAttestationStatus): boolean {
  return status.status === 'MISSING' || status.is_compliant === false;
}

/** Trail-level names as they are; artifact-level ones as "<artifact>.<attestation>" (the CLI's notation). */
function failingAttestations(trail: WireTrail): string[] {
  const failing: string[] = [];
  for (const status of trail.compliance_status?.attestations_statuses ?? []) {
    if (isFailing(status)) failing.push(status.attestation_name);
  }
  for (const [artifact, artifactStatus] of Object.entries(trail.compliance_status?.artifacts_statuses ?? {})) {
    if (artifactStatus.status === 'MISSING') failing.push(artifact);
    for (const status of artifactStatus.attestations_statuses ?? []) {
      if (isFailing(status)) failing.push(`${artifact}.${status.attestation_name}`);
    }
  }
  return [...new Set(failing)];
}

function pullRequestAttestationNames(trail: WireTrail): string[] {
  const statuses = [
    ...(trail.compliance_status?.attestations_statuses ?? []),
    ...Object.values(trail.compliance_status?.artifacts_statuses ?? {}).flatMap((artifact) => artifact.attestations_statuses ?? []),
  ];
  return [...new Set(statuses.filter((s) => s.attestation_type === 'pull_request' && s.status !== 'MISSING').map((s) => s.attestation_name))];
}

function toPullRequestEvidence(pr: { url: string; author?: string | null; approvers?: (string | { username: string; state?: string | null })[] | null }): PullRequestEvidence {
  const approvers = (pr.approvers ?? []).flatMap((approver) => {
    if (typeof approver === 'string') return [approver];
    // V2 approvers carry the review state; only an approval counts as one.
    return approver.state === undefined || approver.state === null || approver.state === 'APPROVED' ? [approver.username] : [];
  });
  return { url: pr.url, author: pr.author ?? null, approvers: [...new Set(approvers)] };
}

function dedupeByUrl(pullRequests: PullRequestEvidence[]): PullRequestEvidence[] {
  const byUrl = new Map<string, PullRequestEvidence>();
  for (const pr of pullRequests) {
    const seen = byUrl.get(pr.url);
    byUrl.set(pr.url, seen ? { ...seen, approvers: [...new Set([...seen.approvers, ...pr.approvers])] } : pr);
  }
  return [...byUrl.values()];
}

const userDataObject = z.record(z.string(), z.unknown());

function userDataOf(value: unknown): Record<string, unknown> | null {
  let candidate = value;
  if (typeof value === 'string') {
    try {
      candidate = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const parsed = userDataObject.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

function policyFailures(policy: WirePolicyDecision): PolicyFailure[] {
  if (policy.status === 'COMPLIANT') return [];
  return (policy.rule_evaluations ?? [])
    .filter((rule) => !rule.ignored && rule.satisfied !== true)
    .map((rule) => ({
      policy: policy.policy_name,
      rule: rule.rule.type ?? stringField(rule.rule.definition, 'type') ?? 'unknown',
      resolutions: (rule.resolutions ?? []).filter((r) => r.type !== 'rule_satisfied' && r.type !== 'rule_not_applicable').map((r) => describeResolution(rule, r)),
    }));
}

function stringField(record: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A resolution as a sentence, after the CLI's `policyFailures` wording (assertArtifact.go). */
function describeResolution(rule: WireRuleEvaluation, resolution: { type: string; context?: Record<string, unknown> | null }): string {
  const name = stringField(rule.rule.definition, 'name');
  const type = stringField(rule.rule.definition, 'type');
  const flow = stringField(resolution.context, 'flow_name');
  const trail = stringField(resolution.context, 'trail_name');
  const where = flow && trail ? ` in trail '${trail}' of flow '${flow}'` : '';
  switch (resolution.type) {
    case 'missing_attestation':
      return `missing_attestation: ${name ?? 'an attestation'}${type ? ` (${type})` : ''} is missing${where}`;
    case 'non_compliant_attestation':
      return `non_compliant_attestation: ${name ?? 'an attestation'} is not compliant${where}`;
    case 'non_compliant_in_trail':
      return `non_compliant_in_trail: the artifact is not compliant${where || ' in its trail'}`;
    case 'legacy_flow':
      return 'legacy_flow: the artifact comes from a legacy flow without attestations';
    default:
      return `${resolution.type}${where}`;
  }
}

/**
 * Kosli refuses the latest snapshot of an environment that has never reported, with "Snapshot
 * '<env>#-1' resolves to '<env>#0'. len(snapshots) == 0. Indexes are 1-based" (the CLI's
 * cmd/kosli/getSnapshot_test.go); for the app that is an environment running nothing yet.
 */
function neverReported(error: unknown): boolean {
  return error instanceof AppError && error.code === 'UPSTREAM_REJECTED' && error.message.includes('len(snapshots) == 0');
}
