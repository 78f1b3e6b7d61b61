/**
 * Where the local runtime takes the app's handlers from: src/index.ts, or (FORGE_APP_ENTRY=bundle)
 * the bundle `npm run bundle` builds with Forge's own bundler, loaded through the runtime wrapper
 * packed beside it by the manifest's handler strings, as Forge does. `npm run test:bundle` runs this
 * file, the flow tests and the demo on the real bundle.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appEntryFromEnvironment, bundleDirFromEnvironment, loadApp } from '../../sandbox/forge-runtime/app-entry';
import { startWorld } from '../../sandbox/world/start-world';

const WRAPPER = fileURLToPath(new URL('../../sandbox/forge-runtime/wrapper/dist/', import.meta.url));
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A bundle folder laid out as the archive: wrapper stand-in, index.cjs, the manifest as JSON. */
function bundleFolder(indexSource: string, handlers: string[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'krg-bundle-'));
  folders.push(folder);
  copyFileSync(join(WRAPPER, 'loader.js'), join(folder, '__forge__.cjs'));
  copyFileSync(join(WRAPPER, 'wrapper.js'), join(folder, '__forge_wrapper__.cjs'));
  writeFileSync(join(folder, 'index.cjs'), indexSource);
  writeFileSync(
    join(folder, 'manifest.yml'),
    JSON.stringify({ modules: { function: handlers.map((handler, i) => ({ key: `f${i}`, handler })) } }),
  );
  return folder;
}

const EXPORTS = ['index.handler', 'index.scheduledCheck', 'index.deployConsumer', 'index.jqlFunction'];

describe('the app entry', () => {
  it('loads each handler the manifest names from the bundle, through the wrapper packed beside it', async () => {
    const folder = bundleFolder(
      "exports.handler = async () => 'resolver'; exports.jqlFunction = async () => 'jql'; exports.scheduledCheck = async () => 'trigger'; exports.deployConsumer = async () => 'consumer';",
      EXPORTS,
    );
    const app = await loadApp('bundle', folder);
    const bundled: unknown = createRequire(join(folder, 'index.cjs'))(join(folder, 'index.cjs'));
    expect(bundled).toMatchObject({
      handler: app.handler,
      jqlFunction: app.jqlFunction,
      scheduledCheck: app.scheduledCheck,
      deployConsumer: app.deployConsumer,
    });
    expect(await app.scheduledCheck()).toBe('trigger');
  });

  it('fails as Forge would when a manifest handler is not exported by the bundle', async () => {
    const folder = bundleFolder("exports.handler = async () => 'resolver';", EXPORTS);
    await expect(loadApp('bundle', folder)).rejects.toThrow(
      'Handler "index.scheduledCheck": index.cjs exports no function "scheduledCheck"',
    );
  });

  it('says how to build the bundle when there is none', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'krg-no-bundle-'));
    folders.push(folder);
    await expect(loadApp('bundle', folder)).rejects.toThrow('run `npm run bundle` first');
  });

  it('reads the entry from FORGE_APP_ENTRY: the source unless it says bundle', () => {
    expect(appEntryFromEnvironment({})).toBe('source');
    expect(appEntryFromEnvironment({ FORGE_APP_ENTRY: 'bundle' })).toBe('bundle');
    expect(appEntryFromEnvironment({ FORGE_APP_ENTRY: 'src' })).toBe('source');
  });

  it(`gives the world the handlers of the entry this run names (${appEntryFromEnvironment()})`, async () => {
    const world = await startWorld();
    try {
      if (appEntryFromEnvironment() === 'bundle') {
        const index = join(bundleDirFromEnvironment(), 'index.cjs');
        const bundled: unknown = createRequire(index)(index);
        expect(bundled).toMatchObject({
          handler: world.app.handler,
          jqlFunction: world.app.jqlFunction,
          scheduledCheck: world.app.scheduledCheck,
          deployConsumer: world.app.deployConsumer,
        });
      } else {
        const source = await import('../../src/index');
        expect(world.app.handler).toBe(source.handler);
      }
    } finally {
      await world.stop();
    }
  });
});
