/**
 * The two documents a release exports: release notes for people (Markdown) and the audit record
 * for auditors (JSON). Pure formatting over data the caller gathered. Every piece of text from
 * outside is escaped for Markdown and loses its bidirectional controls, headings included.
 */
import { withoutBidiControls } from './display-text';

export interface NotesInput {
  name: string;
  releaseDate: string | null;
  apps: { name: string; fromCommit: string | null; toCommit: string; fingerprint: string; commitCount: number }[];
  issues: { key: string; summary: string; issueType: string; url: string }[];
  untrackedCount: number;
  missingKeys: string[];
}

export function releaseNotesMarkdown(input: NotesInput): string {
  const lines: string[] = [`# Release ${escapeMarkdown(input.name)}`, ''];
  lines.push(input.releaseDate ? `Released on ${input.releaseDate}.` : 'Not released yet.', '');
  lines.push('## Apps', '', '| App | From | To | Fingerprint | Commits |', '| --- | --- | --- | --- | --- |');
  for (const app of input.apps) {
    lines.push(
      `| ${escapeMarkdown(app.name)} | ${app.fromCommit ? app.fromCommit.slice(0, 7) : '(first release)'} | ${app.toCommit.slice(0, 7)} | \`${app.fingerprint.slice(0, 12)}\` | ${app.commitCount} |`,
    );
  }
  lines.push('');
  const byType = new Map<string, NotesInput['issues']>();
  for (const issue of input.issues) byType.set(issue.issueType, [...(byType.get(issue.issueType) ?? []), issue]);
  lines.push('## Issues', '');
  if (input.issues.length === 0) lines.push('No Jira issues.', '');
  for (const [type, issues] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`### ${escapeMarkdown(type)}`, '');
    for (const issue of issues) lines.push(`- [${issue.key}](${issue.url}) ${escapeMarkdown(issue.summary)}`);
    lines.push('');
  }
  if (input.untrackedCount > 0) lines.push(`${input.untrackedCount} commit(s) reference no Jira issue.`, '');
  if (input.missingKeys.length > 0)
    lines.push(`Referenced keys that do not exist in Jira: ${input.missingKeys.join(', ')}.`, '');
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  // One line: a line break in a summary or a type must not start a heading or a list of its own.
  return withoutBidiControls(text)
    .replace(/[\r\n]+/g, ' ')
    .replace(/([\\`*_[\]<>|#!])/g, '\\$1');
}
