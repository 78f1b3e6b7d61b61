/**
 * Where the local Forge runtime gets the app's handlers: the TypeScript source (src/index.ts, the
 * default) or the bundle that `npm run bundle` builds with Forge's own bundler (FORGE_APP_ENTRY=bundle),
 * i.e. what `forge deploy` would upload. The bundle is loaded the way Forge resolves manifest
 * handlers: through the runtime wrapper packed beside it (here the local stand-in, see
 * wrapper/dist/wrapper.js), by each function's `handler` string in the manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadWithEgressFetch } from './runtime';

export type AppModule = typeof import('../../src/index');
export type AppEntry = 'source' | 'bundle';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
/** Where scripts/forge-bundle.cjs writes the bundle by default. */
export const DEFAULT_BUNDLE_DIR = join(REPOSITORY, '.forge-bundle');

const wrapperSchema = z.object({
  handlerFor: z.custom<(reference: string) => unknown>((value) => typeof value === 'function'),
});
const bundledManifestSchema = z.object({
  modules: z.object({ function: z.array(z.object({ key: z.string(), handler: z.string() })) }),
});

/** FORGE_APP_ENTRY: `bundle` runs the bundle, anything else (or nothing) the source. */
export function appEntryFromEnvironment(env: NodeJS.ProcessEnv = process.env): AppEntry {
  return env['FORGE_APP_ENTRY'] === 'bundle' ? 'bundle' : 'source';
}

/** The bundle's folder: FORGE_BUNDLE_DIR or .forge-bundle/ in the repository. */
export function bundleDirFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['FORGE_BUNDLE_DIR'];
  return dir ? resolve(dir) : DEFAULT_BUNDLE_DIR;
}

/**
 * The app's handlers from the chosen entry. Call it after installForgeRuntime(): the bundle's own
 * @forge/api captures `fetch` when it loads.
 */
export async function loadApp(
  entry: AppEntry = appEntryFromEnvironment(),
  bundleDir = bundleDirFromEnvironment(),
): Promise<AppModule> {
  return entry === 'bundle' ? loadBundle(bundleDir) : import('../../src/index');
}

function loadBundle(bundleDir: string): AppModule {
  const entryFile = join(bundleDir, '__forge__.cjs');
  if (!existsSync(entryFile))
    throw new Error(`No Forge bundle at ${bundleDir}: run \`npm run bundle\` first (FORGE_APP_ENTRY=bundle).`);
  // The manifest as the archive carries it (JSON under the name manifest.yml): the handler strings Forge resolves.
  const manifest = bundledManifestSchema.parse(JSON.parse(readFileSync(join(bundleDir, 'manifest.yml'), 'utf8')));
  const byExport = loadWithEgressFetch(() => {
    const wrapper = wrapperSchema.parse(createRequire(entryFile)(entryFile));
    return new Map(
      manifest.modules.function.map(({ handler }): [string, unknown] => [
        handler.slice(handler.indexOf('.') + 1),
        wrapper.handlerFor(handler),
      ]),
    );
  });
  return {
    handler: bundled(byExport, 'handler'),
    scheduledCheck: bundled(byExport, 'scheduledCheck'),
    deployConsumer: bundled(byExport, 'deployConsumer'),
    jqlFunction: bundled(byExport, 'jqlFunction'),
  };
}

/**
 * One handler of the bundle, typed as its source: the bundle is src/index.ts compiled by Forge's
 * bundler, and the wrapper already checked that it is a function.
 */
function bundled<K extends keyof AppModule>(byExport: Map<string, unknown>, name: K): AppModule[K] {
  const fn = byExport.get(name);
  if (typeof fn !== 'function') throw new Error(`The bundle's manifest names no handler index.${name}.`);
  return fn as AppModule[K];
}
