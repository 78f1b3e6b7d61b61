/**
 * P2: median time of one release page load (the `release/get` invoke through the real handler)
 * with 100 ms on every Jira/Kosli/GitHub call and 10 ms on every storage call.
 *
 * The "sequential" figure is computed, not run: the same invoke's median time at zero injected
 * latency plus 100 ms per upstream call and 10 ms per storage call it makes — what the same reads
 * cost one after another, as the original scripts do everything.
 */
import type { World } from '../../sandbox/world/start-world';
import { growHistory, startPlannedWorld } from '../history';
import { median, round, timed } from '../measure';
import { developer, ok, productOwners } from '../people';

export interface P2Options {
  samples: number;
  upstreamLatencyMs: number;
  storageLatencyMs: number;
}

export interface P2Result {
  ours: number;
  sequential: number;
  target: number;
  samples: number;
  upstream_calls: number;
  storage_calls: number;
  zero_latency_ms: number;
  upstream_latency_ms: number;
  storage_latency_ms: number;
  /** Every sample with latency, in ms, in order. */
  all_ms: number[];
}

export const P2_DEFAULTS: P2Options = { samples: 21, upstreamLatencyMs: 100, storageLatencyMs: 10 };

function setLatency(world: World, upstreamMs: number, storageMs: number): void {
  for (const service of [world.jira.service, world.kosli.service, world.github.service])
    service.setLatency('*', upstreamMs);
  world.runtime.storage.latencyMs = storageMs;
}

async function samplePage(world: World, viewer: string, versionId: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { value, ms } = await timed(() => world.invoke(viewer, 'release/get', { versionId }));
    ok(value);
    times.push(ms);
  }
  return times;
}

export async function measureReleasePage(options: P2Options = P2_DEFAULTS): Promise<P2Result> {
  // A typical candidate: two apps, 20 commits each, 20 issues; one of two approvals given.
  const plan = { apps: 2, commitsPerApp: 20, commitsPerIssue: 2 };
  const world = await startPlannedWorld(plan);
  try {
    growHistory(world, plan);
    const created = ok(await world.invoke(developer(world), 'candidate/refresh', {}));
    const [viewer, other] = productOwners(world);
    if (!viewer || !other) throw new Error('The scenario needs two product owners');
    ok(
      await world.invoke(other, 'release/decide', {
        versionId: created.versionId,
        decision: 'approved',
        contentHash: created.contentHash,
      }),
    );

    // Warm-up (user cache filled, modules compiled), then what one load costs in calls.
    await samplePage(world, viewer, created.versionId, 2);
    world.resetCalls();
    const storageBefore = world.runtime.storage.calls;
    await samplePage(world, viewer, created.versionId, 1);
    const upstreamCalls = world.calls().total;
    const storageCalls = world.runtime.storage.calls - storageBefore;

    const zero = median(await samplePage(world, viewer, created.versionId, options.samples));
    setLatency(world, options.upstreamLatencyMs, options.storageLatencyMs);
    await samplePage(world, viewer, created.versionId, 1);
    const withLatency = await samplePage(world, viewer, created.versionId, options.samples);
    return {
      ours: round(median(withLatency)),
      sequential: round(zero + upstreamCalls * options.upstreamLatencyMs + storageCalls * options.storageLatencyMs),
      target: 150,
      samples: options.samples,
      upstream_calls: upstreamCalls,
      storage_calls: storageCalls,
      zero_latency_ms: round(zero, 1),
      upstream_latency_ms: options.upstreamLatencyMs,
      storage_latency_ms: options.storageLatencyMs,
      all_ms: withLatency.map((ms) => round(ms)),
    };
  } finally {
    setLatency(world, 0, 0);
    await world.stop();
  }
}
