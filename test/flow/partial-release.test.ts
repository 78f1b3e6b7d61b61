/**
 * A partial release: the candidate's creator ships one app while the other's change waits. The
 * content hash covers only the chosen app, the page says which app is held back and why, the deploy
 * workflow receives only the chosen app, and prod keeps running the held-back app's build.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/release/candidate';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { approveAsBoth, DEV, errorOf, ok, PO1, promoteToStaging, untilSettled } from '../support/flow';
import { prodTags } from '../support/releases';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('partial release', () => {
  it('ships only the chosen app: hash, page, workflow inputs and prod leave the other app untouched', async () => {
    const w = await startWorld();
    world = w;
    w.github.world.settleAfterMs = 10;
    await promoteToStaging(w);
    const prodBefore = prodTags(w);

    expect(errorOf(await w.invoke(DEV, 'candidate/refresh', { apps: ['payments'] })).code).toBe('INVALID_INPUT');
    expect(errorOf(await w.invoke(DEV, 'candidate/refresh', { apps: [] })).code).toBe('INVALID_INPUT');
    const created = ok(await w.invoke(DEV, 'candidate/refresh', { apps: ['backend'] }));
    expect(created.addedKeys).toEqual(['OPS-11']);

    const view = ok(await w.invoke(PO1, 'release/get', { versionId: created.versionId }));
    expect(view.artifacts.map((a) => a.app)).toEqual(['backend']);
    const backend = view.artifacts[0];
    expect(view.contentHash).toBe(
      contentHash([{ name: 'backend', fingerprint: backend?.fingerprint ?? '' }], ['OPS-11']),
    );
    expect(view.gate.heldBack).toHaveLength(1);
    expect(view.gate.heldBack[0]).toMatchObject({
      app: 'frontend',
      chosenBy: 'Dana Developer',
      prodCommit: prodBefore['frontend'],
    });
    expect(view.gate.heldBack[0]?.reason).toContain('waits for the next candidate');

    // A later refresh keeps the choice.
    expect(ok(await w.invoke(DEV, 'candidate/refresh', {})).changed).toBe(false);

    await approveAsBoth(w, created.versionId);
    await untilSettled(w, created.versionId);
    expect(ok(await w.invoke(PO1, 'release/get', { versionId: created.versionId })).state).toBe('released');
    const run = w.github.world.runs.find((r) => r.inputs['environment'] === 'prod');
    expect(JSON.parse(run?.inputs['artifacts'] ?? '[]').map((a: { app: string }) => a.app)).toEqual(['backend']);
    expect(prodTags(w)).toEqual({ backend: backend?.commit, frontend: prodBefore['frontend'] });

    // The held-back change is the next candidate's, by default (a name Jira already has gets " (2)").
    const next = ok(await w.invoke(DEV, 'candidate/refresh', {}));
    expect(next.created).toBe(true);
    expect(ok(await w.invoke(PO1, 'release/get', { versionId: next.versionId })).artifacts.map((a) => a.app)).toEqual([
      'frontend',
    ]);
  });

  it('choosing again changes the content: earlier approvals go stale', async () => {
    const w = await startWorld();
    world = w;
    await promoteToStaging(w);
    const all = ok(await w.invoke(DEV, 'candidate/refresh', {}));
    ok(
      await w.invoke(PO1, 'release/decide', {
        versionId: all.versionId,
        decision: 'approved',
        contentHash: all.contentHash,
      }),
    );
    const narrowed = ok(await w.invoke(DEV, 'candidate/refresh', { apps: ['frontend'] }));
    expect(narrowed.changed).toBe(true);
    const view = ok(await w.invoke(PO1, 'release/get', { versionId: all.versionId }));
    expect(view.approvals.me.stale).toBe(true);
    expect(view.gate.heldBack.map((h) => h.app)).toEqual(['backend']);
    // Choosing every app again is the default (nothing held back).
    ok(await w.invoke(DEV, 'candidate/refresh', { apps: ['frontend', 'backend'] }));
    expect(ok(await w.invoke(PO1, 'release/get', { versionId: all.versionId })).gate.heldBack).toEqual([]);
  });
});
