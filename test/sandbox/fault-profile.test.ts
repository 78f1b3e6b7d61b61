/**
 * The whole demo with 10% of all upstream calls failing at random (429, 5xx, dropped connections,
 * writes that happen before the failure), on all three fakes at once, for three seeds: it still
 * ends with exactly one prod dispatch and one released version. What `npm run demo -- --faults 0.1`
 * shows, with shorter delays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo, type DemoReporter } from '../../sandbox/demo-script';
import { SandboxClient } from '../../sandbox/server/control-client';
import { startSandbox } from '../../sandbox/server/start-sandbox';

const silent: DemoReporter = { step: () => undefined, detail: () => undefined, done: () => undefined };

describe('fault profile: 10% random faults across Jira, Kosli and GitHub', () => {
  it.each([1, 2, 3])(
    'seed %i: the demo releases once, with exactly one prod dispatch',
    async (seed) => {
      const dataDir = mkdtempSync(join(tmpdir(), `krg-faults-${seed}-`));
      const sandbox = await startSandbox({
        dataDir,
        port: 0,
        workflowDelayMs: 300,
        triggerIntervalMs: null,
        realism: { reportIntervalMs: 300 },
        faults: { rate: 0.1, seed, hangMs: 200 },
      });
      try {
        const client = new SandboxClient(sandbox.url);
        const outcome = await runDemo(client, silent);
        const state = await client.state();
        const prodRuns = state.github.runs.filter((run) => run.inputs['environment'] === 'prod');
        expect(prodRuns).toHaveLength(1);
        expect(state.jira.versions.filter((version) => version.released).map((version) => version.id)).toEqual([
          outcome.versionId,
        ]);
        expect(outcome.prodTags).toEqual(outcome.approved);
        // The profile did fail calls on the way (a run without any would prove nothing).
        const served = [sandbox.world.jira, sandbox.world.kosli, sandbox.world.github].flatMap(({ service }) => [
          ...service.randomFaults.values(),
        ]);
        expect(served.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(5);
      } finally {
        await sandbox.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
