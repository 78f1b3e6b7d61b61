/**
 * The three environment policies of the original process (reference/original/policies/*.yml), which its setup
 * creates in Kosli. Part of the simulated world, not of the fake: a real Kosli org starts without them.
 */
import type { KosliWorld, PolicyRules } from '../fakes/kosli/world';

export const ORIGINAL_POLICIES: Readonly<Record<string, PolicyRules>> = {
  'has-provenance': { provenance: true },
  'trail-compliant': { trailCompliance: true },
  'has-release-approval': { attestations: [{ name: 'release-approval', type: 'custom:approval-jira' }] },
};

export function defineOriginalPolicies(kosli: KosliWorld): void {
  for (const [name, rules] of Object.entries(ORIGINAL_POLICIES)) kosli.definePolicy(name, rules);
}
