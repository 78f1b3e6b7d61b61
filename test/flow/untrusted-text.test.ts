/**
 * Text that comes from outside (Jira summaries and issue types, decline reasons, payload keys) is
 * shown and exported safely: no bidirectional controls reach the page or an export, Markdown
 * release notes escape the issue type in their headings, and an unknown payload key is named,
 * never echoed whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { errorOf, exportFile, ok, PO1, PO2, prepareCandidate } from '../support/flow';

const RLO = '\u202E';
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
let world: World;
let versionId: string;

beforeAll(async () => {
  world = await startWorld();
  world.jira.world.addIssue({
    key: 'OPS-77',
    summary: `Invoice ${RLO}fdp.exe\u2066 fixed`,
    type: 'Bug<img src=x onerror=alert(1)>',
    status: 'To Do',
  });
  ({ versionId } = await prepareCandidate(world, {
    backend: 'OPS-77 invoices',
    frontend: 'OPS-12 fix checkout button',
  }));
  const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
  ok(
    await world.invoke(PO2, 'release/decide', {
      versionId,
      decision: 'declined',
      reason: `looks ${RLO}doog\u202C to me`,
      contentHash: view.contentHash,
    }),
  );
});
afterAll(() => world.stop());

describe('bidirectional controls', () => {
  it('reach neither the release page nor its exports', async () => {
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.issues.find((i) => i.key === 'OPS-77')?.summary).toBe('Invoice fdp.exe fixed');
    expect(view.approvals.decisions[0]?.reason).toBe('looks doog to me');
    expect(view.audit.some((entry) => entry.detail.includes('Declined: looks doog to me'))).toBe(true);
    expect(JSON.stringify(view)).not.toMatch(BIDI);
    for (const format of ['notes', 'audit'] as const) {
      expect((await exportFile(world, PO1, versionId, format)).content).not.toMatch(BIDI);
    }
    // What was written is kept as written: only what is shown is neutralised.
    expect((await world.store.decisions.list(versionId))[0]?.reason).toContain(RLO);
  });
});

describe('Markdown release notes', () => {
  it('escape the issue type in its heading, so it cannot carry HTML', async () => {
    const notes = (await exportFile(world, PO1, versionId, 'notes')).content;
    expect(notes).toContain('### Bug\\<img src=x onerror=alert(1)\\>');
    expect(notes).not.toMatch(/^### Bug<img/m);
  });
});

describe('payload validation', () => {
  it('names an unknown key without echoing it whole (a 1 MB key gives a short answer)', async () => {
    const key = 'k'.repeat(1_000_000);
    const refused = errorOf(await world.invoke(PO1, 'release/get', { versionId, [key]: 1 } as { versionId: string }));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toContain('unknown field');
    expect(JSON.stringify(refused).length).toBeLessThan(1_000);
  });
});
