/**
 * Whole releases for the rollback, partial and emergency flows: a candidate released through the
 * gate, and what prod's tags say runs.
 */
import type { ProjectConfig } from '../../src/release/config';
import type { World } from '../../sandbox/world/start-world';
import { approveAsBoth, ok, PO1, prepareCandidate, untilSettled } from './flow';

/** Changes the apps, promotes, creates the candidate, has both owners approve it, and waits until it is released. */
export async function releaseThroughGate(world: World, messages: Record<string, string>): Promise<string> {
  await untilNextSecond();
  const { versionId } = await prepareCandidate(world, messages);
  await approveAsBoth(world, versionId);
  await untilSettled(world, versionId);
  const { state } = ok(await world.invoke(PO1, 'release/get', { versionId }));
  if (state !== 'released') throw new Error(`Release ${versionId} ended ${state}`);
  return versionId;
}

/**
 * Version names are UTC times to the second (the default name pattern): two releases made within
 * one second would ask Jira for the same name, so the next one starts in the next second.
 */
export async function untilNextSecond(): Promise<void> {
  const second = new Date().toISOString().slice(0, 19);
  while (new Date().toISOString().slice(0, 19) === second) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** The commit each app's prod tag names (what the deploy workflow moved). */
export function prodTags(world: World): Record<string, string | undefined> {
  return Object.fromEntries(
    world.config.apps.map((app) => [app.name, world.github.world.getRef(`tags/running-prod-${app.name}`)]),
  );
}

/** A rollback policy of one listed approver, with a reason on every approval. */
export function oneApproverRollbackPolicy(approver: string): (config: ProjectConfig) => void {
  return (config) => {
    config.rollback = {
      approval: {
        approvers: [approver],
        includeJiraApprovers: false,
        rule: { kind: 'atLeast', count: 1 },
        noSelfApproval: false,
      },
      reasonRequired: true,
    };
  };
}

/** The Jira deployments the fake received for a version in an environment type. */
export function jiraDeploymentStates(world: World, versionId: string, environmentType: string): unknown[] {
  return [...world.jira.world.deployments.values()]
    .filter((d) => {
      const environment = d.data['environment'];
      return (
        d.properties['versionId'] === versionId &&
        typeof environment === 'object' &&
        environment !== null &&
        'type' in environment &&
        environment.type === environmentType
      );
    })
    .map((d) => d.data['state']);
}
