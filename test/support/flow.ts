/**
 * Steps most flow tests share, driven through the real handlers of a started world.
 */
import type { RefreshResult, Result } from '../../src/contract';
import type { World } from '../../sandbox/world/start-world';

export const DEV = 'dev0001';
export const PO1 = 'po0001';
export const PO2 = 'po0002';

export function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

export function errorOf<T>(result: Result<T>): { code: string; message: string } {
  if (result.ok) throw new Error('Expected an error result');
  return result.error;
}

/** An export's file, its parts asked for in turn and joined, as the panel does; `parts` counts them. */
export async function exportFile(
  world: World,
  actor: string,
  versionId: string,
  format: 'notes' | 'audit',
): Promise<{ content: string; mimeType: string; parts: number }> {
  const first = ok(await world.invoke(actor, 'release/export', { versionId, format }));
  const contents = [first.content];
  for (let cursor = first.nextCursor; cursor !== null;) {
    const part = ok(await world.invoke(actor, 'release/export', { versionId, format, cursor }));
    contents.push(part.content);
    cursor = part.nextCursor;
  }
  return { content: contents.join(''), mimeType: first.mimeType, parts: contents.length };
}

/** A change to each app (the app → its commit message). */
export const BOTH_APPS_CHANGED: Readonly<Record<string, string>> = {
  backend: 'OPS-11 faster search',
  frontend: 'OPS-12 fix checkout button',
};

/** Commits the changes, promotes dev to staging and lets the run finish, until Kosli shows staging running them. */
export async function promoteToStaging(
  world: World,
  messages: Readonly<Record<string, string>> = BOTH_APPS_CHANGED,
): Promise<void> {
  for (const [app, message] of Object.entries(messages)) world.simulation.commit(app, message);
  // Kosli reports environments periodically: dev shows the builds, then staging the deploy, each with its next report.
  await world.simulation.nextReport();
  ok(await world.invoke(DEV, 'staging/promote', {}));
  await world.github.world.settleRuns();
  await world.simulation.nextReport();
}

/** Changes both apps (or those given), promotes dev to staging and creates the candidate. */
export async function prepareCandidate(
  world: World,
  messages: Readonly<Record<string, string>> = BOTH_APPS_CHANGED,
): Promise<RefreshResult & { contentHash: string }> {
  await promoteToStaging(world, messages);
  return ok(await world.invoke(DEV, 'candidate/refresh', {}));
}

/** Both product owners approve the content they see. */
export async function approveAsBoth(world: World, versionId: string): Promise<void> {
  const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
  ok(await world.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash: view.contentHash }));
  ok(await world.invoke(PO2, 'release/decide', { versionId, decision: 'approved', contentHash: view.contentHash }));
}

/** Prod deploy runs GitHub actually started (a refused request starts none; a 5xx after the write does). */
export function prodDispatches(world: World): number {
  return world.github.world.runs.filter((run) => run.inputs['environment'] === 'prod').length;
}

/** release-approval attestations Kosli holds on a trail. */
export function approvalAttestations(world: World, flow: string, trail: string): number {
  return world.kosli.world.trailAttestationsJson(flow, trail, 'release-approval').length;
}

/**
 * Drains the deploy queue, then, while the release is neither released nor failed, waits for Kosli's
 * next report and runs the scheduled check (up to five times): the queue follows a release only a few
 * hops, and Kosli's prod report may come later, when Forge's scheduled check carries on.
 */
export async function untilSettled(world: World, versionId: string): Promise<void> {
  await world.drain();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { state } = ok(await world.invoke(PO1, 'release/get', { versionId }));
    if (state === 'released' || state === 'failed') return;
    await world.simulation.nextReport();
    await world.runTrigger();
  }
}
