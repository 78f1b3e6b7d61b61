/**
 * `npm run demo -- --rollback`: the original demo's release, a second release, then prod rolled
 * back to the first through the gate. The git tags end on the first release's commits, and both
 * Jira versions record the rollback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollbackDemo } from '../../sandbox/demo-rollback';
import { runDemo, type DemoReporter } from '../../sandbox/demo-script';
import { SandboxClient } from '../../sandbox/server/control-client';
import { startSandbox, type Sandbox } from '../../sandbox/server/start-sandbox';

const silent: DemoReporter = { step: () => undefined, detail: () => undefined, done: () => undefined };
const dataDir = mkdtempSync(join(tmpdir(), 'krg-rollback-demo-'));
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir,
    port: 0,
    workflowDelayMs: 300,
    triggerIntervalMs: null,
    realism: { reportIntervalMs: 300 },
  });
}, 30_000);
afterAll(async () => {
  await sandbox.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('the rollback demo', () => {
  it('releases twice, rolls back to the first release, and leaves the prod tags on its commits', async () => {
    const client = new SandboxClient(sandbox.url);
    const first = await runDemo(client, silent);
    const rolledBack = await runRollbackDemo(client, silent, first);

    for (const [app, commit] of Object.entries(first.prodTags)) {
      expect(
        execFileSync('git', ['-C', sandbox.repository.directory, 'rev-parse', `running-prod-${app}`], {
          encoding: 'utf8',
        }).trim(),
      ).toBe(commit);
    }
    const state = await client.state();
    const titles = (id: string) => state.jira.versions.find((v) => v.id === id)?.relatedWork.map((w) => w.title) ?? [];
    expect(titles(first.versionId)).toContain(`Restored by rollback ${rolledBack.rollbackName}`);
    expect(titles(rolledBack.secondVersionId)).toContain(`Rolled back by ${rolledBack.rollbackName}`);
    expect(state.jira.versions.find((v) => v.id === rolledBack.rollbackVersionId)?.released).toBe(true);
    expect(state.github.runs.filter((r) => r.inputs['environment'] === 'prod')).toHaveLength(3);
  }, 180_000);
});
