import { describe, expect, it } from 'vitest';
import { rows, textTable } from '../../bench/report';
import { measureIssueContext } from '../../bench/scenarios/p7-issue-context';

describe('bench P7', () => {
  it(
    'loads the issue panel within 4 upstream calls, and the table renders the figure',
    { timeout: 120_000 },
    async () => {
      const p7 = await measureIssueContext({ samples: 1, upstreamLatencyMs: 0, storageLatencyMs: 0 });
      expect(p7.upstream_calls).toBeGreaterThan(0);
      expect(p7.upstream_calls).toBeLessThanOrEqual(4);
      const table = rows({
        P7_issue_context_ms: p7,
        date: 'today',
        machine: { cpu: 'x', cores: 1, memory_gb: 1, os: 'x', node: 'x', load_start: 0, load_end: 0 },
        duration_s: 1,
      });
      expect(textTable(table)).toContain('P7 issue context ms');
    },
  );
});
