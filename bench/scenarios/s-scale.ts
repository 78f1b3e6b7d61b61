/**
 * S1–S4 (issue 16): a release at scale, with 100 ms on every upstream call and 10 ms on every storage
 * call. S1 creates a candidate of 10 apps × 5,000 commits and 5,000 keys (the resolver hands its
 * composition to the queue consumer), opens its release page and lets the consumer compose it and
 * write the fix versions (the scheduled check finishes any left); S2 refreshes it unchanged; S3 opens
 * the release page of 1,000 and of 5,000 issues; S4 the page of a release with 10,000 audit entries
 * and 10,000 decisions. (S5, the scheduled check over 50 projects, is s5-scheduled-projects.ts.)
 */
import type { Decision } from '../../src/release/types';
import type { World } from '../../sandbox/world/start-world';
import { growHistory, startPlannedWorld, type HistoryPlan } from '../history';
import { fixVersionWrites, median, round, timed } from '../measure';
import { developer, ok, productOwners } from '../people';

export interface S1Result {
  ok: boolean;
  error: string | null;
  seconds_to_release_page: number;
  /** When the consumer had recorded the content and written what fix versions it could (its queue drained). */
  composed_s: number;
  max_resolver_invocation_s: number;
  largest_kvs_value_bytes: number;
  largest_kvs_value_key: string;
  fix_versions_done_s: number | null;
  fix_versions_written: number;
  scheduled_runs: number;
  calls: number;
  targets: {
    seconds_to_release_page: number;
    max_resolver_invocation_s: number;
    largest_kvs_value_bytes: number;
    fix_versions_done_s: number;
  };
}

export interface S3Result {
  issues_1000_ms: number;
  issues_5000_ms: number;
  max_response_bytes: number;
  targets: { issues_1000_ms: number; issues_5000_ms: number; max_response_bytes: number };
}

export interface S4Result {
  ms: number;
  response_bytes: number;
  /** The audit record's export of that release: how many parts, the largest part's answer, the whole file (information). */
  audit_export: { parts: number; max_part_bytes: number; file_bytes: number };
  audit_entries: number;
  decisions: number;
  targets: { ms: number; response_bytes: number };
}

export interface ScaleResults {
  S1_create_10x5000: S1Result;
  S2_refresh_unchanged_10x5000_s: number;
}

export const UPSTREAM_MS = 100;
export const STORAGE_MS = 10;
/** Scheduled runs the bench allows for the fix versions (each is a five-minute trigger in Forge). */
const MAX_SCHEDULED_RUNS = 5;

export function setLatency(world: World, upstreamMs: number, storageMs: number): void {
  for (const service of [world.jira.service, world.kosli.service, world.github.service])
    service.setLatency('*', upstreamMs);
  world.runtime.storage.latencyMs = storageMs;
}

export async function seeded(plan: HistoryPlan, progress: (message: string) => void): Promise<World> {
  const world = await startPlannedWorld(plan);
  progress(`seeding ${plan.apps} × ${plan.commitsPerApp} commits…`);
  growHistory(world, plan);
  // Staging's report must be in Kosli before the candidate is read. Then the periodic reports stop:
  // the fake Kosli builds each report by scanning every trail (seconds of CPU at 100,000 trails, in
  // this process), which would be measured as our time. Nothing here deploys, so nothing changes.
  await world.simulation.nextReport();
  world.simulation.stopReporting();
  return world;
}

/** Release page load times (median of `samples`) and the largest answer, in bytes. */
async function releasePage(world: World, versionId: string, samples: number): Promise<{ ms: number; bytes: number }> {
  const viewer = productOwners(world)[0] ?? developer(world);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    const { value, ms } = await timed(() => world.invoke(viewer, 'release/get', { versionId }));
    bytes = Math.max(bytes, Buffer.byteLength(JSON.stringify(ok(value))));
    times.push(ms);
  }
  return { ms: median(times), bytes };
}

/** A release of the plan's size, created without latency (only what follows is measured); composing work in the queue is awaited. */
async function createdRelease(world: World, progress: (message: string) => void): Promise<string | null> {
  const created = await world.invoke(developer(world), 'candidate/refresh', {}).catch((error: unknown) => {
    progress(`the candidate was not created: ${String(error)}`);
    return null;
  });
  await world.drain();
  if (created && !created.ok)
    progress(`the candidate was not created: ${created.error.code}: ${created.error.message}`);
  return created?.ok ? created.data.versionId : null;
}

export async function measureScale(progress: (message: string) => void): Promise<ScaleResults> {
  const big = await seeded({ apps: 10, commitsPerApp: 5000, commitsPerIssue: 10 }, progress);
  let s1: S1Result;
  let s2 = Number.NaN;
  try {
    setLatency(big, UPSTREAM_MS, STORAGE_MS);
    big.resetCalls();
    const started = performance.now();
    progress('S1: creating the candidate…');
    // Forge stops a resolver at 25 s: the local runtime throws that, and it is a result here.
    const created = await timed(() =>
      big.invoke(developer(big), 'candidate/refresh', {}).catch((error: unknown) => ({
        ok: false as const,
        error: { code: 'INVOCATION_TIMEOUT', message: String(error) },
      })),
    );
    let maxResolver = created.ms;
    const versionId = created.value.ok ? created.value.data.versionId : null;
    let error = created.value.ok ? null : `${created.value.error.code}: ${created.value.error.message}`;
    let toPage = Number.NaN;
    if (versionId) {
      const first = await timed(() => big.invoke(developer(big), 'release/get', { versionId }));
      maxResolver = Math.max(maxResolver, first.ms);
      if (!first.value.ok) error = `${first.value.error.code}: ${first.value.error.message}`;
      toPage = (performance.now() - started) / 1000;
    }
    // A candidate this large is composed by the queue consumer (900 s, enforced by the local runtime:
    // an invocation over it fails the drain); the page shows its progress meanwhile.
    progress('S1: the consumer composes the candidate and writes its fix versions…');
    let composedAt = Number.NaN;
    if (versionId) {
      await big.drain().catch((failure: unknown) => (error ??= `consumer: ${String(failure)}`));
      composedAt = (performance.now() - started) / 1000;
      const after = ok(await big.invoke(developer(big), 'release/get', { versionId }));
      if (after.composition) error ??= `composition did not finish: ${after.composition.error ?? 'no error recorded'}`;
    }
    let runs = 0;
    while (fixVersionWrites(big) < 5000 && runs < MAX_SCHEDULED_RUNS && versionId) {
      await big.runTrigger();
      await big.drain().catch(() => undefined);
      runs++;
    }
    const written = fixVersionWrites(big);
    const done = written >= 5000 ? (performance.now() - started) / 1000 : null;
    const largest = big.runtime.storage.largestValue();
    s1 = {
      ok: error === null && versionId !== null,
      error,
      seconds_to_release_page: round(toPage, 1),
      composed_s: round(composedAt, 1),
      max_resolver_invocation_s: round(maxResolver / 1000, 1),
      largest_kvs_value_bytes: largest.bytes,
      largest_kvs_value_key: largest.key,
      fix_versions_done_s: done === null ? null : round(done, 1),
      fix_versions_written: written,
      scheduled_runs: runs,
      calls: big.calls().total,
      targets: {
        seconds_to_release_page: 20,
        max_resolver_invocation_s: 25,
        largest_kvs_value_bytes: 128 * 1024,
        fix_versions_done_s: 600,
      },
    };
    if (versionId) {
      progress('S2: refreshing the unchanged candidate…');
      const again = await timed(() => big.invoke(developer(big), 'candidate/refresh', {}));
      ok(again.value);
      s2 = round(again.ms / 1000, 2);
    }
  } finally {
    setLatency(big, 0, 0);
    await big.stop();
  }

  return {
    S1_create_10x5000: s1,
    S2_refresh_unchanged_10x5000_s: s2,
  };
}

/** A release page of `plan`'s issues: median of `samples` after one view that fills the caches. */
async function pageOfIssues(
  plan: HistoryPlan,
  samples: number,
  progress: (message: string) => void,
): Promise<{ ms: number; bytes: number }> {
  const world = await seeded(plan, progress);
  try {
    const versionId = await createdRelease(world, progress);
    if (!versionId) return { ms: Number.NaN, bytes: 0 };
    setLatency(world, UPSTREAM_MS, STORAGE_MS);
    await releasePage(world, versionId, 1);
    return await releasePage(world, versionId, samples);
  } finally {
    setLatency(world, 0, 0);
    await world.stop();
  }
}

/**
 * S3: the release page of 1,000 and of 5,000 issues over 10 apps. The 5,000 come from 10 × 1,000
 * commits (2 a key): the page reads the newest commits of each app only, so 5,000 commits an app
 * would change the seeding time, not the page (S1 creates that one).
 */
export async function measureReleasePages(progress: (message: string) => void): Promise<{ S3_release_page: S3Result }> {
  progress('S3: release page of 1,000 issues…');
  const page1000 = await pageOfIssues({ apps: 10, commitsPerApp: 1000, commitsPerIssue: 10 }, 5, progress);
  progress('S3: release page of 5,000 issues…');
  const page5000 = await pageOfIssues({ apps: 10, commitsPerApp: 1000, commitsPerIssue: 2 }, 3, progress);
  return {
    S3_release_page: {
      issues_1000_ms: round(page1000.ms),
      issues_5000_ms: round(page5000.ms),
      max_response_bytes: Math.max(page1000.bytes, page5000.bytes),
      targets: { issues_1000_ms: 250, issues_5000_ms: 600, max_response_bytes: 1_000_000 },
    },
  };
}

const HISTORY_ENTRIES = 10_000;

/** The audit record's export, part after part as the panel asks for it. */
async function exportParts(world: World, versionId: string): Promise<S4Result['audit_export']> {
  const viewer = productOwners(world)[0] ?? developer(world);
  let parts = 0;
  let maxPart = 0;
  let file = 0;
  let cursor: string | null | undefined;
  do {
    const part = ok(
      await world.invoke(viewer, 'release/export', { versionId, format: 'audit', ...(cursor ? { cursor } : {}) }),
    );
    parts++;
    maxPart = Math.max(maxPart, Buffer.byteLength(JSON.stringify(part)));
    file += Buffer.byteLength(part.content);
    cursor = part.nextCursor;
  } while (cursor);
  return { parts, max_part_bytes: maxPart, file_bytes: file };
}

/**
 * S4: the page of a release with years of history: 10,000 audit entries and 10,000 decisions by
 * its approvers, written through the app's store as the app writes them (one key each, plus each
 * approver's latest decision), a minute apart over the last weeks, before the page is measured.
 */
export async function measureReleaseHistory(
  progress: (message: string) => void,
): Promise<{ S4_release_page_history: S4Result }> {
  const world = await seeded({ apps: 2, commitsPerApp: 20, commitsPerIssue: 5 }, progress);
  try {
    const versionId = await createdRelease(world, progress);
    if (!versionId) throw new Error('S4: the release was not created');
    progress(`S4: writing ${HISTORY_ENTRIES} audit entries and ${HISTORY_ENTRIES} decisions…`);
    const approvers = productOwners(world);
    const start = Date.now() - (HISTORY_ENTRIES + 60) * 60_000;
    for (let i = 0; i < HISTORY_ENTRIES; i++) {
      const at = new Date(start + i * 60_000).toISOString();
      const accountId = approvers[i % approvers.length] ?? developer(world);
      const decision: Decision = {
        accountId,
        decision: i % 3 === 0 ? 'declined' : 'approved',
        reason: i % 3 === 0 ? `Not yet (${i})` : `Fine (${i})`,
        at,
        contentHash: 'f'.repeat(64),
        source: 'app',
      };
      await Promise.all([
        world.store.audit.append(versionId, {
          at,
          actor: accountId,
          action: 'approval.app.approved',
          detail: `Approved (content ${'f'.repeat(12)}), entry ${i}`,
        }),
        world.store.decisions.add(versionId, decision),
      ]);
    }
    setLatency(world, UPSTREAM_MS, STORAGE_MS);
    progress('S4: release page with that history…');
    await releasePage(world, versionId, 1);
    const page = await releasePage(world, versionId, 5);
    setLatency(world, 0, 0);
    const auditExport = await exportParts(world, versionId);
    return {
      S4_release_page_history: {
        ms: round(page.ms),
        response_bytes: page.bytes,
        audit_export: auditExport,
        audit_entries: HISTORY_ENTRIES,
        decisions: HISTORY_ENTRIES,
        targets: { ms: 200, response_bytes: 300_000 },
      },
    };
  } finally {
    setLatency(world, 0, 0);
    await world.stop();
  }
}
