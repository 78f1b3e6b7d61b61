/**
 * The compliance report's CSV, built by the report service; the panel downloads the text as is.
 */
import type { ComplianceRow } from './types';

/** The columns of the original report (generate-jira-pr-report), in its order. */
export const COMPLIANCE_CSV_COLUMNS = ['commit', 'date', 'commit-author', 'pr-approver', 'jira-issue'] as const;

/**
 * The CSV of the original report: `commit,date,commit-author,pr-approver,jira-issue`, one line per
 * commit. Several approvers or issues share a cell, separated by a space (the original joined them
 * with "," inside an unquoted cell, which shifted the columns). As in the original, the jira-issue
 * cell lists only keys whose issue exists; the JSON download keeps the missing ones.
 * RFC 4180: CRLF line ends, quoted cells where needed. A cell that a spreadsheet would run as a
 * formula (a git author name is anyone's to choose) is prefixed with "'".
 */
export function complianceCsv(rows: readonly ComplianceRow[]): string {
  const records = [
    [...COMPLIANCE_CSV_COLUMNS],
    ...rows.map((row) => [
      row.sha,
      row.date,
      row.author,
      row.approvers.join(' '),
      row.issues
        .filter((issue) => issue.exists)
        .map((issue) => issue.key)
        .join(' '),
    ]),
  ];
  return records.map((record) => record.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** One RFC 4180 cell; a value a spreadsheet would run as a formula gets a leading "'". */
export function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}

/** Parses RFC 4180 CSV (CRLF or LF line ends) into records; a final line end adds no record. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      if (c === '\r') i++;
    } else cell += c;
    i++;
  }
  if (quoted) throw new Error('Malformed CSV: a quoted cell is not closed');
  if (cell !== '' || record.length > 0) records.push([...record, cell]);
  return records;
}
