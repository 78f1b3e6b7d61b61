/**
 * The repository stands alone: a fresh clone with nothing beside it installs, tests and runs. Every
 * document the tests and lint:forge read is vendored in reference/, so no tracked file may point to
 * a folder next to the repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Spelled in two parts so that this file does not match itself.
const OUTSIDE_FOLDER = ['..', 'shared'].join('/');

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '');
}

describe('the repository', () => {
  it(`has no tracked file that reads or mentions ${OUTSIDE_FOLDER}`, () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((file) => {
      const full = `${ROOT}/${file}`;
      return existsSync(full) && readFileSync(full, 'latin1').includes(OUTSIDE_FOLDER);
    });
    expect(offenders).toEqual([]);
  });

  it('vendors every reference document the tests and lint:forge read, each named in reference/README.md', () => {
    const readme = readFileSync(`${ROOT}/reference/README.md`, 'utf8');
    const documents = trackedFiles().filter((file) => file.startsWith('reference/') && file !== 'reference/README.md');
    expect(documents).toContain('reference/jira/jira-platform-openapi-v3.json');
    expect(documents).toContain('reference/github/github-rest-openapi-subset.json');
    expect(documents).toContain('reference/kosli/kosli-api-catalog.json');
    const unnamed = documents.filter((file) => !readme.includes(file.slice('reference/'.length)));
    expect(unnamed).toEqual([]);
  });
});
