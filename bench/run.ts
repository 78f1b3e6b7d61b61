/**
 * The benchmark: every figure of issue 9, ours against the original scripts' strategy on the same
 * fakes in the same run. Progress goes to stderr, the table to stdout.
 *
 *   npm run bench                         all figures, table only
 *   npm run bench -- --json FILE          also the figures as JSON
 *   npm run bench -- --markdown FILE      also the table as Markdown (for the README)
 *   npm run bench -- --only P2,P5         some figures (S1 and S2 share one run; S: all of S1–S5)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { round } from './measure';
import { machine, markdownTable, rows, textTable, type BenchResults } from './report';
import { measureCandidateCalls } from './scenarios/p1-candidate-calls';
import { measureReleasePage } from './scenarios/p2-release-page';
import { measureRefreshWrites } from './scenarios/p3-refresh-writes';
import { measureTriggerCalls } from './scenarios/p4-trigger-calls';
import { measurePanelSize } from './scenarios/p5-panel-size';
import { measureDeployTime, P6_DEFAULTS } from './scenarios/p6-deploy-time';
import { measureIssueContext } from './scenarios/p7-issue-context';
import { measureReleaseHistory, measureReleasePages, measureScale } from './scenarios/s-scale';
import { measureScheduledProjects } from './scenarios/s5-scheduled-projects';

const FIGURES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'S1', 'S2', 'S3', 'S4', 'S5'] as const;
type Figure = (typeof FIGURES)[number];
/** Names that stand for several figures. */
const GROUPS: Record<string, readonly Figure[]> = { S: ['S1', 'S2', 'S3', 'S4', 'S5'] };

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function writeOut(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'string' }, markdown: { type: 'string' }, only: { type: 'string' } },
  });
  const asked: readonly string[] = values.only ? values.only.split(',').map((f) => f.trim().toUpperCase()) : FIGURES;
  const wanted = new Set<string>(asked.flatMap((f): readonly string[] => GROUPS[f] ?? [f]));
  const unknown = [...wanted].filter((f) => !(FIGURES as readonly string[]).includes(f));
  if (unknown.length > 0) throw new Error(`Unknown figure(s) ${unknown.join(', ')}; known: ${FIGURES.join(', ')}`);
  const run = (figure: Figure) => wanted.has(figure);

  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const results: Omit<BenchResults, 'machine' | 'duration_s'> = { date: new Date().toISOString() };
  const step = async <T>(figure: Figure, what: string, work: () => Promise<T> | T): Promise<T> => {
    progress(`${figure}: ${what}…`);
    const at = performance.now();
    const value = await work();
    progress(`${figure}: done in ${round((performance.now() - at) / 1000, 1)} s`);
    return value;
  };

  if (run('P1'))
    results.P1_calls = await step(
      'P1',
      'calls to compose and create a candidate (A = 2, 10; C = 10, 100, 1000 per app)',
      () => measureCandidateCalls(),
    );
  if (run('P2'))
    results.P2_panel_ms = await step('P2', 'release page load time with injected latency', () => measureReleasePage());
  if (run('P3')) results.P3_refresh_writes = await step('P3', 'Jira writes of a refresh', () => measureRefreshWrites());
  if (run('P4'))
    results.P4_trigger_calls = await step('P4', 'calls of an idle scheduled run', () => measureTriggerCalls());
  if (run('P5')) results.P5_panel_kb_gz = await step('P5', 'panel initial JavaScript', () => measurePanelSize());
  if (run('P6')) {
    const sandbox = await step('P6', 'last approval to released', () => measureDeployTime());
    const withLatency = await step('P6', 'the same with 100 ms/10 ms latency', () =>
      measureDeployTime({ ...P6_DEFAULTS, samples: 1, upstreamLatencyMs: 100, storageLatencyMs: 10 }),
    );
    results.P6_deploy_s = { ...sandbox, with_latency: withLatency };
  }

  if (run('S1') || run('S2'))
    Object.assign(
      results,
      await step('S1', 'a 10 × 5,000-commit release: create, then refresh (S1, S2)', () => measureScale(progress)),
    );
  if (run('S3'))
    Object.assign(
      results,
      await step('S3', 'release pages of 1,000 and 5,000 issues', () => measureReleasePages(progress)),
    );
  if (run('S4'))
    Object.assign(
      results,
      await step('S4', 'release page with 10,000 audit entries and 10,000 decisions', () =>
        measureReleaseHistory(progress),
      ),
    );
  if (run('S5'))
    Object.assign(
      results,
      await step('S5', 'one scheduled check over 50 projects, refresh on', () => measureScheduledProjects(progress)),
    );

  if (run('P7'))
    results.P7_issue_context_ms = await step('P7', 'issue panel load time with injected latency', () =>
      measureIssueContext(),
    );

  const document: BenchResults = {
    ...results,
    machine: machine(loadStart),
    duration_s: round((performance.now() - started) / 1000, 1),
  };
  const table = rows(document);
  process.stdout.write(
    `\n${textTable(table)}\n\n${document.date} · ${document.machine.cpu} × ${document.machine.cores} · load ${document.machine.load_start} → ${document.machine.load_end} · ${document.duration_s} s\n`,
  );
  if (values.json) writeOut(values.json, `${JSON.stringify(document, null, 2)}\n`);
  if (values.markdown) writeOut(values.markdown, `${markdownTable(table)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
