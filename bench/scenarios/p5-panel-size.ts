/**
 * P5: the panel's initial JavaScript, gzipped (zlib level 9): the module scripts index.html loads,
 * its modulepreload links, and every file those import statically. Dynamic `import()` chunks load
 * later (lazily) and are listed apart.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface P5Result {
  ours: number;
  target: number;
  /** Initial files: path relative to the build, raw and gzipped bytes. */
  files: { file: string; bytes: number; gzip_bytes: number }[];
  /** JavaScript in the build not loaded initially (lazy chunks), gzipped KB. */
  lazy_kb_gz: number;
}

export const PANEL_BUILD = new URL('../../static/panel/build/', import.meta.url);

const SCRIPT_SRC = /<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/gi;
const MODULEPRELOAD = /<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/gi;
/** `import … from "./x.js"` and bare `import "./x.js"`; `import("./x.js")` does not match. */
const STATIC_IMPORT = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
/** `export … from "./x.js"` re-exports load eagerly too. */
const STATIC_REEXPORT = /\bexport\s*(?:\*|\{[^}]*\})\s*from\s*["'](\.{1,2}\/[^"']+)["']/g;

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1] ?? '').filter((s) => s !== '');
}

function kb(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}

export function measurePanelSize(buildDir: string = PANEL_BUILD.pathname): P5Result {
  const indexFile = join(buildDir, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`No panel build at ${buildDir}: run \`npm run build\` first`);
  const html = readFileSync(indexFile, 'utf8');
  const pending = [...matches(html, SCRIPT_SRC), ...matches(html, MODULEPRELOAD)].map((src) =>
    normalize(join(buildDir, src)),
  );
  const initial = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop();
    if (file === undefined || initial.has(file)) continue;
    if (!existsSync(file))
      throw new Error(`index.html loads ${relative(buildDir, file)}, which the build does not contain`);
    initial.add(file);
    const code = readFileSync(file, 'utf8');
    for (const spec of [...matches(code, STATIC_IMPORT), ...matches(code, STATIC_REEXPORT)])
      pending.push(normalize(join(dirname(file), spec)));
  }
  const gzipped = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
  const files = [...initial]
    .sort()
    .map((file) => ({ file: relative(buildDir, file), bytes: readFileSync(file).length, gzip_bytes: gzipped(file) }));
  const allJs = readdirSync(buildDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => normalize(join(buildDir, f)));
  const lazy = allJs.filter((file) => !initial.has(file)).reduce((sum, file) => sum + gzipped(file), 0);
  return { ours: kb(files.reduce((sum, f) => sum + f.gzip_bytes, 0)), target: 110, files, lazy_kb_gz: kb(lazy) };
}
