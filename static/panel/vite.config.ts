import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Initial JS of the panel, gzipped (issue 5: a bare React + @forge/bridge page is ~87 kB). */
const INITIAL_JS_BUDGET_BYTES = 110_000;

/**
 * Fails the build when the JS a page loads before rendering (entry chunk plus its static imports)
 * grows past the budget, so a heavy import cannot slip in unnoticed. Lazy chunks do not count.
 */
function initialJsBudget(limit: number): Plugin {
  return {
    name: 'initial-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, string>();
      const entries: string[] = [];
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        chunks.set(fileName, output.code);
        if (output.isEntry) entries.push(fileName);
      }
      for (const entry of entries) {
        const seen = new Set<string>();
        const visit = (fileName: string): void => {
          if (seen.has(fileName)) return;
          seen.add(fileName);
          const output = bundle[fileName];
          if (output?.type === 'chunk') output.imports.forEach(visit);
        };
        visit(entry);
        const gzipped = [...seen].reduce((sum, fileName) => sum + gzipSync(chunks.get(fileName) ?? '').length, 0);
        const summary = `initial JS for ${entry}: ${(gzipped / 1000).toFixed(1)} kB gzip (${seen.size} chunk${seen.size === 1 ? '' : 's'}), budget ${limit / 1000} kB`;
        if (gzipped > limit) this.error(`Bundle budget exceeded: ${summary}`);
        this.info(summary);
      }
    },
  };
}

// Forge serves the resource from a relative path: absolute /assets/... URLs give a blank panel after deploy.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), initialJsBudget(INITIAL_JS_BUDGET_BYTES)],
  build: {
    outDir: 'build',
    emptyOutDir: true,
  },
});
