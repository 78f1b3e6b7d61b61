/**
 * `npm run demo`: the original scripts' demo against a fresh sandbox (its own temporary folder and a
 * free port), narrated step by step with timings. Exits 1 when a step fails.
 *
 *   SANDBOX_WORKFLOW_DELAY_MS   how long a workflow run takes (default 1500 here)
 *   SANDBOX_REPORT_INTERVAL_MS  how often Kosli environments report (default 1000 here; never 0)
 *   --faults RATE [--seed N]    random 429/5xx/dropped connections on RATE of all upstream calls
 *   --rollback                  then a second release, and a rollback of prod to the first one
 *   --keep                      leave the sandbox running afterwards to look at it in the browser
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRollbackDemo } from './demo-rollback';
import { DemoFailure, runDemo, type DemoReporter } from './demo-script';
import type { FakeHttpService } from './fakes/http-fake';
import { SandboxClient } from './server/control-client';
import { startSandbox } from './server/start-sandbox';

const out = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const color = process.stdout.isTTY
  ? (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m`
  : (_code: number, text: string) => text;

const reporter: DemoReporter = {
  step: (index, total, title) => out(`\n${color(1, `[${String(index).padStart(2)}/${total}] ${title}`)}`),
  detail: (line) => out(`        ${line}`),
  done: (ms) => out(`        ${color(32, '✓')} ${seconds(ms)}`),
};

/** The value after a flag, e.g. `--faults 0.1`. */
function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const delay = Number(process.env['SANDBOX_WORKFLOW_DELAY_MS'] ?? 1500);
  const reportIntervalMs = Number(process.env['SANDBOX_REPORT_INTERVAL_MS'] ?? 1000);
  if (!(reportIntervalMs > 0)) throw new Error('SANDBOX_REPORT_INTERVAL_MS must be a positive number of ms');
  const rate = Number(option('--faults') ?? 0);
  const seed = Number(option('--seed') ?? 1);
  if (!(rate >= 0 && rate < 1) || !Number.isInteger(seed))
    throw new Error('--faults takes a rate in [0, 1) and --seed an integer');
  const dataDir = mkdtempSync(join(tmpdir(), 'krg-demo-'));
  const started = Date.now();
  out(color(1, 'Kosli Release Gate: the original demo, offline'));
  const sandbox = await startSandbox({
    dataDir,
    port: 0,
    workflowDelayMs: Number.isFinite(delay) ? delay : 1500,
    triggerIntervalMs: null,
    realism: { reportIntervalMs },
    ...(rate > 0 ? { faults: { rate, seed } } : {}),
  });
  out(
    `Fresh sandbox at ${sandbox.url}/ in ${seconds(Date.now() - started)} (git repository: ${sandbox.repository.directory})`,
  );
  out(
    `Kosli environments report every ${seconds(reportIntervalMs)}${rate > 0 ? `; ${rate * 100}% of upstream calls fail at random (seed ${seed})` : ''}.`,
  );
  let code = 0;
  try {
    const outcome = await runDemo(new SandboxClient(sandbox.url), reporter);
    out('');
    out(color(32, `Done: ${outcome.versionName} is in prod and released (${outcome.releaseDate ?? '?'}).`));
    if (process.argv.includes('--rollback')) {
      out(color(1, '\nThen a second release, and prod rolled back to the first, through the gate'));
      const rolledBack = await runRollbackDemo(new SandboxClient(sandbox.url), reporter, outcome);
      out('');
      out(color(32, `Done: ${rolledBack.rollbackName} put prod back on ${outcome.versionName}'s commits.`));
    }
    out(`Total ${seconds(Date.now() - started)} (demo steps ${seconds(outcome.totalMs)}).`);
    if (rate > 0)
      out(
        `Random faults served: ${faultSummary(sandbox)}; prod dispatches: ${(await new SandboxClient(sandbox.url).state()).github.runs.filter((r) => r.inputs['environment'] === 'prod').length}.`,
      );
  } catch (error) {
    code = 1;
    out('');
    out(
      color(
        31,
        `✗ ${error instanceof DemoFailure ? `step "${error.step}" failed: ${error.message.slice(error.step.length + 2)}` : error instanceof Error ? error.message : String(error)}`,
      ),
    );
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

function faultSummary(sandbox: {
  world: {
    jira: { service: FakeHttpService };
    kosli: { service: FakeHttpService };
    github: { service: FakeHttpService };
  };
}): string {
  const { jira, kosli, github } = sandbox.world;
  return [jira, kosli, github]
    .map(
      ({ service }) =>
        `${service.system} ${[...service.randomFaults].map(([kind, count]) => `${count}×${kind}`).join(' ') || 'none'}`,
    )
    .join(', ');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
