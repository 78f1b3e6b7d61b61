// Node module hook for `tsx bench/run.ts`. src/index.ts does `import Resolver from '@forge/resolver'`:
// bundlers (Forge's webpack, vitest) map that default import to the CommonJS `exports.default`, but
// plain Node ESM hands over `module.exports` itself, so `new Resolver()` throws. This hook serves
// that one CommonJS file as ESM with the bundler meaning. Remove it once src/index.ts imports the
// named `makeResolver` export instead (portable everywhere).
const TARGET = /\/node_modules\/@forge\/resolver\/out\/index\.js$/;

export async function load(url, context, nextLoad) {
  if (!TARGET.test(url)) return nextLoad(url, context);
  const source = [
    "import { createRequire } from 'node:module';",
    "import { fileURLToPath } from 'node:url';",
    'const cjs = createRequire(import.meta.url)(fileURLToPath(import.meta.url));',
    'export default cjs.default;',
    'export const makeResolver = cjs.makeResolver;',
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
