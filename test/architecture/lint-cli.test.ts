/**
 * `npm run lint` itself refuses a boundary break: the fixture in ./fixtures, handed to the eslint
 * command line as if it were a file of the core, makes it exit non-zero naming the wall, and the
 * same file keeping to the core passes. (boundaries.test.ts checks every wall through ESLint's API;
 * this checks the command CI runs, configuration discovery included.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const eslintBin = new URL('../../node_modules/eslint/bin/eslint.js', import.meta.url).pathname;

function lintAs(fixture: string, filePath: string): { status: number | null; output: string } {
  const code = readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url), 'utf8');
  const run = spawnSync(process.execPath, [eslintBin, '--stdin', '--stdin-filename', filePath], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('npm run lint on a fixture', () => {
  it('fails on the core importing an adapter, naming the wall', () => {
    const broken = lintAs('core-imports-adapter.ts.txt', 'src/release/fixture.ts');
    expect(broken.status).toBe(1);
    expect(broken.output).toContain('no-restricted-imports');
    expect(broken.output).toContain('src/release is the pure core');
  });

  it('passes the same file when it keeps to the core', () => {
    expect(lintAs('core-imports-core.ts.txt', 'src/release/fixture.ts')).toEqual({ status: 0, output: '' });
  });
});
