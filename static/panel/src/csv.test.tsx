import { describe, expect, it } from 'vitest';
import { complianceCsv, csvField } from './csv';
import { aComplianceRow } from './test/builders';
import { parseCsv } from './test/parse-csv';

describe('the compliance CSV', () => {
  it('has the original report columns', () => {
    expect(complianceCsv([]).split('\r\n')[0]).toBe('commit,date,commit-author,pr-approver,jira-issue');
  });

  it('quotes fields with commas, quotes and line breaks, and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Lee, Ann')).toBe('"Lee, Ann"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('parses back to the rows it was made from', () => {
    const rows = [
      aComplianceRow({ author: 'Lee, "Ann"\nthe second', approvers: ['rui', 'ann'], issues: [{ key: 'OPS-1', exists: true }, { key: 'OPS-99', exists: false }, { key: 'OPS-2', exists: true }] }),
      aComplianceRow({ sha: 'b'.repeat(40), approvers: [], issues: [], pullRequests: [] }),
    ];
    expect(parseCsv(complianceCsv(rows))).toEqual([
      ['commit', 'date', 'commit-author', 'pr-approver', 'jira-issue'],
      [rows[0]?.sha, '2025-05-03T09:15:00.000Z', 'Lee, "Ann"\nthe second', 'rui ann', 'OPS-1 OPS-2'],
      ['b'.repeat(40), '2025-05-03T09:15:00.000Z', 'Dana Developer', '', ''],
    ]);
  });
});
