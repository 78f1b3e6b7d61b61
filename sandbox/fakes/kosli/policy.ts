/**
 * Environment policies in the fake Kosli: their rules, the decision for one artifact (as a
 * snapshot's `policy_decisions` and `GET /asserts` show it) and the `policy_dump` of a snapshot.
 * Which policies a world holds is the simulation's business (sandbox/world), not the fake's.
 */
import { latest, type Provenance } from './state';
import type { TrailCompliance } from './template';
import type { Json, PolicyDecisionJson, ResolutionJson, RuleEvaluationJson } from './wire';

export interface PolicyRules {
  provenance?: boolean;
  trailCompliance?: boolean;
  attestations?: { name: string; type: string; mustBeCompliant?: boolean }[];
}

export interface PolicyRecord {
  id: string;
  name: string;
  version: number;
  provenance: boolean;
  trailCompliance: boolean;
  attestations: { name: string; type: string; mustBeCompliant: boolean }[];
}

/** A new policy, or the next version of `existing`. */
export function policyRecord(
  name: string,
  rules: PolicyRules,
  existing: PolicyRecord | undefined,
  newId: () => string,
): PolicyRecord {
  return {
    id: existing?.id ?? newId(),
    name,
    version: (existing?.version ?? 0) + 1,
    provenance: rules.provenance ?? false,
    trailCompliance: rules.trailCompliance ?? false,
    // unverified: must_be_compliant defaults to true when a policy file does not say.
    attestations: (rules.attestations ?? []).map((a) => ({
      name: a.name,
      type: a.type,
      mustBeCompliant: a.mustBeCompliant ?? true,
    })),
  };
}

/** The policy's decision for the artifact, from every (flow, trail) it was reported in. */
export function evaluatePolicy(
  policy: PolicyRecord,
  fingerprint: string,
  provenance: readonly Provenance[],
  complianceOf: (p: Provenance) => TrailCompliance,
): PolicyDecisionJson {
  const context = (p: Provenance, artifactStatus: string | null = null) => ({
    flow_name: p.flow.name,
    trail_name: p.trail.name,
    artifact_status: artifactStatus,
  });
  // unverified: the resolution Kosli gives when an artifact has no provenance at all.
  const noProvenance: ResolutionJson[] = [{ type: 'missing_provenance', context: {} }];
  const rules: RuleEvaluationJson[] = [];

  rules.push(
    policy.provenance
      ? {
          rule: { type: 'provenance', definition: { required: true, exceptions: [] } },
          satisfied: provenance.length > 0,
          ignored: false,
          resolutions:
            provenance.length > 0
              ? provenance.map((p) => ({ type: 'rule_satisfied', context: context(p) }))
              : noProvenance,
        }
      : notApplicable(
          'provenance',
          { required: false, exceptions: [] },
          provenance.map((p) => context(p)),
        ),
  );

  if (policy.trailCompliance) {
    // Every trail the artifact appears in must be compliant.
    const states = provenance.map((p) => ({ p, compliance: complianceOf(p) }));
    rules.push({
      rule: { type: 'trail-compliance', definition: { required: true, exceptions: [] } },
      satisfied: states.length > 0 && states.every((s) => s.compliance.state === 'COMPLIANT'),
      ignored: false,
      resolutions:
        states.length === 0
          ? noProvenance
          : states.map(({ p, compliance }) => ({
              type: compliance.state === 'COMPLIANT' ? 'rule_satisfied' : 'non_compliant_in_trail',
              context: context(p, compliance.artifacts[p.artifact.templateName]?.status ?? null),
            })),
    });
  } else {
    rules.push(
      notApplicable(
        'trail-compliance',
        { required: false, exceptions: [] },
        provenance.map((p) => context(p)),
      ),
    );
  }

  for (const required of policy.attestations) {
    // An attestation rule without `if` applies to every trail the artifact appears in, and the
    // attestation must be bound to this artifact (`--fingerprint`).
    const resolutions: ResolutionJson[] = provenance.map((p) => {
      const found = latest(
        p.trail.attestations.filter(
          (a) =>
            (required.name === '*' || a.name === required.name) &&
            a.type === required.type &&
            a.artifactFingerprint === fingerprint,
        ),
      );
      const type = !found
        ? 'missing_attestation'
        : required.mustBeCompliant && !found.isCompliant
          ? 'non_compliant_attestation'
          : 'rule_satisfied';
      return { type, context: context(p) };
    });
    rules.push({
      rule: {
        type: 'attestation',
        definition: { name: required.name, type: required.type, must_be_compliant: required.mustBeCompliant },
      },
      satisfied: resolutions.length > 0 && resolutions.every((r) => r.type === 'rule_satisfied'),
      ignored: false,
      resolutions: resolutions.length > 0 ? resolutions : [{ type: 'missing_attestation', context: {} }],
    });
  }

  return {
    policy_version: policy.version,
    status: rules.every((r) => r.ignored || r.satisfied === true) ? 'COMPLIANT' : 'NON-COMPLIANT',
    rule_evaluations: rules,
    policy_name: policy.name,
  };
}

function notApplicable(
  type: string,
  definition: Record<string, Json>,
  contexts: ResolutionJson['context'][],
): RuleEvaluationJson {
  return {
    rule: { type, definition },
    satisfied: null,
    ignored: true,
    resolutions: contexts.map((context) => ({ type: 'rule_not_applicable', context })),
  };
}

/** `applied_policies[].policy_dump`, as in the real example. */
export function policyDump(policy: PolicyRecord): Record<string, Json> {
  return {
    schema_version: '1',
    artifacts: {
      provenance: { required: policy.provenance, exceptions: [] },
      trail_compliance: { required: policy.trailCompliance, exceptions: [] },
      attestations: policy.attestations.map((a) => ({
        if_condition: null,
        name: a.name,
        type: a.type,
        must_be_compliant: a.mustBeCompliant,
      })),
    },
  };
}
