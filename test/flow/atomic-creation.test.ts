/**
 * Creating a candidate is all or nothing, from the project's point of view: whichever storage write
 * fails (refused as too large, or the store unavailable), the next refresh ends with exactly one
 * Jira version, owned by the project's slot, whose record and keys are there — no orphaned version,
 * no slot pointing at a missing record. Every write of a clean creation is failed in turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KVS_REFUSALS } from '../../sandbox/forge-runtime/local-kvs';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, promoteToStaging } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** A world whose staging runs new builds of both apps, ready for a candidate. */
async function readyWorld(): Promise<World> {
  const w = await startWorld();
  await promoteToStaging(w);
  return w;
}

/**
 * The lease's own keys are left alone: a lease that cannot be released lapses after its 60 s by
 * design (deploy-reliability tests that), which would only make this test wait.
 */
const isLease = (key: string): boolean => key.startsWith('lock:');

describe('atomic candidate creation', () => {
  it(
    'recovers from a failure at every storage write with one version, its record and its slot',
    { timeout: 600_000 },
    async () => {
      world = await readyWorld();
      const writes: string[] = [];
      world.runtime.storage.refuseWrite = (key) => {
        if (!isLease(key)) writes.push(key);
        return undefined;
      };
      ok(await world.invoke(DEV, 'candidate/refresh', {}));
      await world.stop();
      world = undefined;
      expect(writes.length).toBeGreaterThan(10);

      for (let n = 0; n < writes.length; n++) {
        world = await readyWorld();
        const w = world;
        let seen = 0;
        w.runtime.storage.refuseWrite = (key) => {
          if (isLease(key) || seen++ !== n) return undefined;
          return n % 2 === 0 ? KVS_REFUSALS.maxSize() : KVS_REFUSALS.unavailable();
        };
        // Most failures fail the refresh; the Jira deployment report is best effort and never does.
        const failed = await w.invoke(DEV, 'candidate/refresh', {});
        if (!failed.ok) expect(errorOf(failed).code, `write ${n} (${writes[n]})`).not.toBe('INTERNAL');
        w.runtime.storage.refuseWrite = undefined;

        const retried = ok(await w.invoke(DEV, 'candidate/refresh', {}));
        const versions = w.jira.world.versionsOf('OPS').filter((v) => !v.released);
        expect(
          versions.map((v) => v.id),
          `after a failure at write ${n} (${writes[n]})`,
        ).toEqual([retried.versionId]);
        const page = ok(await w.invoke(DEV, 'release/get', { versionId: retried.versionId }));
        expect(page.issues.map((i) => i.key)).toEqual(['OPS-11', 'OPS-12']);
        expect(w.jira.world.issue('OPS-11')?.fixVersionIds).toEqual([retried.versionId]);
        await w.stop();
        world = undefined;
      }
    },
  );

  it('refuses a candidate over the app’s key limit before writing anything, naming the limit', async () => {
    world = await startWorld();
    const w = world;
    const keys = Array.from({ length: 5001 }, (_, i) => `OPS-${2000 + i}`);
    for (const key of keys) w.jira.world.addIssue({ key, summary: key, type: 'Story', status: 'In Progress' });
    w.simulation.commit('backend', keys.join(' '));
    await w.simulation.nextReport();
    ok(await w.invoke(DEV, 'staging/promote', {}));
    await w.github.world.settleRuns();
    await w.simulation.nextReport();
    const before = w.runtime.storage.calls;
    const refused = errorOf(await w.invoke(DEV, 'candidate/refresh', {}));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toContain('at most 5000');
    expect(w.jira.world.versionsOf('OPS')).toHaveLength(0);
    expect(w.runtime.storage.peek('candidate:OPS')).toBeUndefined();
    expect(w.runtime.storage.calls - before).toBeLessThan(10);
  });
});
