/**
 * Every audit action the app writes reads as words on the release page, not as its key: the
 * literal actions are found in the source, so a new one without a label fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_LABELS } from '../../src/services/release-lists';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

describe('audit action labels', () => {
  it('names every literal audit action the source writes', () => {
    const actions = new Set(
      sources(SRC).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/action: '([a-zA-Z.-]+)'/g)].map((m) => m[1] ?? ''),
      ),
    );
    expect(actions.size).toBeGreaterThan(10);
    expect([...actions].filter((action) => !(action in ACTION_LABELS))).toEqual([]);
  });
});
