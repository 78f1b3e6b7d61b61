/*
 * LOCAL STAND-IN for the Forge Node runtime wrapper. `forge deploy` downloads the real one from
 * Atlassian's CDN and packs it as __forge__.cjs / __forge_wrapper__.cjs beside the bundled handlers;
 * offline, `npm run bundle` packs this file instead (FORGE_RUNTIME_PATH, @forge/bundler's own switch).
 * It does the one thing of the real wrapper the app depends on: resolve a manifest handler
 * ("index.handler") to the function the bundle exports ("index.cjs", export "handler"). The local
 * Forge runtime (sandbox/forge-runtime/app-entry.ts) loads the app's handlers through it, so a handler
 * string in manifest.yml that the bundle does not export fails there as it would on Forge.
 * CommonJS on purpose: it runs as a .cjs file inside the bundle folder.
 */
'use strict';

const path = require('node:path');

function handlerFor(reference) {
  const parts = String(reference).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new Error(`Handler "${reference}" is not <module>.<export> (manifest function.handler).`);
  }
  const [moduleName, exportName] = parts;
  const bundled = require(path.join(__dirname, `${moduleName}.cjs`));
  const fn = bundled[exportName];
  if (typeof fn !== 'function') {
    throw new Error(`Handler "${reference}": ${moduleName}.cjs exports no function "${exportName}".`);
  }
  return fn;
}

module.exports = { handlerFor, standIn: true };
