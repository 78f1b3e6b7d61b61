/**
 * Forge APIs that no longer work must not creep back in: UI Kit 1 (`@forge/ui`, switched off on
 * 28 Feb 2025) and the legacy `storage` of `@forge/api` (removed in @forge/api 8; we use @forge/kvs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './fixture-project';

const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
const SOURCE_DIRS = ['src', 'sandbox', 'static/panel/src', 'bench', 'scripts'];

const walk = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'build' ? [] : walk(full);
        return SOURCE.test(entry.name) ? [full] : [];
      })
    : [];

// `import { storage } from '@forge/api'`, `import api, { storage as s } ...`, `require('@forge/api').storage`.
const NAMED_STORAGE_IMPORT =
  /import\s+(?:type\s+)?(?:\w+\s*,\s*)?\{[^}]*\bstorage\b[^}]*\}\s*from\s*['"]@forge\/api['"]/;
const REQUIRED_STORAGE = /require\(\s*['"]@forge\/api['"]\s*\)\s*\.\s*storage\b/;

describe('retired Forge APIs', () => {
  it('package.json does not depend on @forge/ui', () => {
    expect(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).not.toContain('@forge/ui');
  });

  it('no source file imports `storage` from @forge/api', () => {
    const files = SOURCE_DIRS.flatMap((dir) => walk(path.join(repoRoot, dir)));
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return NAMED_STORAGE_IMPORT.test(text) || REQUIRED_STORAGE.test(text);
    });
    expect(offenders.map((f) => path.relative(repoRoot, f))).toEqual([]);
  });

  it('the storage check recognises the forms it forbids', () => {
    expect(NAMED_STORAGE_IMPORT.test("import { storage } from '@forge/api';")).toBe(true);
    expect(NAMED_STORAGE_IMPORT.test('import api, { route, storage as s } from "@forge/api";')).toBe(true);
    expect(REQUIRED_STORAGE.test("const s = require('@forge/api').storage;")).toBe(true);
    expect(NAMED_STORAGE_IMPORT.test("import { kvs } from '@forge/kvs';")).toBe(false);
  });
});
