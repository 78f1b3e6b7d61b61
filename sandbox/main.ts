/**
 * `npm start`: the whole release process on this machine, no accounts. Builds the panel (npm does,
 * before this runs), starts the sandbox server on 127.0.0.1 and prints the URL.
 *
 *   npm start                       keeps the world in .sandbox/ between runs
 *   npm start -- --fresh            deletes .sandbox/ first
 *   PORT=4000 npm start             another port (default 3000)
 *   SANDBOX_SCENARIO=sandbox/scenarios/example.json npm start   another world (see docs/sandbox.md)
 *   SANDBOX_WORKFLOW_DELAY_MS=3000  how long a dispatched workflow run takes
 *   SANDBOX_TRIGGER_INTERVAL_MS=30000  how often the scheduled check runs (Forge: every 5 minutes; 0 = never)
 *   SANDBOX_REPORT_INTERVAL_MS=30000  how often every Kosli environment reports (never 0: real reporting is periodic)
 *   SANDBOX_FAULTS=0.1 SANDBOX_FAULT_SEED=1  random 429/5xx/dropped connections on all three fakes
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_SCENARIO, loadScenario } from './world/scenario';
import { SANDBOX_REALISM } from './world/start-world';
import { SandboxStartError } from './server/sandbox-world';
import { startSandbox } from './server/start-sandbox';

const DATA_DIR = fileURLToPath(new URL('../.sandbox', import.meta.url));

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SANDBOX_WORKFLOW_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
  SANDBOX_TRIGGER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  SANDBOX_SCENARIO: z.string().min(1).optional(),
  SANDBOX_REPORT_INTERVAL_MS: z.coerce.number().int().min(1).max(3_600_000).default(SANDBOX_REALISM.reportIntervalMs),
  SANDBOX_FAULTS: z.coerce.number().min(0).max(0.9).default(0),
  SANDBOX_FAULT_SEED: z.coerce.number().int().default(1),
});

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--fresh');
  if (unknown.length > 0) fail(`unknown argument ${unknown.join(' ')} (the only one is --fresh)`);
  const env = environment.safeParse(process.env);
  if (!env.success) fail(env.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const settings = env.data;
  const scenario = settings.SANDBOX_SCENARIO ? loadScenario(settings.SANDBOX_SCENARIO) : DEFAULT_SCENARIO;

  const started = Date.now();
  const sandbox = await startSandbox({
    dataDir: DATA_DIR,
    fresh: args.includes('--fresh'),
    scenario,
    port: settings.PORT,
    workflowDelayMs: settings.SANDBOX_WORKFLOW_DELAY_MS,
    triggerIntervalMs: settings.SANDBOX_TRIGGER_INTERVAL_MS === 0 ? null : settings.SANDBOX_TRIGGER_INTERVAL_MS,
    realism: { reportIntervalMs: settings.SANDBOX_REPORT_INTERVAL_MS },
    ...(settings.SANDBOX_FAULTS > 0
      ? { faults: { rate: settings.SANDBOX_FAULTS, seed: settings.SANDBOX_FAULT_SEED } }
      : {}),
    log,
  });
  const owners = scenario.users.filter((u) => u.role === 'product-owner').map((u) => u.displayName);
  const restored = sandbox.sandbox.restoredFrom;
  say('');
  say(`Kosli Release Gate sandbox is running (started in ${Date.now() - started} ms)`);
  say('');
  say(`  Open      ${sandbox.url}/`);
  say(`            Act as ${owners.join(' or ')} with the switcher at the top right.`);
  say(`  Control   ${sandbox.url}/sandbox/state  (all routes: docs/sandbox.md)`);
  say(`  World     ${restored ? `restored from ${DATA_DIR} (saved ${restored})` : `new, kept in ${DATA_DIR}`}`);
  say(`  Git       git -C ${sandbox.repository.directory} log --oneline --decorate`);
  say(
    `  Timing    workflow runs take ${settings.SANDBOX_WORKFLOW_DELAY_MS} ms; ` +
      (settings.SANDBOX_TRIGGER_INTERVAL_MS === 0
        ? 'the scheduled check runs only when asked'
        : `the scheduled check runs every ${settings.SANDBOX_TRIGGER_INTERVAL_MS / 1000} s`) +
      `; Kosli environments report every ${settings.SANDBOX_REPORT_INTERVAL_MS / 1000} s` +
      (settings.SANDBOX_FAULTS > 0
        ? `; ${settings.SANDBOX_FAULTS * 100}% of upstream calls fail at random (seed ${settings.SANDBOX_FAULT_SEED})`
        : ''),
  );
  say('');
  say('  Ctrl-C stops and saves the world; `npm start -- --fresh` starts over.');
  say('');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: saving the world and stopping…`);
    sandbox.stop().then(
      () => {
        log('stopped; the world is saved.');
        process.exit(0);
      },
      (error: unknown) => fail(`stopping failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof SandboxStartError) fail(error.message);
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
    fail(`port ${process.env['PORT'] ?? 3000} is in use: set PORT to another one`);
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
