/**
 * P7: median time of the issue panel "Where does this issue run?" (the `issue/context` invoke through
 * the real handler) with 100 ms on every Jira/Kosli/GitHub call and 10 ms on every storage call.
 * Budget: at most 4 upstream calls and 300 ms. The issue is one of a candidate in staging.
 */
import type { World } from '../../sandbox/world/start-world';
import { growHistory, startPlannedWorld } from '../history';
import { median, round, timed } from '../measure';
import { developer, ok } from '../people';
import type { Row } from '../report';

export interface P7Options {
  samples: number;
  upstreamLatencyMs: number;
  storageLatencyMs: number;
}

export interface P7Result {
  ours: number;
  target: number;
  samples: number;
  upstream_calls: number;
  upstream_target: number;
  storage_calls: number;
  zero_latency_ms: number;
  upstream_latency_ms: number;
  storage_latency_ms: number;
  all_ms: number[];
}

export const P7_DEFAULTS: P7Options = { samples: 21, upstreamLatencyMs: 100, storageLatencyMs: 10 };

function setLatency(world: World, upstreamMs: number, storageMs: number): void {
  for (const service of [world.jira.service, world.kosli.service, world.github.service])
    service.setLatency('*', upstreamMs);
  world.runtime.storage.latencyMs = storageMs;
}

async function samplePanel(world: World, viewer: string, issueKey: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { value, ms } = await timed(() => world.invoke(viewer, 'issue/context', { issueKey }));
    ok(value);
    times.push(ms);
  }
  return times;
}

export async function measureIssueContext(options: P7Options = P7_DEFAULTS): Promise<P7Result> {
  // The P2 candidate: two apps, 20 commits each, 20 issues, in staging.
  const plan = { apps: 2, commitsPerApp: 20, commitsPerIssue: 2 };
  const world = await startPlannedWorld(plan);
  try {
    growHistory(world, plan);
    const created = ok(await world.invoke(developer(world), 'candidate/refresh', {}));
    const issueKey = created.addedKeys[0];
    if (!issueKey) throw new Error('The scenario needs a candidate with issues');
    const viewer = developer(world);

    await samplePanel(world, viewer, issueKey, 2);
    // Kosli's periodic environment reports reach the fake Kosli too: they are the world's calls, not the panel's.
    world.simulation.stopReporting();
    // The fewest calls over three views: work the world does meanwhile (a queued job, a report) is
    // counted by the same fakes, and is not the panel's; a panel that made more calls would make them each time.
    let upstreamCalls = Number.POSITIVE_INFINITY;
    let storageCalls = Number.POSITIVE_INFINITY;
    for (let view = 0; view < 3; view += 1) {
      world.resetCalls();
      const storageBefore = world.runtime.storage.calls;
      await samplePanel(world, viewer, issueKey, 1);
      upstreamCalls = Math.min(upstreamCalls, world.calls().total);
      storageCalls = Math.min(storageCalls, world.runtime.storage.calls - storageBefore);
    }

    const zero = median(await samplePanel(world, viewer, issueKey, options.samples));
    setLatency(world, options.upstreamLatencyMs, options.storageLatencyMs);
    await samplePanel(world, viewer, issueKey, 1);
    const withLatency = await samplePanel(world, viewer, issueKey, options.samples);
    return {
      ours: round(median(withLatency)),
      target: 300,
      samples: options.samples,
      upstream_calls: upstreamCalls,
      upstream_target: 4,
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

export function p7Row(p7: P7Result): Row {
  const met = p7.ours <= p7.target && p7.upstream_calls <= p7.upstream_target;
  return {
    figure: 'P7 issue context ms',
    case: `issue panel, median of ${p7.samples}, ${p7.upstream_latency_ms} ms/upstream, ${p7.storage_latency_ms} ms/storage call; ${p7.upstream_calls} upstream (≤ ${p7.upstream_target}), ${p7.storage_calls} storage calls`,
    ours: `${p7.ours}`,
    original: '—',
    target: `≤ ${p7.target}`,
    result: met ? 'pass' : 'miss',
  };
}
