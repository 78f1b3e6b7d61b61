/**
 * The compliance report as CSV, with the original report's columns. One row per commit; several
 * approvers or issues share a cell, separated by a space (GitHub logins and Jira keys hold none).
 * Only issues that exist in Jira are listed, as in the original report; the JSON export has all.
 */
import type { ComplianceRow } from '../../../src/contract';

export const COMPLIANCE_CSV_COLUMNS = ['commit', 'date', 'commit-author', 'pr-approver', 'jira-issue'] as const;

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function complianceCsvRecord(row: ComplianceRow): string[] {
  return [
    row.sha,
    row.date,
    row.author,
    row.approvers.join(' '),
    row.issues
      .filter((issue) => issue.exists)
      .map((issue) => issue.key)
      .join(' '),
  ];
}

export function complianceCsv(rows: readonly ComplianceRow[]): string {
  const lines = [COMPLIANCE_CSV_COLUMNS.join(','), ...rows.map((row) => complianceCsvRecord(row).map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
