/**
 * The benchmark's smallest case of every figure, so the bench cannot rot unnoticed: each runs
 * through the same code `npm run bench` runs, on small sizes and small latencies.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { markdownTable, rows, textTable } from '../../bench/report';
import { measureCandidateCalls, p1Target } from '../../bench/scenarios/p1-candidate-calls';
import { measureReleasePage } from '../../bench/scenarios/p2-release-page';
import { measureRefreshWrites } from '../../bench/scenarios/p3-refresh-writes';
import { measureTriggerCalls } from '../../bench/scenarios/p4-trigger-calls';
import { measurePanelSize } from '../../bench/scenarios/p5-panel-size';
import { measureDeployTime } from '../../bench/scenarios/p6-deploy-time';

describe('bench', () => {
  it('P1: counts ours and the original per-commit strategy on the same world', async () => {
    const [result] = await measureCandidateCalls([{ apps: 2, commits: 10 }]);
    expect(result).toMatchObject({
      apps: 2,
      commits: 10,
      issues: 2,
      ours_fix_version_writes: 2,
      original_fix_version_writes: 2,
      target: p1Target({ apps: 2, commits: 10 }),
    });
    // The original pays one Kosli lookup per commit of the range (20 here).
    expect(result?.original_by_system.kosli).toBeGreaterThanOrEqual(20);
    expect(result?.ours).toBeLessThan(result?.original ?? 0);
  });

  it('P2: times the release page and prices the same reads in sequence', async () => {
    const result = await measureReleasePage({ samples: 3, upstreamLatencyMs: 20, storageLatencyMs: 2 });
    expect(result.all_ms).toHaveLength(3);
    expect(result.upstream_calls).toBeGreaterThan(0);
    expect(result.ours).toBeGreaterThanOrEqual(20);
    expect(result.sequential).toBeGreaterThan(result.zero_latency_ms + result.upstream_calls * 20);
  });

  it('P3: counts the Jira writes of refreshes, ours and the original', async () => {
    const result = await measureRefreshWrites({ issues: 4, newIssues: 1 });
    expect(result.unchanged.ours.writes).toBe(0);
    expect(result.after_new_issues.ours.fix_version_writes).toBe(1);
    expect(result.after_new_issues.original.fix_version_writes).toBe(1);
  });

  it('P4: counts the calls of an idle scheduled run', async () => {
    const result = await measureTriggerCalls({ otherVersions: 2 });
    expect(result.open_versions).toBe(3);
    expect(result.ours).toBeLessThanOrEqual(result.target);
    expect(result.original).toBe(2);
  });

  it('P5: sums the initial JavaScript and leaves lazy chunks out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-panel-'));
    try {
      mkdirSync(join(dir, 'assets'));
      const files: Record<string, string> = {
        'index.html':
          '<html><head><script type="module" crossorigin src="./assets/index.js"></script><link rel="modulepreload" href="./assets/runtime.js"></head></html>',
        'assets/index.js': `import{a}from"./vendor.js";import"./side.js";const l=()=>import("./lazy.js");export{a,l};`,
        'assets/vendor.js': `export const a=${JSON.stringify('v'.repeat(500))};`,
        'assets/side.js': 'document.title="x";',
        'assets/runtime.js': 'export const r=1;',
        'assets/lazy.js': `export const z=${JSON.stringify(randomBytes(2000).toString('hex'))};`,
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const result = measurePanelSize(dir);
      expect(result.files.map((f) => f.file)).toEqual([
        'assets/index.js',
        'assets/runtime.js',
        'assets/side.js',
        'assets/vendor.js',
      ]);
      const initial = ['index.js', 'runtime.js', 'side.js', 'vendor.js'].reduce(
        (sum, f) => sum + gzipSync(files[`assets/${f}`] ?? '', { level: 9 }).length,
        0,
      );
      expect(result.ours).toBe(Math.round((initial / 1024) * 10) / 10);
      expect(result.lazy_kb_gz).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('P6: times the last approval to released, and the table renders every figure', async () => {
    const p6 = await measureDeployTime({ samples: 1, upstreamLatencyMs: 0, storageLatencyMs: 0 });
    expect(p6.samples[0]?.run_polls).toBeGreaterThanOrEqual(1);
    expect(p6.ours).toBeGreaterThan(0);
    const table = rows({
      P6_deploy_s: p6,
      date: 'today',
      machine: { cpu: 'x', cores: 1, memory_gb: 1, os: 'x', node: 'x', load_start: 0, load_end: 0 },
      duration_s: 1,
    });
    expect(textTable(table)).toContain('P6 deploy s');
    expect(markdownTable(table)).toMatch(/^\| Figure \| Case \|/);
  });
});
