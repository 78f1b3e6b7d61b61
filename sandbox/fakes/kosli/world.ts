/**
 * The fake Kosli's world: flows with templates, trails with attestations and artifacts, custom
 * attestation types, environments with policies and snapshots, all in memory.
 *
 * The sandbox simulation and the tests seed it through these methods (standing in for CI jobs that
 * run `kosli attest …` and for environment reporters), and the HTTP fake in ./kosli-fake.ts serves
 * it. The pieces: ./state.ts (records, inputs, indexes), ./wire.ts (the JSON Kosli answers),
 * ./template.ts (flow templates and trail compliance), ./policy.ts (environment policies) and
 * ./custom-types.ts (custom attestation types). It models the service only: which flows, policies
 * and environments exist is up to whoever seeds it (sandbox/world for the original process).
 */
import { createHash } from 'node:crypto';
import { compileTypeSchema, type CustomTypeVersion, describeSchemaErrors, evaluateRules } from './custom-types';
import { evaluatePolicy, policyDump, policyRecord, type PolicyRecord, type PolicyRules } from './policy';
import {
  type ArtifactRecord,
  type AttestationRecord,
  type AttestInput,
  type EnvironmentRecord,
  type FlowRecord,
  type GitCommitInfo,
  type GitCommitInput,
  attestationsOfCommit,
  emptyIndexes,
  indexArtifact,
  indexAttestation,
  indexTrail,
  KosliWorldError,
  latest,
  type Provenance,
  type TrailRecord,
  trailKey,
  trailsWithArtifact,
} from './state';
import { parseTemplate, trailCompliance, type TrailCompliance, templateTrailJson } from './template';
import {
  attestationJson,
  type DeploymentDiffJson,
  type Json,
  type SnapshotArtifactJson,
  type SnapshotFlowJson,
  type SnapshotJson,
  trailEvents,
} from './wire';

export { KosliWorldError } from './state';
export type { AttestInput, GitCommitInfo, GitCommitInput, PullRequestInput } from './state';
export type { PolicyRules } from './policy';
export type { FlowTemplate, TemplateAttestation } from './template';
export type {
  AttestationStatusJson,
  ArtifactStatusJson,
  PolicyDecisionJson,
  SnapshotArtifactJson,
  SnapshotJson,
} from './wire';

export interface KosliWorldOptions {
  org?: string;
  token?: string;
  /** Unix seconds; defaults to the wall clock. */
  now?: () => number;
  /** Base of the html_url links, e.g. https://app.kosli.com. */
  uiHost?: string;
}

const SHA = /^[0-9a-f]{40}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const NAME = /^[a-zA-Z0-9\-_,]+$/;
/** Flow and trail names: "must start with a letter or number, and only contain letters, numbers, ., -, _, and ~" (cmd/kosli/beginTrail.go). */
const ENTITY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._~-]*$/;

export class KosliWorld {
  readonly org: string;
  /** The API token the fake accepts (`Authorization: Bearer <token>`). */
  token: string;
  readonly uiHost: string;
  private readonly clock: () => number;
  private sequence = 0;
  private readonly flows = new Map<string, FlowRecord>();
  private readonly trails = new Map<string, TrailRecord>();
  private readonly environments = new Map<string, EnvironmentRecord>();
  private readonly policies = new Map<string, PolicyRecord>();
  private readonly customTypes = new Map<string, CustomTypeVersion[]>();
  private readonly indexes = emptyIndexes();

  constructor(options: KosliWorldOptions = {}) {
    this.org = options.org ?? 'acme';
    this.token = options.token ?? 'kosli-fake-token';
    this.clock = options.now ?? (() => Date.now() / 1000);
    this.uiHost = (options.uiHost ?? 'https://app.kosli.com').replace(/\/+$/, '');
  }

  now(): number {
    return this.clock();
  }

  /** A deterministic id shaped like Kosli's truncated uuids ("a3c84fec-c679-4536-83df-35d25f2d"). */
  private id(kind: string): string {
    const hex = createHash('sha256').update(`${this.org}:${kind}:${++this.sequence}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 28)}`;
  }

  // ---- flows -------------------------------------------------------------------------------

  /**
   * Creates or updates a flow; the template is Kosli's flow template YAML (`version: 1` when omitted).
   * 'updated' for an existing flow: the API answers 200 then, and the CLI prints "flow '<name>' was
   * updated" (cmd/kosli/createFlow.go).
   */
  createFlow(
    name: string,
    templateYaml = 'version: 1\n',
    options: { description?: string; visibility?: 'public' | 'private'; tags?: Record<string, string> } = {},
  ): 'created' | 'updated' {
    if (!ENTITY_NAME.test(name))
      throw new KosliWorldError(
        400,
        `Invalid flow name '${name}': it must start with a letter or number and contain only letters, numbers, '.', '-', '_' and '~'`,
      );
    const template = parseTemplate(templateYaml);
    const existing = this.flows.get(name);
    this.flows.set(name, {
      id: existing?.id ?? this.id('flow'),
      name,
      description: options.description ?? existing?.description ?? '',
      visibility: options.visibility ?? existing?.visibility ?? 'private',
      tags: options.tags ?? existing?.tags ?? {},
      templateYaml,
      template,
      templateId: this.id('template'),
      createdAt: existing?.createdAt ?? this.now(),
    });
    return existing ? 'updated' : 'created';
  }

  private requireFlow(name: string): FlowRecord {
    const flow = this.flows.get(name);
    // The wording of the CLI's golden files (cmd/kosli/getFlow_test.go).
    if (!flow) throw new KosliWorldError(404, `Flow named '${name}' does not exist for organization '${this.org}'`);
    return flow;
  }

  /** GET /flows/{org}/{flow}: `{name, description, visibility, template, tags, …}`. */
  flowJson(name: string): Record<string, Json> {
    const flow = this.requireFlow(name);
    return {
      name: flow.name,
      description: flow.description,
      visibility: flow.visibility,
      template: { version: flow.template.version, trail: templateTrailJson(flow.template) },
      tags: flow.tags,
      // unverified: the remaining flow fields are not shown by any reference example.
      last_deployment_at: null,
    };
  }

  // ---- trails ------------------------------------------------------------------------------

  /** Creates the trail (201) or updates the fields given (200), like `PUT /trails/{org}/{flow}`. */
  beginTrail(
    flowName: string,
    name: string,
    options: {
      description?: string | null;
      gitCommitInfo?: GitCommitInput | null;
      originUrl?: string | null;
      externalUrls?: Record<string, { href: string; fingerprint?: string | null }> | null;
      userData?: Record<string, unknown> | unknown[] | null;
      /** `kosli begin trail --template-file`: this trail's own template (cmd/kosli/beginTrail.go). */
      templateYaml?: string | null;
    } = {},
  ): 'created' | 'updated' {
    this.requireFlow(flowName);
    if (!ENTITY_NAME.test(name))
      throw new KosliWorldError(
        400,
        `Invalid trail name '${name}': it must start with a letter or number and contain only letters, numbers, '.', '-', '_' and '~'`,
      );
    const template = options.templateYaml != null ? parseTemplate(options.templateYaml) : null;
    const key = trailKey(flowName, name);
    const existing = this.trails.get(key);
    const now = this.now();
    if (existing) {
      if (options.description != null) existing.description = options.description;
      if (options.gitCommitInfo) existing.gitCommitInfo = this.commitInfo(options.gitCommitInfo);
      if (options.originUrl != null) existing.originUrl = options.originUrl;
      if (options.externalUrls != null) existing.externalUrls = { ...existing.externalUrls, ...options.externalUrls };
      if (options.userData != null) existing.userData = options.userData;
      if (template) existing.template = template;
      existing.lastModifiedAt = now;
      return 'updated';
    }
    const trail: TrailRecord = {
      id: this.id('trail'),
      flow: flowName,
      name,
      description: options.description ?? '',
      gitCommitInfo: options.gitCommitInfo ? this.commitInfo(options.gitCommitInfo) : null,
      originUrl: options.originUrl ?? null,
      userData: options.userData ?? {},
      externalUrls: options.externalUrls ?? null,
      createdAt: now,
      lastModifiedAt: now,
      attestations: [],
      artifacts: [],
      template,
    };
    this.trails.set(key, trail);
    indexTrail(this.indexes, trail);
    return 'created';
  }

  private requireTrail(flowName: string, name: string): TrailRecord {
    this.requireFlow(flowName);
    const trail = this.trails.get(trailKey(flowName, name));
    // The wording of the CLI's golden files (cmd/kosli/getTrail_test.go).
    if (!trail)
      throw new KosliWorldError(
        404,
        `Trail with name '${name}' does not exist for Organization '${this.org}' and Flow '${flowName}'`,
      );
    return trail;
  }

  private commitInfo(input: GitCommitInput): GitCommitInfo {
    return {
      sha1: input.sha1,
      message: input.message ?? '',
      author: input.author ?? 'Unknown <unknown@example.com>',
      branch: input.branch ?? 'main',
      timestamp: input.timestamp ?? this.now(),
      url: input.url ?? null,
    };
  }

  // ---- attestations ------------------------------------------------------------------------

  /**
   * Records an attestation (or an artifact) on a trail, validating it as Kosli does: name pattern,
   * fingerprint and commit shapes, and for custom types the JSON schema and jq rules.
   */
  attest(flowName: string, trailName: string, input: AttestInput): { id: string; isCompliant: boolean } {
    const trail = this.requireTrail(flowName, trailName);
    const now = this.now();
    if (input.type === 'artifact') {
      if (!FINGERPRINT.test(input.fingerprint))
        throw new KosliWorldError(400, `Invalid fingerprint '${input.fingerprint}': expected 64 hex characters`);
      const commit = input.git_commit_info ? this.commitInfo(input.git_commit_info) : trail.gitCommitInfo;
      if (commit && !SHA.test(commit.sha1))
        throw new KosliWorldError(400, `Invalid git commit '${commit.sha1}': expected 40 hex characters`);
      const record: ArtifactRecord = {
        id: this.id('artifact'),
        templateName: input.name,
        fingerprint: input.fingerprint,
        filename: input.filename ?? `${input.name}:${commit?.sha1.slice(0, 7) ?? input.fingerprint.slice(0, 7)}`,
        gitCommitInfo: commit,
        commitUrl: input.commit_url ?? commit?.url ?? null,
        buildUrl: input.build_url ?? null,
        createdAt: now,
      };
      trail.artifacts.push(record);
      indexArtifact(this.indexes, trail, record.fingerprint);
      for (const pending of trail.attestations) {
        if (pending.targetArtifact === input.name) {
          pending.artifactFingerprint = input.fingerprint;
          pending.targetArtifact = null;
        }
      }
      trail.lastModifiedAt = now;
      return { id: record.id, isCompliant: true };
    }

    if (!NAME.test(input.attestation_name)) {
      throw new KosliWorldError(
        400,
        `Invalid attestation name '${input.attestation_name}': it must match ^[a-zA-Z0-9\\-_,]+$`,
      );
    }
    if (input.artifact_fingerprint != null && !FINGERPRINT.test(input.artifact_fingerprint)) {
      throw new KosliWorldError(
        400,
        `Invalid artifact_fingerprint '${input.artifact_fingerprint}': expected 64 hex characters`,
      );
    }
    if (
      input.artifact_fingerprint != null &&
      !trail.artifacts.some((a) => a.fingerprint === input.artifact_fingerprint)
    ) {
      // The wording of the CLI's golden files (cmd/kosli/attestJira_test.go, attestSnyk_test.go);
      // unverified: the status (the CLI prints any non-2xx message alike).
      throw new KosliWorldError(
        404,
        `Artifact with fingerprint ${input.artifact_fingerprint} does not exist in trail "${trailName}" of flow "${flowName}" belonging to organization "${this.org}"`,
      );
    }
    const targets = input.target_artifacts ?? [];
    if (targets.length > 1)
      throw new KosliWorldError(400, 'target_artifacts: at most one template artifact can be named');
    const target = targets[0] ?? null;
    if (target !== null && input.artifact_fingerprint != null)
      throw new KosliWorldError(400, 'target_artifacts and artifact_fingerprint are mutually exclusive');
    const targetReported =
      target === null ? undefined : latest(trail.artifacts.filter((a) => a.templateName === target));
    for (const key of Object.keys(input.annotations ?? {})) {
      if (!/^[A-Za-z0-9_-]+$/.test(key))
        throw new KosliWorldError(400, `Invalid annotation key '${key}': it must match ^[A-Za-z0-9_-]+$`);
    }
    const commit = input.git_commit_info ? this.commitInfo(input.git_commit_info) : trail.gitCommitInfo;

    let type: string;
    let isCompliant: boolean;
    let payload: Record<string, unknown>;
    let unevaluatedRules: string[] = [];
    switch (input.type) {
      case 'jira':
        type = 'jira';
        // As `kosli attest jira --assert`: compliant when at least one key was found and all exist.
        isCompliant = input.jira_results.length > 0 && input.jira_results.every((result) => result.issue_exists);
        payload = { jira_results: input.jira_results.map((result) => ({ issue_url: '', ...result })) };
        break;
      case 'pull_request':
        type = 'pull_request';
        isCompliant = input.pull_requests.length > 0;
        payload = { git_provider: input.git_provider ?? 'github', pull_requests: input.pull_requests };
        break;
      case 'generic':
        type = 'generic';
        isCompliant = input.is_compliant;
        payload = {};
        break;
      case 'custom': {
        const version = this.customTypes.get(input.type_name)?.at(-1);
        if (!version)
          throw new KosliWorldError(
            400,
            `Custom attestation type '${input.type_name}' does not exist in organization '${this.org}'`,
          );
        if (version.schema !== null) {
          const validate = compileTypeSchema(version.schema);
          if (!validate(input.attestation_data)) {
            throw new KosliWorldError(
              400,
              `Attestation data does not match the schema of custom attestation type '${input.type_name}'`,
              describeSchemaErrors(validate.errors),
            );
          }
        }
        const outcome = evaluateRules(version.rules, input.attestation_data);
        type = `custom:${input.type_name}`;
        isCompliant = outcome.compliant;
        unevaluatedRules = outcome.unevaluated;
        // unverified: the read-back field name of custom data; the write uses attestation_data.
        payload = { attestation_data: input.attestation_data, type_version: version.version };
        break;
      }
    }
    const record: AttestationRecord = {
      id: this.id('attestation'),
      name: input.attestation_name,
      type,
      isCompliant,
      artifactFingerprint: input.artifact_fingerprint ?? targetReported?.fingerprint ?? null,
      gitCommitInfo: commit,
      createdAt: now,
      description: input.description ?? null,
      originUrl: input.origin_url ?? null,
      annotations: input.annotations ?? {},
      userData: input.user_data ?? {},
      externalUrls: input.external_urls ?? null,
      payload,
      unevaluatedRules,
      targetArtifact: target !== null && targetReported === undefined ? target : null,
    };
    trail.attestations.push(record);
    indexAttestation(this.indexes, trail, record);
    trail.lastModifiedAt = now;
    return { id: record.id, isCompliant };
  }

  /** The jq rules the fake could not evaluate, per attestation, for tests to inspect. */
  unevaluatedRules(): { flow: string; trail: string; attestation: string; rules: string[] }[] {
    return [...this.trails.values()].flatMap((trail) =>
      trail.attestations
        .filter((a) => a.unevaluatedRules.length > 0)
        .map((a) => ({ flow: trail.flow, trail: trail.name, attestation: a.name, rules: a.unevaluatedRules })),
    );
  }

  /** GET /attestations/{org}/{flow}/trail/{trail}/{name}: every attestation of that name, oldest first. */
  trailAttestationsJson(flowName: string, trailName: string, name: string): Record<string, unknown>[] {
    const trail = this.requireTrail(flowName, trailName);
    return trail.attestations.filter((a) => a.name === name).map((a) => attestationJson(a, this.trailUrl(trail)));
  }

  /** GET /attestations/{org}/list_attestations_for_criteria: `{ "<sha>": [attestations…] }`, one key per sha asked. */
  attestationsForCommits(
    shas: readonly string[],
    filter: { flow?: string; type?: string; name?: string },
  ): Record<string, Record<string, unknown>[]> {
    const result: Record<string, Record<string, unknown>[]> = Object.fromEntries(shas.map((sha) => [sha, []]));
    for (const sha of new Set(shas)) {
      for (const { trail, record } of attestationsOfCommit(this.indexes, sha)) {
        if (filter.flow !== undefined && trail.flow !== filter.flow) continue;
        if (filter.type !== undefined && record.type !== filter.type) continue;
        if (filter.name !== undefined && record.name !== filter.name) continue;
        result[sha]?.push(attestationJson(record, this.trailUrl(trail)));
      }
    }
    return result;
  }

  // ---- trail compliance --------------------------------------------------------------------

  private complianceOf(trail: TrailRecord): TrailCompliance {
    return trailCompliance(this.requireFlow(trail.flow), trail, this.now());
  }

  /** GET /trails/{org}/{flow}/{trail}, shaped like examples/trail-response.json. */
  trailJson(flowName: string, trailName: string): Record<string, unknown> {
    const trail = this.requireTrail(flowName, trailName);
    const flow = this.requireFlow(flowName);
    const compliance = this.complianceOf(trail);
    return {
      name: trail.name,
      description: trail.description,
      git_commit_info: trail.gitCommitInfo,
      origin_url: trail.originUrl,
      user_data: trail.userData,
      repo_ids: [],
      last_modified_at: trail.lastModifiedAt,
      created_at: trail.createdAt,
      compliance_status: {
        status: compliance.state,
        is_compliant: compliance.state === 'COMPLIANT',
        attestations_statuses: compliance.attestations,
        artifacts_statuses: compliance.artifacts,
        evaluated_at: this.now(),
        flow_template_id: flow.templateId,
      },
      template: {
        version: (trail.template ?? flow.template).version,
        trail: templateTrailJson(trail.template ?? flow.template),
        content: flow.templateYaml,
      },
      compliance_state: compliance.state,
      is_compliant: compliance.state === 'COMPLIANT',
      events: trailEvents(this.orgId(), flow, trail),
      created_by: 'fake-service-account',
      flow: { name: flow.name, tags: flow.tags },
      external_urls: trail.externalUrls,
      html_url: this.trailUrl(trail),
    };
  }

  private orgId(): string {
    return createHash('sha256').update(`org:${this.org}`).digest('hex').slice(0, 32);
  }

  private trailUrl(trail: TrailRecord): string {
    return `${this.uiHost}/${this.org}/flows/${encodeURIComponent(trail.flow)}/trails/${encodeURIComponent(trail.name)}`;
  }

  // ---- custom attestation types ------------------------------------------------------------

  /** Creates a type or adds a version (POST /custom-attestation-types/{org}); returns the version. */
  upsertCustomType(
    name: string,
    input: {
      description?: string | null;
      schema?: unknown;
      rules?: string[];
      summary?: { name: string; expression: string }[];
    },
  ): number {
    const schema = input.schema ?? null;
    if (schema !== null) {
      try {
        compileTypeSchema(schema);
      } catch (error) {
        throw new KosliWorldError(
          400,
          `Invalid schema for custom attestation type '${name}': ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const versions = this.customTypes.get(name) ?? [];
    const version = versions.length + 1;
    versions.push({
      name,
      version,
      description: input.description ?? null,
      schema,
      rules: input.rules ?? [],
      summary: input.summary ?? [],
      createdAt: this.now(),
    });
    this.customTypes.set(name, versions);
    return version;
  }

  customType(name: string): CustomTypeVersion | undefined {
    return this.customTypes.get(name)?.at(-1);
  }

  // ---- environments, policies, snapshots ---------------------------------------------------

  /** Defines (or versions) an environment policy; the original process's three are predefined. */
  definePolicy(name: string, rules: PolicyRules): void {
    this.policies.set(
      name,
      policyRecord(name, rules, this.policies.get(name), () => this.id('policy')),
    );
  }

  createEnvironment(name: string, options: { type?: string; description?: string; policies?: string[] } = {}): void {
    for (const policy of options.policies ?? []) {
      if (!this.policies.has(policy))
        throw new KosliWorldError(404, `Policy '${policy}' does not exist in organization '${this.org}'`);
    }
    const existing = this.environments.get(name);
    this.environments.set(name, {
      id: existing?.id ?? this.id('environment'),
      name,
      type: options.type ?? existing?.type ?? 'server',
      description: options.description ?? existing?.description ?? '',
      policies: options.policies ?? existing?.policies ?? [],
      createdAt: existing?.createdAt ?? this.now(),
      snapshots: existing?.snapshots ?? [],
    });
  }

  private requireEnvironment(name: string): EnvironmentRecord {
    const environment = this.environments.get(name);
    // The wording of the CLI's golden files (cmd/kosli/assertSnapshot_test.go).
    if (!environment)
      throw new KosliWorldError(404, `Environment named '${name}' does not exist for organization '${this.org}'`);
    return environment;
  }

  /** GET /environments/{org}/{env}. unverified: only `name` is relied on; the rest follows `PUT /environments`. */
  environmentJson(name: string): Record<string, Json> {
    const environment = this.requireEnvironment(name);
    return {
      name: environment.name,
      type: environment.type,
      description: environment.description,
      policies: environment.policies,
      last_reported_at: environment.snapshots.at(-1)?.timestamp ?? null,
      last_modified_at: environment.createdAt,
      tags: {},
    };
  }

  /**
   * Records what runs in the environment now (like `kosli snapshot paths|k8s|…`), resolving each
   * artifact's provenance and compliance. One entry is one running instance; list a fingerprint
   * twice for two instances. Artifacts running before and not now appear once more as exited.
   */
  reportSnapshot(
    environmentName: string,
    running: readonly { name: string; fingerprint: string }[],
    at: number = this.now(),
  ): SnapshotJson {
    const environment = this.requireEnvironment(environmentName);
    for (const artifact of running) {
      if (!FINGERPRINT.test(artifact.fingerprint))
        throw new KosliWorldError(400, `Invalid fingerprint '${artifact.fingerprint}' for '${artifact.name}'`);
    }
    const previous = environment.snapshots.at(-1);
    const index = (previous?.index ?? 0) + 1;
    const instances = new Map<string, { name: string; count: number }>();
    for (const artifact of running) {
      const seen = instances.get(artifact.fingerprint);
      instances.set(artifact.fingerprint, { name: artifact.name, count: (seen?.count ?? 0) + 1 });
    }
    const wasRunning = (fingerprint: string) =>
      previous?.artifacts.find((a) => a.fingerprint === fingerprint && a.annotation.now > 0);

    const artifacts: SnapshotArtifactJson[] = [];
    for (const [fingerprint, { name, count }] of instances) {
      const before = wasRunning(fingerprint);
      const decisions = environment.policies.map((policy) =>
        this.evaluatePolicy(this.requirePolicy(policy), fingerprint),
      );
      // unverified: an environment without policies has no verdict beyond "nothing failed".
      const compliant = decisions.every((d) => d.status === 'COMPLIANT');
      const flows = this.provenanceOf(fingerprint).map((p) => this.snapshotFlowJson(environment, name, p, at));
      const primary = flows[0];
      artifacts.push({
        name,
        compliant,
        deployments: [],
        policy_decisions: decisions,
        // unverified: the wording of reasons_for_incompliance (empty in the real example).
        reasons_for_incompliance: decisions
          .filter((d) => d.status !== 'COMPLIANT')
          .map((d) => `Policy '${d.policy_name}' is not satisfied`),
        fingerprint,
        creationTimestamp: instanceStarts(before?.creationTimestamp ?? [], count, at),
        pods: null,
        annotation: {
          // unverified: "started-non-compliant" (the real example shows started-compliant, unchanged, exited).
          type: before ? 'unchanged' : compliant ? 'started-compliant' : 'started-non-compliant',
          was: before?.annotation.now ?? 0,
          now: count,
        },
        // unverified: the top-level provenance fields of an artifact with no provenance (null here).
        flow_name: primary?.flow_name ?? null,
        git_commit: primary?.git_commit ?? null,
        commit_url: primary?.commit_url ?? null,
        html_url: primary?.html_url ?? null,
        flow_html_url: primary?.flow_html_url ?? null,
        deployment_diff: primary?.deployment_diff ?? null,
        commit_lead_time: primary?.commit_lead_time ?? null,
        flows,
      });
    }
    for (const gone of previous?.artifacts ?? []) {
      if (gone.annotation.now > 0 && !instances.has(gone.fingerprint)) {
        artifacts.push({ ...gone, annotation: { type: 'exited', was: gone.annotation.now, now: 0 } });
      }
    }

    const live = artifacts.filter((a) => a.annotation.now > 0);
    const snapshot: SnapshotJson = {
      index,
      is_latest: true,
      next_snapshot_timestamp: null,
      artifact_compliance_count: {
        true: live.filter((a) => a.compliant).length,
        false: live.filter((a) => !a.compliant).length,
        null: 0,
      },
      timestamp: at,
      type: environment.type,
      compliant: live.every((a) => a.compliant),
      html_url: `${this.uiHost}/${this.org}/environments/${encodeURIComponent(environment.name)}/snapshots/${index}`,
      artifacts,
      applied_policies: environment.policies.map((policyName) => {
        const policy = this.requirePolicy(policyName);
        return {
          id: policy.id,
          name: policy.name,
          version: policy.version,
          policy_dump: policyDump(policy),
          // unverified: what failing_artifacts lists (empty in the real example); fingerprints here.
          failing_artifacts: live
            .filter((a) => a.policy_decisions.some((d) => d.policy_name === policy.name && d.status !== 'COMPLIANT'))
            .map((a) => a.fingerprint),
        };
      }),
    };
    if (previous) {
      previous.is_latest = false;
      previous.next_snapshot_timestamp = at;
    }
    environment.snapshots.push(snapshot);
    return snapshot;
  }

  /**
   * GET /snapshots/{org}/{env}/{expression}, for the expressions the CLI sends
   * (`handleSnapshotExpressions` in cmd/kosli/cli_utils.go): `-1` for a bare environment name, and
   * the path-escaped `#N` (1-based), `~N` (N before the latest) and `@{…}` (the snapshot running at
   * a time: `now`, an ISO date-time, or `N.<unit>.ago`); plain `N` and `-N` too.
   *
   * An environment that never reported has no snapshot at all: Kosli refuses the request with the
   * message of cmd/kosli/getSnapshot_test.go ("… resolves to '<env>#0'. len(snapshots) == 0.
   * Indexes are 1-based"), and so does an index past the end. unverified: the status (400 here);
   * the CLI prints any non-2xx `message` alike (internal/requests/requests.go).
   */
  snapshot(environmentName: string, expression: string): SnapshotJson {
    const { snapshots } = this.requireEnvironment(environmentName);
    const count = snapshots.length;
    let index: number;
    if (/^-\d+$/.test(expression)) index = count + Number(expression) + 1;
    else if (/^#?\d+$/.test(expression)) index = Number(expression.replace('#', ''));
    else if (/^~\d+$/.test(expression)) index = count - Number(expression.slice(1));
    else if (/^@\{.+\}$/.test(expression)) index = this.indexAt(snapshots, expression.slice(2, -1));
    else
      throw new KosliWorldError(
        400,
        `Invalid snapshot expression '${expression}' for environment '${environmentName}'`,
      );
    const snapshot = index >= 1 ? snapshots[index - 1] : undefined;
    if (!snapshot) {
      const asked =
        expression.startsWith('#') || expression.startsWith('~') || expression.startsWith('@')
          ? expression
          : `#${expression}`;
      throw new KosliWorldError(
        400,
        `Org: '${this.org}'. Snapshot '${environmentName}${asked}' resolves to '${environmentName}#${Math.max(index, 0)}'. len(snapshots) == ${count}. Indexes are 1-based`,
      );
    }
    return snapshot;
  }

  /** The 1-based index of the snapshot current at `when` (0 when none was); `when` as in `@{…}`. */
  private indexAt(snapshots: readonly SnapshotJson[], when: string): number {
    const units: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800 };
    const relative = /^(\d+)\.(second|minute|hour|day|week)s?\.ago$/.exec(when);
    let at: number;
    if (when === 'now') at = this.now();
    else if (relative) at = this.now() - Number(relative[1]) * (units[relative[2] ?? 'second'] ?? 1);
    else {
      const parsed = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(when) ? when : `${when}Z`);
      if (Number.isNaN(parsed)) throw new KosliWorldError(400, `Invalid snapshot time '${when}'`);
      at = parsed / 1000;
    }
    let index = 0;
    snapshots.forEach((snapshot, i) => {
      if (snapshot.timestamp <= at) index = i + 1;
    });
    return index;
  }

  private requirePolicy(name: string): PolicyRecord {
    const policy = this.policies.get(name);
    if (!policy) throw new KosliWorldError(404, `Policy '${name}' does not exist in organization '${this.org}'`);
    return policy;
  }

  /** Every (flow, trail) in which the fingerprint was reported as an artifact, oldest first. */
  private provenanceOf(fingerprint: string): Provenance[] {
    const found: Provenance[] = [];
    for (const trail of trailsWithArtifact(this.indexes, fingerprint)) {
      const artifact = latest(trail.artifacts.filter((a) => a.fingerprint === fingerprint));
      const flow = this.flows.get(trail.flow);
      if (artifact && flow) found.push({ flow, trail, artifact });
    }
    return found.sort((a, b) => a.artifact.createdAt - b.artifact.createdAt);
  }

  private snapshotFlowJson(environment: EnvironmentRecord, name: string, p: Provenance, at: number): SnapshotFlowJson {
    const compliance = this.complianceOf(p.trail);
    const artifactStatus = compliance.artifacts[p.artifact.templateName]?.status;
    const commit = p.artifact.gitCommitInfo;
    const flowUrl = `${this.uiHost}/${this.org}/flows/${encodeURIComponent(p.flow.name)}`;
    return {
      flow_name: p.flow.name,
      trail_name: p.trail.name,
      template_reference_name: p.artifact.templateName,
      git_commit: commit?.sha1 ?? null,
      commit_url: p.artifact.commitUrl,
      git_commit_info: commit,
      html_url: `${flowUrl}/artifacts/${p.artifact.fingerprint}?artifact_id=${p.artifact.id}`,
      flow_html_url: flowUrl,
      deployment_diff: this.deploymentDiff(environment, name, p),
      commit_lead_time: commit ? at - commit.timestamp : null,
      artifact_compliance_in_flow: artifactStatus === 'COMPLIANT',
      // unverified: the wording of flow_reasons_for_non_compliance (empty in the real example).
      flow_reasons_for_non_compliance:
        artifactStatus === 'COMPLIANT' ? [] : [`Artifact is ${artifactStatus ?? 'unknown'} in trail '${p.trail.name}'`],
    };
  }

  /** What ran under the same name before in this environment, in the same flow (null when nothing did). */
  private deploymentDiff(environment: EnvironmentRecord, name: string, p: Provenance): DeploymentDiffJson | null {
    for (let i = environment.snapshots.length - 1; i >= 0; i--) {
      const earlier = environment.snapshots[i]?.artifacts.find(
        (a) => a.name === name && a.fingerprint !== p.artifact.fingerprint && a.annotation.now > 0,
      );
      if (!earlier) continue;
      const entry = earlier.flows.find((f) => f.flow_name === p.flow.name);
      if (!entry) return null;
      const current = p.artifact.gitCommitInfo?.sha1;
      const compare =
        current && entry.git_commit && p.artifact.commitUrl?.includes('/commit/')
          ? p.artifact.commitUrl.replace(/\/commit\/[0-9a-f]+$/, `/compare/${entry.git_commit}...${current}`)
          : null;
      return {
        diff_url: compare,
        previous_git_commit: entry.git_commit,
        previous_fingerprint: earlier.fingerprint,
        previous_artifact_name: earlier.name,
        previous_artifact_compliance_state: earlier.compliant ? 'COMPLIANT' : 'NON-COMPLIANT',
        previous_running: false,
        previous_git_commit_url: entry.commit_url,
        previous_trail_name: entry.trail_name,
        previous_template_reference_name: entry.template_reference_name,
      };
    }
    return null;
  }

  private evaluatePolicy(policy: PolicyRecord, fingerprint: string) {
    return evaluatePolicy(policy, fingerprint, this.provenanceOf(fingerprint), (p) => this.complianceOf(p.trail));
  }

  /**
   * GET /asserts/{org}/fingerprint/{fp}, in the shape the CLI reads (`printAssertAsTable` in
   * cmd/kosli/assertArtifact.go). The scope follows the query the CLI builds there: an environment
   * name evaluates the environment's policies (scope "environment"), `policy_name`s evaluate those
   * policies (scope "policy"), and a flow alone asserts the artifact's trail compliance in that
   * flow (scope "flow", with `flow`, `trail` and `compliance_status` at the top level).
   */
  /**
   * Kosli no longer knows the artifact (an org's retention, a deleted flow): its provenance and its
   * appearances in environment snapshots are gone, so lookups by fingerprint answer 404.
   */
  forgetArtifact(fingerprint: string): void {
    for (const trail of this.trails.values())
      trail.artifacts = trail.artifacts.filter((a) => a.fingerprint !== fingerprint);
    for (const environment of this.environments.values()) {
      for (const snapshot of environment.snapshots)
        snapshot.artifacts = snapshot.artifacts.filter((a) => a.fingerprint !== fingerprint);
    }
  }

  assert(fingerprint: string, scope: string | AssertScope): Record<string, unknown> {
    const {
      environment: environmentName,
      flow: flowName,
      policies = [],
    } = typeof scope === 'string' ? { environment: scope } : scope;
    const environment = environmentName === undefined ? undefined : this.requireEnvironment(environmentName);
    if (flowName !== undefined) this.requireFlow(flowName);
    const provenance = this.provenanceOf(fingerprint).filter((p) => flowName === undefined || p.flow.name === flowName);
    const reported =
      environment?.snapshots.some((s) => s.artifacts.some((a) => a.fingerprint === fingerprint)) ?? false;
    if (provenance.length === 0 && !reported) {
      throw new KosliWorldError(
        404,
        `Artifact with fingerprint '${fingerprint}' does not exist in ${flowName === undefined ? '' : `flow '${flowName}' of `}organization '${this.org}'`,
      );
    }
    const flows = provenance.map((p) => ({
      flow: p.flow.name,
      trail: p.trail.name,
      compliance_status: { attestations_statuses: this.complianceOf(p.trail).attestations },
    }));
    const policyNames = environment?.policies ?? policies;
    if (environment === undefined && policies.length === 0) {
      const found = provenance.at(-1);
      if (!found)
        throw new KosliWorldError(
          404,
          `Artifact with fingerprint '${fingerprint}' does not exist in organization '${this.org}'`,
        );
      const compliance = this.complianceOf(found.trail);
      return {
        scope: 'flow',
        compliant:
          compliance.artifacts[found.artifact.templateName]?.is_compliant === true &&
          compliance.state !== 'NON-COMPLIANT',
        flow: found.flow.name,
        trail: found.trail.name,
        compliance_status: { attestations_statuses: compliance.attestations },
        html_url: this.trailUrl(found.trail),
        flows,
      };
    }
    const decisions = policyNames.map((name) => this.evaluatePolicy(this.requirePolicy(name), fingerprint));
    return {
      scope: environment ? 'environment' : 'policy',
      // unverified: without policies Kosli "ignores" the environment; here that means compliant.
      compliant: decisions.every((d) => d.status === 'COMPLIANT'),
      ...(environment ? { environment: environment.name } : {}),
      html_url: environment
        ? `${this.uiHost}/${this.org}/environments/${encodeURIComponent(environment.name)}`
        : `${this.uiHost}/${this.org}/policies`,
      policy_evaluations: decisions,
      flows,
    };
  }
}

/** What `kosli assert artifact` asks about: `--environment`, `--flow`, `--policy` (any of them). */
export interface AssertScope {
  environment?: string;
  flow?: string;
  policies?: string[];
}

/** Start times (unix seconds) of the running instances: the ones still running keep theirs. */
function instanceStarts(previous: readonly number[], count: number, at: number): number[] {
  const kept = previous.slice(0, count);
  return [...kept, ...Array<number>(count - kept.length).fill(Math.floor(at))];
}
