/**
 * The foundation's promise: the unmodified Forge SDKs run the app's real entry (src/index.ts) on
 * the local runtime. A resolver call writes through @forge/kvs and the test reads it back with
 * @forge/kvs; the storage refuses a second FAIL_IF_EXISTS write like Forge does.
 */
import { kvs } from '@forge/kvs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { ok, prepareCandidate } from '../support/flow';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

describe('src/index.ts on the local Forge runtime', () => {
  it('a resolver invoked through the real handler writes what @forge/kvs reads back', async () => {
    const created = await prepareCandidate(world);
    const slot: unknown = await kvs.get('candidate:OPS');
    expect(slot).toEqual({ versionId: created.versionId });
    const overview = ok(await world.invoke('po0001', 'project/overview', {}));
    expect(overview.openCandidate?.versionId).toBe(created.versionId);
  });

  it('refuses a second FAIL_IF_EXISTS write to the same key', async () => {
    await kvs.set('lock:deploy:probe', { owner: 'a' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    await expect(kvs.set('lock:deploy:probe', { owner: 'b' }, { keyPolicy: 'FAIL_IF_EXISTS' })).rejects.toThrow();
    expect(await kvs.get('lock:deploy:probe')).toEqual({ owner: 'a' });
  });

  it('answers a malformed payload with a typed error, not a crash', async () => {
    const result = await world.runtime.invokeResolver(world.app.handler, {
      key: 'release/get',
      payload: { versionId: 'x' },
      accountId: 'po0001',
      projectKey: 'OPS',
      projectId: '10000',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
