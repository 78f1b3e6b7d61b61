/**
 * `npm run demo`: the original scripts' demo against a fresh sandbox (its own temporary folder and a
 * free port), narrated step by step with timings. Exits 1 when a step fails.
 *
 *   SANDBOX_WORKFLOW_DELAY_MS   how long a workflow run takes (default 1500 here)
 *   --keep                      leave the sandbox running afterwards to look at it in the browser
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoFailure, runDemo, type DemoReporter } from './demo-script';
import { SandboxClient } from './server/control-client';
import { startSandbox } from './server/start-sandbox';

const out = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const color = process.stdout.isTTY ? (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m` : (_code: number, text: string) => text;

const reporter: DemoReporter = {
  step: (index, total, title) => out(`\n${color(1, `[${String(index).padStart(2)}/${total}] ${title}`)}`),
  detail: (line) => out(`        ${line}`),
  done: (ms) => out(`        ${color(32, '✓')} ${seconds(ms)}`),
};

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const delay = Number(process.env['SANDBOX_WORKFLOW_DELAY_MS'] ?? 1500);
  const dataDir = mkdtempSync(join(tmpdir(), 'krg-demo-'));
  const started = Date.now();
  out(color(1, 'Kosli Release Gate: the original demo, offline'));
  const sandbox = await startSandbox({ dataDir, port: 0, workflowDelayMs: Number.isFinite(delay) ? delay : 1500, triggerIntervalMs: null });
  out(`Fresh sandbox at ${sandbox.url}/ in ${seconds(Date.now() - started)} (git repository: ${sandbox.repository.directory})`);
  let code = 0;
  try {
    const outcome = await runDemo(new SandboxClient(sandbox.url), reporter);
    out('');
    out(color(32, `Done: ${outcome.versionName} is in prod and released (${outcome.releaseDate ?? '?'}).`));
    out(`Total ${seconds(Date.now() - started)} (demo steps ${seconds(outcome.totalMs)}).`);
  } catch (error) {
    code = 1;
    out('');
    out(color(31, `✗ ${error instanceof DemoFailure ? `step "${error.step}" failed: ${error.message.slice(error.step.length + 2)}` : error instanceof Error ? error.message : String(error)}`));
    out(`Total ${seconds(Date.now() - started)}.`);
  }
  if (keep) {
    out(`\nThe sandbox stays up at ${sandbox.url}/ (Ctrl-C stops it; its folder ${dataDir} is then deleted).`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await sandbox.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
