/**
 * Throwaway Forge projects in a temp folder for the manifest checks: the scripts resolve handler files
 * and resource folders from the project folder, so each project carries what they look for.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const realManifest = (): string => fs.readFileSync(path.join(repoRoot, 'manifest.yml'), 'utf8');

/** Replaces `find` in `text`, and fails loudly when it is absent so a test never checks an unbroken manifest. */
export function edit(text: string, find: string, replacement: string): string {
  if (!text.includes(find)) throw new Error(`manifest edit: "${find}" not found`);
  return text.replace(find, replacement);
}

/** Entry file exporting exactly the handlers manifest.yml names. */
export const fixtureIndex = `export const handler = async (): Promise<null> => null;
export const scheduledCheck = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });
export const deployConsumer = async (): Promise<void> => undefined;
`;

/** One call of each kind the linters check, plus the two cases the plain linter would skip silently. */
export const fixtureCalls = `import api, { fetch, route } from '@forge/api';

type JiraRoute = Parameters<ReturnType<typeof api.asApp>['requestJira']>[0];

export async function createVersion(name: string): Promise<Response> {
  return api.asApp().requestJira(route\`/rest/api/3/version\`, { method: 'POST', body: JSON.stringify({ name }) });
}

export async function misspelled(id: string): Promise<Response> {
  return api.asApp().requestJira(route\`/rest/api/3/verzion/\${id}\`);
}

export async function dynamicRoute(path: JiraRoute): Promise<Response> {
  return api.asApp().requestJira(path);
}

export async function workflows(): Promise<Response> {
  return fetch('https://api.github.com/repos/acme/shop/actions/workflows');
}
`;

export interface ProjectFiles {
  [relativePath: string]: string;
}

/** A temp project with `static/panel/build/index.html` and the given files; `copy` copies folders of this repo. */
export function makeProject(files: ProjectFiles, copy: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-gate-manifest-'));
  fs.mkdirSync(path.join(dir, 'static/panel/build'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'static/panel/build/index.html'), '<!doctype html><title>panel</title>\n');
  for (const folder of copy) fs.cpSync(path.join(repoRoot, folder), path.join(dir, folder), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  // The TypeScript parser inside @forge/lint resolves `types: ["node"]` and imports from here.
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export interface RunResult {
  code: number | null;
  output: string;
  seconds: number;
}

/** Runs one of the repo's scripts with `args`, in `cwd`; never rejects, so tests can start runs early. */
export function runScript(script: string, args: string[], cwd: string): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', script), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, output: `${output}\n${String(error)}`, seconds: 0 }));
    child.on('close', (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}
