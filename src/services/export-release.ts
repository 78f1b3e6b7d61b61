/**
 * Exports of a release: Markdown release notes and the JSON audit record (content, evidence,
 * decisions, runs, verification, audit log).
 */
import type { ExportResult } from '../contract';
import { withoutBidiControlsDeep } from '../release/display-text';
import { releaseNotesMarkdown } from '../release/exports';
import type { CallContext, Deps } from './deps';
import { releaseView } from './release-view';

export async function exportRelease(deps: Deps, ctx: CallContext, versionId: string, format: 'notes' | 'audit'): Promise<ExportResult> {
  const view = await releaseView(deps, ctx, versionId);
  const base = `release-${view.name}`.replace(/[^A-Za-z0-9._-]/g, '_');
  if (format === 'notes') {
    return {
      filename: `${base}-notes.md`,
      mimeType: 'text/markdown',
      content: releaseNotesMarkdown({
        name: view.name,
        releaseDate: view.releaseDate,
        apps: view.artifacts.map((a) => ({ name: a.app, fromCommit: a.fromCommit, toCommit: a.commit, fingerprint: a.fingerprint, commitCount: a.commitCount })),
        issues: view.issues.map((i) => ({ key: i.key, summary: i.summary, issueType: i.issueType, url: i.url })),
        untrackedCount: view.untracked.length,
        missingKeys: view.missingKeys,
      }),
    };
  }
  const commits = Object.fromEntries(await Promise.all(view.artifacts.map(async (a) => [a.app, await deps.store.commits.all(versionId, a.app)] as const)));
  const record = {
    kind: 'kosli-release-gate/audit-record',
    version: 1,
    exportedAt: deps.clock.now(),
    exportedBy: ctx.actor,
    release: { versionId: view.versionId, name: view.name, projectKey: view.projectKey, jiraUrl: view.jiraUrl, kosliTrailUrl: view.kosliTrailUrl, state: view.state, releaseDate: view.releaseDate },
    content: { contentHash: view.contentHash, artifacts: view.artifacts, issues: view.issues, missingKeys: view.missingKeys, untracked: view.untracked, commits },
    decisions: view.approvals.decisions,
    approvalRule: view.approvals.rule,
    deploy: view.deploy,
    audit: view.audit,
  };
  return { filename: `${base}-audit.json`, mimeType: 'application/json', content: JSON.stringify(withoutBidiControlsDeep(record), null, 2) };
}
