/**
 * The bench's output: the figures as one JSON document, and the table people read (plain text for
 * the terminal, Markdown for the README).
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { P1Result } from './scenarios/p1-candidate-calls';
import type { P2Result } from './scenarios/p2-release-page';
import type { P3Result } from './scenarios/p3-refresh-writes';
import type { P4Result } from './scenarios/p4-trigger-calls';
import type { P5Result } from './scenarios/p5-panel-size';
import type { P6Result } from './scenarios/p6-deploy-time';
import { p7Row, type P7Result } from './scenarios/p7-issue-context';
import type { S3Result, S4Result, ScaleResults } from './scenarios/s-scale';
import type { S5Result } from './scenarios/s5-scheduled-projects';

export interface Machine {
  cpu: string;
  cores: number;
  memory_gb: number;
  os: string;
  node: string;
  /** 1-minute load average when the bench started and ended: a busy machine inflates the timings. */
  load_start: number;
  load_end: number;
}

export interface BenchResults extends Partial<ScaleResults> {
  S3_release_page?: S3Result;
  S4_release_page_history?: S4Result;
  S5_scheduled_50_projects_s?: S5Result;
  P1_calls?: P1Result[];
  P2_panel_ms?: P2Result;
  P3_refresh_writes?: P3Result;
  P4_trigger_calls?: P4Result;
  P5_panel_kb_gz?: P5Result;
  /** Also measured with the P2 latencies, for information (the target is for the sandbox). */
  P6_deploy_s?: P6Result & { with_latency?: P6Result };
  P7_issue_context_ms?: P7Result;
  date: string;
  machine: Machine;
  /** Total wall time of the bench, seconds. */
  duration_s: number;
}

export function machine(loadStart: number): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    load_start: Math.round(loadStart * 10) / 10,
    load_end: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
}

export interface Row {
  figure: string;
  case: string;
  ours: string;
  original: string;
  target: string;
  result: 'pass' | 'miss' | '';
}

function verdict(value: number, limit: number): 'pass' | 'miss' {
  return value <= limit ? 'pass' : 'miss';
}

function missBy(value: number, limit: number, unit = ''): string {
  return value <= limit ? '' : ` (+${Math.round((value - limit) * 1000) / 1000}${unit})`;
}

export function rows(results: BenchResults): Row[] {
  const out: Row[] = [];
  for (const r of results.P1_calls ?? []) {
    const label = `A=${r.apps}, C=${r.commits}/app, ${r.issues} keys`;
    out.push({
      figure: 'P1 calls',
      case: label,
      ours: `${r.ours}`,
      original: `${r.original}`,
      target: `≤ ${r.target}`,
      result: verdict(r.ours, r.target),
    });
    out.push({
      figure: 'P1 calls',
      case: `${label}, without fix-version writes (ours ${r.ours_fix_version_writes} by ${r.ours_fix_version_requests} request(s), original ${r.original_fix_version_writes} PUTs)`,
      ours: `${r.ours_without_fix_versions}${missBy(r.ours_without_fix_versions, r.target)}`,
      original: `${r.original_without_fix_versions}`,
      target: `≤ ${r.target}`,
      result: verdict(r.ours_without_fix_versions, r.target),
    });
  }
  const p2 = results.P2_panel_ms;
  if (p2) {
    out.push({
      figure: 'P2 panel ms',
      case: `release/get median of ${p2.samples}, ${p2.upstream_latency_ms} ms/upstream call, ${p2.storage_latency_ms} ms/storage call (${p2.upstream_calls} upstream + ${p2.storage_calls} storage calls; original column: the same reads in sequence)`,
      ours: `${p2.ours}${missBy(p2.ours, p2.target, ' ms')}`,
      original: `${p2.sequential}`,
      target: `≤ ${p2.target}`,
      result: verdict(p2.ours, p2.target),
    });
  }
  const p3 = results.P3_refresh_writes;
  if (p3) {
    const w = (c: { writes: number; fix_version_writes: number }) =>
      c.writes === c.fix_version_writes ? `${c.writes}` : `${c.writes} (${c.fix_version_writes} fix versions)`;
    out.push({
      figure: 'P3 Jira writes',
      case: `refresh, unchanged ${p3.issues}-issue candidate`,
      ours: w(p3.unchanged.ours),
      original: w(p3.unchanged.original),
      target: `${p3.unchanged.target}`,
      result: verdict(p3.unchanged.ours.writes, p3.unchanged.target),
    });
    out.push({
      figure: 'P3 Jira writes',
      case: `refresh after ${p3.new_issues} new issues`,
      ours: w(p3.after_new_issues.ours),
      original: w(p3.after_new_issues.original),
      target: `${p3.after_new_issues.target}`,
      result: verdict(p3.after_new_issues.ours.writes, p3.after_new_issues.target),
    });
  }
  const p4 = results.P4_trigger_calls;
  if (p4) {
    out.push({
      figure: 'P4 trigger calls',
      case: `scheduled run, nothing to do, ${p4.open_versions} open versions (ours also ${p4.ours_storage_calls} storage calls; original: release-to-prod's approval check)`,
      ours: `${p4.ours}`,
      original: `${p4.original}`,
      target: `≤ ${p4.target}`,
      result: verdict(p4.ours, p4.target),
    });
  }
  const p5 = results.P5_panel_kb_gz;
  if (p5) {
    out.push({
      figure: 'P5 panel KB gz',
      case: `initial JS (${p5.files.length} files, gzip -9; ${p5.lazy_kb_gz} KB more loads lazily)`,
      ours: `${p5.ours}`,
      original: '—',
      target: `≤ ${p5.target}`,
      result: verdict(p5.ours, p5.target),
    });
  }
  const p6 = results.P6_deploy_s;
  if (p6) {
    out.push({
      figure: 'P6 deploy s',
      case: `last approval → released, median of ${p6.samples.length}, run settles at once`,
      ours: `${p6.ours}`,
      original: '—',
      target: `≤ ${p6.target}`,
      result: verdict(p6.ours, p6.target),
    });
    if (p6.with_latency) {
      out.push({
        figure: 'P6 deploy s',
        case: `the same with ${p6.with_latency.upstream_latency_ms} ms/upstream, ${p6.with_latency.storage_latency_ms} ms/storage call (information)`,
        ours: `${p6.with_latency.ours}`,
        original: '—',
        target: '',
        result: '',
      });
    }
  }
  if (results.P7_issue_context_ms) out.push(p7Row(results.P7_issue_context_ms));
  out.push(...scaleRows(results));
  return out;
}

const HEADERS = ['Figure', 'Case', 'Ours', 'Original', 'Target', 'Result'];

function cells(row: Row): string[] {
  return [row.figure, row.case, row.ours, row.original, row.target, row.result];
}

export function textTable(table: readonly Row[]): string {
  const all = [HEADERS, ...table.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...table.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(table: readonly Row[]): string {
  const line = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(HEADERS), line(HEADERS.map(() => '---')), ...table.map((r) => line(cells(r)))].join('\n');
}

/** S1–S5 (issue 16): one row per measured figure against its target. */
function scaleRows(results: BenchResults): Row[] {
  const out: Row[] = [];
  const row = (figure: string, what: string, value: number | null, target: number, unit = ''): void => {
    out.push({
      figure,
      case: what,
      ours: value === null || Number.isNaN(value) ? '—' : `${value}${unit}`,
      original: '—',
      target: `≤ ${target}${unit}`,
      result: value === null || Number.isNaN(value) ? 'miss' : verdict(value, target),
    });
  };
  const s1 = results.S1_create_10x5000;
  if (s1) {
    const what = `create 10 apps × 5,000 commits, 5,000 keys${s1.ok ? '' : ` (failed: ${s1.error ?? 'no version'})`}`;
    row('S1 s', `${what}: release page visible`, s1.seconds_to_release_page, s1.targets.seconds_to_release_page, ' s');
    row(
      'S1 s',
      'the longest resolver invocation',
      s1.max_resolver_invocation_s,
      s1.targets.max_resolver_invocation_s,
      ' s',
    );
    row(
      'S1 bytes',
      `the largest KVS value (${s1.largest_kvs_value_key.replace(/:[^:]*$/, ':…')})`,
      s1.largest_kvs_value_bytes,
      s1.targets.largest_kvs_value_bytes,
    );
    row(
      'S1 s',
      `all 5,000 fix versions written (${s1.fix_versions_written} after ${s1.scheduled_runs} scheduled run(s))`,
      s1.fix_versions_done_s,
      s1.targets.fix_versions_done_s,
      ' s',
    );
  }
  if (results.S2_refresh_unchanged_10x5000_s !== undefined)
    row('S2 s', 'refresh the same, unchanged', results.S2_refresh_unchanged_10x5000_s, 2, ' s');
  const s3 = results.S3_release_page;
  if (s3) {
    row('S3 ms', 'release page, 1,000 issues (median of 5)', s3.issues_1000_ms, s3.targets.issues_1000_ms);
    row('S3 ms', 'release page, 5,000 issues, 10 apps (median of 3)', s3.issues_5000_ms, s3.targets.issues_5000_ms);
    row('S3 bytes', 'the largest release page answer', s3.max_response_bytes, s3.targets.max_response_bytes);
  }
  const s4 = results.S4_release_page_history;
  if (s4) {
    const what = `release page, ${s4.audit_entries.toLocaleString('en')} audit entries + ${s4.decisions.toLocaleString('en')} decisions`;
    row('S4 ms', `${what} (median of 5)`, s4.ms, s4.targets.ms);
    row('S4 bytes', `${what}: the answer`, s4.response_bytes, s4.targets.response_bytes);
    const file = s4.audit_export;
    out.push({
      figure: 'S4 bytes',
      case: `its audit record export: ${file.parts} parts joined into ${file.file_bytes} bytes; the largest part's answer (information)`,
      ours: `${file.max_part_bytes}`,
      original: '—',
      target: '',
      result: '',
    });
  }
  const s5 = results.S5_scheduled_50_projects_s;
  if (s5)
    row(
      'S5 s',
      `one scheduled check, ${s5.projects} projects with open candidates, refresh on (${s5.calls} upstream calls)`,
      s5.seconds,
      s5.target,
      ' s',
    );
  return out;
}
