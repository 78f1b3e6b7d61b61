/**
 * Flow templates in the fake Kosli: parsing and checking the template YAML (the rules of
 * kosli/schemas/flow-template-v1.json), its JSON form, and a trail's compliance against its
 * template, as `compliance_status` shows it.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type AttestationRecord, type FlowRecord, KosliWorldError, latest, type TrailRecord } from './state';
import type { ArtifactStatusJson, AttestationStatusJson, Json, TrailState } from './wire';

export interface TemplateAttestation {
  name: string;
  type: string;
}

export interface FlowTemplate {
  version: 1;
  trail: { attestations: TemplateAttestation[]; artifacts: { name: string; attestations: TemplateAttestation[] }[] };
}

const templateSchema = z.strictObject({
  version: z.literal(1).default(1),
  trail: z
    .strictObject({
      attestations: z.array(z.strictObject({ name: z.string().min(1), type: z.string().min(1) })).default([]),
      artifacts: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            attestations: z.array(z.strictObject({ name: z.string().min(1), type: z.string().min(1) })).default([]),
          }),
        )
        .default([]),
    })
    .nullish(),
});

const ATTESTATION_TYPE = /^(generic|junit|snyk|pull_request|jira|sonar|decision|\*|custom:.+)$/;

export interface TrailCompliance {
  state: TrailState;
  attestations: AttestationStatusJson[];
  artifacts: Record<string, ArtifactStatusJson>;
}

/** Evaluates the trail against its own template or its flow's, as `compliance_status` shows it. */
export function trailCompliance(flow: FlowRecord, trail: TrailRecord, now: number): TrailCompliance {
  const template = trail.template ?? flow.template;
  const trailLevel = trail.attestations.filter((a) => a.artifactFingerprint === null && a.targetArtifact === null);
  const attestations = statuses(template.trail.attestations, trailLevel);

  const artifacts: Record<string, ArtifactStatusJson> = {};
  const names = new Set([
    ...template.trail.artifacts.map((a) => a.name),
    ...trail.artifacts.map((a) => a.templateName),
  ]);
  for (const name of names) {
    const expected = template.trail.artifacts.find((a) => a.name === name);
    const artifact = latest(trail.artifacts.filter((a) => a.templateName === name));
    const bound = artifact ? trail.attestations.filter((a) => a.artifactFingerprint === artifact.fingerprint) : [];
    const artifactStatuses = statuses(expected?.attestations ?? [], bound);
    artifacts[name] = {
      artifact_fingerprint: artifact?.fingerprint ?? null,
      artifact_id: artifact?.id ?? null,
      // unverified: the status of a template artifact not reported yet.
      status: artifact ? stateOf(artifactStatuses) : 'MISSING',
      is_compliant: artifact !== undefined && stateOf(artifactStatuses) === 'COMPLIANT',
      attestations_statuses: artifactStatuses,
      unexpected: expected === undefined,
      evaluated_at: now,
      flow_template_id: flow.templateId,
    };
  }
  const artifactStates = Object.values(artifacts).map((a) => a.status);
  const trailState = stateOf(attestations);
  const state: TrailState =
    trailState === 'NON-COMPLIANT' || artifactStates.includes('NON-COMPLIANT')
      ? 'NON-COMPLIANT'
      : trailState === 'INCOMPLETE' || artifactStates.some((s) => s === 'MISSING' || s === 'INCOMPLETE')
        ? 'INCOMPLETE'
        : 'COMPLIANT';
  return { state, attestations, artifacts };
}

/** Template-expected attestations (COMPLETE or MISSING) plus unexpected ones, latest per name. */
function statuses(
  expected: readonly TemplateAttestation[],
  records: readonly AttestationRecord[],
): AttestationStatusJson[] {
  const result: AttestationStatusJson[] = expected.map((wanted) => {
    const found = latest(records.filter((r) => r.name === wanted.name));
    return {
      attestation_name: wanted.name,
      attestation_type: found?.type ?? wanted.type,
      attestation_id: found?.id ?? null,
      overridden_attestation_id: null,
      status: found ? 'COMPLETE' : 'MISSING',
      is_compliant: found?.isCompliant ?? false,
      unexpected: false,
    };
  });
  const extraNames = [...new Set(records.map((r) => r.name))].filter((name) => !expected.some((e) => e.name === name));
  for (const name of extraNames) {
    const found = latest(records.filter((r) => r.name === name));
    if (!found) continue;
    result.push({
      attestation_name: name,
      attestation_type: found.type,
      attestation_id: found.id,
      overridden_attestation_id: null,
      status: 'COMPLETE',
      is_compliant: found.isCompliant,
      unexpected: true,
    });
  }
  return result;
}

function stateOf(list: readonly AttestationStatusJson[]): TrailState {
  if (list.some((s) => s.status === 'COMPLETE' && !s.is_compliant)) return 'NON-COMPLIANT';
  if (list.some((s) => s.status === 'MISSING')) return 'INCOMPLETE';
  return 'COMPLIANT';
}

export function templateTrailJson(template: FlowTemplate): Record<string, Json> {
  return {
    attestations: template.trail.attestations.map((a) => ({ name: a.name, type: a.type })),
    artifacts: template.trail.artifacts.map((a) => ({
      name: a.name,
      attestations: a.attestations.map((x) => ({ name: x.name, type: x.type })),
    })),
  };
}

/** Parses and checks a flow template (the rules of kosli/schemas/flow-template-v1.json). */
export function parseTemplate(yamlText: string): FlowTemplate {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new KosliWorldError(
      400,
      `Invalid flow template YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = templateSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new KosliWorldError(
      400,
      'Invalid flow template',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const trail = parsed.data.trail ?? { attestations: [], artifacts: [] };
  const types = [...trail.attestations, ...trail.artifacts.flatMap((a) => a.attestations)].map((a) => a.type);
  const badType = types.find((type) => !ATTESTATION_TYPE.test(type));
  if (badType !== undefined)
    throw new KosliWorldError(400, `Invalid flow template: unknown attestation type '${badType}'`);
  return { version: 1, trail };
}
