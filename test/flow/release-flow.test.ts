/**
 * The whole release through the real handlers on the local runtime and the fakes: promote, create
 * the candidate, approve as both product owners, deploy on the queue, verify prod, release in Jira.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';

let world: World;
const [dev, po1, po2] = ['dev0001', 'po0001', 'po0002'];

beforeAll(async () => {
  world = await startWorld();
  world.github.world.settleAfterMs = 20;
});
afterAll(() => world.stop());

function ok<T>(result: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

describe('release flow', () => {
  it('goes from two changes to a verified, released version', async () => {
    world.simulation.commit('backend', 'OPS-11 faster search');
    world.simulation.commit('frontend', 'OPS-12 fix checkout button');

    const promoted = ok(await world.invoke(dev, 'staging/promote', {}));
    expect(promoted.apps.map((a) => a.name).sort()).toEqual(['backend', 'frontend']);
    await world.github.world.settleRuns();

    const created = ok(await world.invoke(dev, 'candidate/refresh', {}));
    expect(created.created).toBe(true);
    expect(created.addedKeys).toEqual(['OPS-11', 'OPS-12']);

    const again = ok(await world.invoke(dev, 'candidate/refresh', {}));
    expect(again).toMatchObject({ created: false, changed: false, addedKeys: [] });

    const view = ok(await world.invoke(po1, 'release/get', { versionId: created.versionId }));
    expect(view.state).toBe('open');
    expect(view.issues.map((i) => i.key)).toEqual(['OPS-11', 'OPS-12']);
    expect(view.approvals.me.eligible).toBe(true);

    ok(await world.invoke(po1, 'release/decide', { versionId: created.versionId, decision: 'approved', contentHash: view.contentHash }));
    const afterBoth = ok(await world.invoke(po2, 'release/decide', { versionId: created.versionId, decision: 'approved', contentHash: view.contentHash }));
    expect(afterBoth.approvals.satisfied).toBe(true);
    await world.drain();

    const final = ok(await world.invoke(po1, 'release/get', { versionId: created.versionId }));
    expect(final.deploy.failure).toBeNull();
    expect(final.state).toBe('released');
    expect(final.deploy.verification?.ok).toBe(true);
    expect(world.jira.world.version(created.versionId)?.released).toBe(true);
    const prodBackend = world.github.world.getRef('tags/running-prod-backend');
    expect(prodBackend).toBe(view.artifacts.find((a) => a.app === 'backend')?.commit);
  });
});
