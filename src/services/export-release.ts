/**
 * Exports of a release: Markdown release notes and the JSON audit record (content, evidence,
 * decisions, runs, verification, audit log).
 *
 * Neither may be one answer: a release of 5,000 issues, 10 × 5,000 commits and years of history
 * makes an audit record of several MB, over the resolver's answer limit. So an export comes in
 * parts, each a bounded answer, that the panel asks for one after the other (by cursor) and joins
 * into the file in the browser. Paging rather than building the file in the queue consumer: the
 * consumer could build it, but the file would then have to be stored (in values of 240 KiB at
 * most) and fetched again in parts anyway, and a person waiting for a download would wait for a
 * queued job besides.
 * - The audit record streams its lists: a head from the release page's view, then issues, commits,
 *   decisions and the audit log (the latest first) a page at a time, each item on a line of its own.
 * - The notes group issues by type, so they need every issue at once: they are built whole (about
 *   150 bytes an issue) and handed out in slices of NOTES_PART_CHARS.
 */
import type { ExportPart } from '../contract';
import { withoutBidiControlsDeep } from '../release/display-text';
import { releaseNotesMarkdown } from '../release/exports';
import type { ReleaseRecord } from '../store/records';
import type { CallContext, Deps } from './deps';
import { loadRelease } from './load-release';
import { invalidCursor, pageCursor, storeCursorIn } from './page-cursor';
import { auditFrom, decisionsFrom, issueViews, issuesFrom } from './release-lists';
import { releaseView } from './release-view';

/** Characters of the notes a part holds: at most 3 bytes each in UTF-8, well under the answer limit. */
const NOTES_PART_CHARS = 500_000;
/** Items of a list an audit-record part holds (issues: 10 searches at once; decisions and audit: 50 query pages, about 300 KB). */
const ITEMS_PER_PART = 1000;
/** Commit chunks (200 commits each) an audit-record part holds. */
const COMMIT_CHUNKS_PER_PART = 5;

type Format = 'notes' | 'audit';

export async function exportRelease(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  format: Format,
  cursor?: string,
): Promise<ExportPart> {
  const record = await loadRelease(deps, ctx.projectKey, versionId);
  // Bound to the content: a part of other content would not join into one file.
  const scope = `export:${format}:${versionId}:${record.candidate.contentHash}`;
  const at = storeCursorIn(scope, cursor);
  const base = `release-${record.name}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const part =
    format === 'notes'
      ? await notesPart(deps, ctx, record, offsetOf(at))
      : await auditRecordPart(deps, ctx, record, at);
  return {
    filename: format === 'notes' ? `${base}-notes.md` : `${base}-audit.json`,
    mimeType: format === 'notes' ? 'text/markdown' : 'application/json',
    content: part.text,
    nextCursor: part.next === undefined ? null : pageCursor(scope, part.next),
  };
}

function offsetOf(at: string | undefined): number {
  const offset = Number(at ?? 0);
  if (!Number.isInteger(offset) || offset < 0) throw invalidCursor();
  return offset;
}

interface Part {
  text: string;
  /** Where the next part starts; undefined: this part ends the file. */
  next: string | undefined;
}

async function notesPart(deps: Deps, ctx: CallContext, record: ReleaseRecord, offset: number): Promise<Part> {
  const keys = await deps.store.keys.issueKeys(record);
  const [version, issues] = await Promise.all([
    deps.jiraAsApp.getVersion(record.versionId),
    deps.jiraAsApp.searchIssuesByKeys(keys),
  ]);
  const notes = releaseNotesMarkdown({
    name: record.name,
    releaseDate: record.releaseDate ?? version.releaseDate,
    apps: record.candidate.apps.map((a) => ({
      name: a.name,
      fromCommit: a.from?.commit ?? null,
      toCommit: a.to.commit,
      fingerprint: a.to.fingerprint,
      commitCount: a.commitCount,
    })),
    issues: issueViews(ctx, keys, issues),
    untrackedCount: record.candidate.untrackedCount,
    missingKeys: record.candidate.missingKeys,
  });
  const end = offset + NOTES_PART_CHARS;
  return { text: notes.slice(offset, end), next: end < notes.length ? String(end) : undefined };
}

/**
 * Where an audit-record part starts: `<section>|<written>|<position>`, `written` saying whether the
 * section's array has items already (so the next item needs a comma).
 */
type Section = 'issues' | 'commits' | 'decisions' | 'audit';

function position(section: Section, written: boolean, inner: string | number): string {
  return `${section}|${written ? 1 : 0}|${inner}`;
}

function parsePosition(at: string): { section: Section; written: boolean; inner: string } {
  const [section, written, ...rest] = at.split('|');
  if (!isSection(section) || (written !== '0' && written !== '1')) throw invalidCursor();
  return { section, written: written === '1', inner: rest.join('|') };
}

function isSection(value: string | undefined): value is Section {
  return value === 'issues' || value === 'commits' || value === 'decisions' || value === 'audit';
}

/** Items as lines of a JSON array, after a comma when the array has items already. */
function lines(items: readonly unknown[], written: boolean, indent: string): string {
  const text = items.map((item) => `\n${indent}${JSON.stringify(withoutBidiControlsDeep(item))}`).join(',');
  return items.length > 0 && written ? `,${text}` : text;
}

/** The record's head: everything but its long lists, which follow in parts (the file stays one JSON document). */
async function head(deps: Deps, ctx: CallContext, record: ReleaseRecord): Promise<string> {
  const view = await releaseView(deps, ctx, record.versionId);
  const top = JSON.stringify(
    withoutBidiControlsDeep({
      kind: 'kosli-release-gate/audit-record',
      // 2: issues, commits (each with its app), decisions and the audit log are lists, the latest decisions and audit first.
      version: 2,
      exportedAt: deps.clock.now(),
      exportedBy: ctx.actor,
      release: {
        versionId: view.versionId,
        name: view.name,
        projectKey: view.projectKey,
        jiraUrl: view.jiraUrl,
        kosliTrailUrl: view.kosliTrailUrl,
        state: view.state,
        releaseDate: view.releaseDate,
      },
      approvalRule: view.approvals.rule,
      deploy: view.deploy,
    }),
    null,
    2,
  );
  const content = JSON.stringify(
    withoutBidiControlsDeep({
      contentHash: view.contentHash,
      artifacts: view.artifacts,
      missingKeys: view.missingKeys,
      untracked: view.untracked,
    }),
    null,
    2,
  );
  // Both end with "\n}": the object stays open for the lists that follow.
  return `${top.slice(0, -2)},\n  "content": ${content.slice(0, -2).replace(/\n/g, '\n  ')},\n    "issues": [`;
}

async function auditRecordPart(
  deps: Deps,
  ctx: CallContext,
  record: ReleaseRecord,
  at: string | undefined,
): Promise<Part> {
  if (at === undefined) return { text: await head(deps, ctx, record), next: position('issues', false, 0) };
  const { section, written, inner } = parsePosition(at);
  switch (section) {
    case 'issues': {
      const found = await issuesFrom(deps, ctx, record, Number(inner) || 0, ITEMS_PER_PART);
      const text = lines(found.items, written, '      ');
      if (found.next !== undefined)
        return { text, next: position('issues', written || found.items.length > 0, found.next) };
      return { text: `${text}\n    ],\n    "commits": [`, next: position('commits', false, '0.0') };
    }
    case 'commits': {
      const [appIndex = 0, chunk = 0] = inner.split('.').map(Number);
      const app = record.candidate.apps[appIndex];
      if (!app) return { text: '\n    ]\n  },\n  "decisions": [', next: position('decisions', false, '') };
      const read = await deps.store.commits.chunks(
        record.versionId,
        app.name,
        app.commitCount,
        chunk,
        COMMIT_CHUNKS_PER_PART,
      );
      const next = read.more ? `${appIndex}.${chunk + COMMIT_CHUNKS_PER_PART}` : `${appIndex + 1}.0`;
      return {
        text: lines(
          read.commits.map((commit) => ({ app: app.name, ...commit })),
          written,
          '      ',
        ),
        next: position('commits', written || read.commits.length > 0, next),
      };
    }
    case 'decisions': {
      const found = await decisionsFrom(deps, record, inner || undefined, ITEMS_PER_PART);
      const text = lines(found.items, written, '    ');
      if (found.next !== undefined)
        return { text, next: position('decisions', written || found.items.length > 0, found.next) };
      return { text: `${text}\n  ],\n  "audit": [`, next: position('audit', false, '') };
    }
    case 'audit': {
      const found = await auditFrom(deps, record.versionId, inner || undefined, ITEMS_PER_PART);
      const text = lines(found.items, written, '    ');
      if (found.next !== undefined)
        return { text, next: position('audit', written || found.items.length > 0, found.next) };
      return { text: `${text}\n  ]\n}\n`, next: undefined };
    }
  }
}
