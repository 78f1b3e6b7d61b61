/**
 * P6: time from the last approval (the second product owner's `release/decide` invoke starting) to
 * the release being `released` (the queued deploy worker done), in the sandbox. The workflow's own
 * duration is excluded: runs settle as soon as they are dispatched (`settleAfterMs = 0`), so what
 * is left is the app's work — attest, dispatch, follow, verify, release — and its polling.
 */
import type { World } from '../../sandbox/world/start-world';
import { growHistory, startPlannedWorld } from '../history';
import { median, round, timed } from '../measure';
import { developer, ok, productOwners } from '../people';

export interface P6Options {
  samples: number;
  /** Latency injected on every upstream / storage call (0 in the sandbox). */
  upstreamLatencyMs: number;
  storageLatencyMs: number;
}

export interface P6Sample {
  seconds: number;
  /** GET of the run while following it: more than one means the worker slept between polls. */
  run_polls: number;
  upstream_calls: number;
  storage_calls: number;
}

export interface P6Result {
  ours: number;
  target: number;
  samples: P6Sample[];
  upstream_latency_ms: number;
  storage_latency_ms: number;
}

export const P6_DEFAULTS: P6Options = { samples: 3, upstreamLatencyMs: 0, storageLatencyMs: 0 };

const RUN_ROUTE = '/repos/{owner}/{repo}/actions/runs/{run_id}';

async function oneRelease(options: P6Options): Promise<P6Sample> {
  const plan = { apps: 2, commitsPerApp: 10, commitsPerIssue: 5 };
  const world: World = await startPlannedWorld(plan);
  try {
    world.github.world.settleAfterMs = 0;
    growHistory(world, plan);
    const created = ok(await world.invoke(developer(world), 'candidate/refresh', {}));
    const [first, last] = productOwners(world);
    if (!first || !last) throw new Error('The scenario needs two product owners');
    const decide = (who: string) =>
      world.invoke(who, 'release/decide', {
        versionId: created.versionId,
        decision: 'approved',
        contentHash: created.contentHash,
      });
    ok(await decide(first));

    for (const service of [world.jira.service, world.kosli.service, world.github.service])
      service.setLatency('*', options.upstreamLatencyMs);
    world.runtime.storage.latencyMs = options.storageLatencyMs;
    world.resetCalls();
    const storageBefore = world.runtime.storage.calls;
    const { ms } = await timed(async () => {
      const decided = ok(await decide(last));
      if (!decided.approvals.satisfied) throw new Error('The last approval did not satisfy the policy');
      await world.drain();
    });
    const upstreamCalls = world.calls().total;
    const storageCalls = world.runtime.storage.calls - storageBefore;
    const runPolls = world.github.service.countWhere((e) => e.method === 'GET' && e.route === RUN_ROUTE);
    for (const service of [world.jira.service, world.kosli.service, world.github.service]) service.setLatency('*', 0);
    world.runtime.storage.latencyMs = 0;

    const view = ok(await world.invoke(first, 'release/get', { versionId: created.versionId }));
    if (view.state !== 'released')
      throw new Error(`The release ended '${view.state}', not released: ${JSON.stringify(view.deploy.failure)}`);
    return {
      seconds: round(ms / 1000, 3),
      run_polls: runPolls,
      upstream_calls: upstreamCalls,
      storage_calls: storageCalls,
    };
  } finally {
    await world.stop();
  }
}

export async function measureDeployTime(options: P6Options = P6_DEFAULTS): Promise<P6Result> {
  const samples: P6Sample[] = [];
  for (let i = 0; i < options.samples; i++) samples.push(await oneRelease(options));
  return {
    ours: round(median(samples.map((s) => s.seconds)), 3),
    target: 2,
    samples,
    upstream_latency_ms: options.upstreamLatencyMs,
    storage_latency_ms: options.storageLatencyMs,
  };
}
