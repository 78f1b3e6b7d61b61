/**
 * A release with a long history: the page shows the latest 100 audit entries and decisions, newest
 * first, and "Load more" (release/audit, release/decisions, release/issues) reaches the oldest by
 * cursor; a bad cursor is refused and changes nothing. The approval status comes from one key per
 * approver's latest decision, which the approver's own decision writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../src/contract';
import type { Decision } from '../../src/release/types';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, PO1, PO2, prepareCandidate } from '../support/flow';

const HISTORY = 250;
/** A time `i` seconds into the history, before anything the world itself records. */
const past = (i: number) => new Date(Date.parse('2020-01-01T00:00:00Z') + i * 1000).toISOString();

async function every<T>(
  world: World,
  key: 'release/audit' | 'release/decisions' | 'release/issues',
  versionId: string,
  first: T[],
  cursor: string | null,
): Promise<{ items: T[]; pages: number }> {
  const items = [...first];
  let pages = 1;
  for (let next = cursor; next !== null; pages++) {
    const page = ok(await world.invoke(PO1, key, { versionId, cursor: next })) as Page<T>;
    expect(page.items.length).toBeLessThanOrEqual(100);
    items.push(...page.items);
    next = page.nextCursor;
  }
  return { items, pages };
}

describe('a release with years of history', () => {
  let world: World;
  let versionId: string;

  beforeAll(async () => {
    world = await startWorld();
    versionId = (await prepareCandidate(world)).versionId;
    // Seeded as a world would hold it, straight into storage: HISTORY old entries of each kind.
    for (let i = 0; i < HISTORY; i++) {
      await world.store.audit.append(versionId, {
        at: past(i),
        actor: 'scheduled-check',
        action: 'deploy.waiting',
        detail: `old entry ${i}`,
      });
      const decision: Decision = {
        accountId: i % 2 === 0 ? PO1 : PO2,
        decision: 'approved',
        at: past(i),
        contentHash: 'a'.repeat(64),
        source: 'app',
      };
      await world.store.decisions.add(versionId, decision);
    }
  });
  afterAll(() => world.stop());

  it('shows the latest 100 audit entries, newest first, and load more reaches the oldest', async () => {
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.audit).toHaveLength(100);
    expect(view.audit[0]?.detail).not.toMatch(/^old entry/);
    expect(view.audit.map((entry) => entry.action)).toContain('Candidate created');
    expect(view.audit.map((entry) => entry.at)).toEqual([...view.audit.map((entry) => entry.at)].sort().reverse());
    const all = await every(world, 'release/audit', versionId, view.audit, view.more.audit);
    const total = (await world.store.audit.list(versionId)).length;
    expect(all.items).toHaveLength(total);
    expect(all.pages).toBe(Math.ceil(total / 100));
    expect(all.items.at(-1)?.detail).toBe('old entry 0');
    expect(new Set(all.items.map((entry) => `${entry.at} ${entry.detail}`)).size).toBe(total);
  });

  it('shows the latest 100 decisions, marks the superseded, and load more reaches the oldest', async () => {
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.approvals.decisions).toHaveLength(100);
    expect(view.approvals.decisions[0]).toMatchObject({ at: past(HISTORY - 1), superseded: false, valid: false });
    expect(view.approvals.decisions.slice(2).every((d) => d.superseded)).toBe(true);
    const all = await every(world, 'release/decisions', versionId, view.approvals.decisions, view.more.decisions);
    expect(all.items).toHaveLength(HISTORY);
    expect(all.items.at(-1)?.at).toBe(past(0));
  });

  it('refuses a bad cursor or page size with a clear INVALID_INPUT, and changes nothing', async () => {
    const before = ok(await world.invoke(PO1, 'release/get', { versionId }));
    const auditBefore = (await world.store.audit.list(versionId)).length;
    const decisionCursor = before.more.decisions;
    expect(decisionCursor).not.toBeNull();
    for (const [key, payload] of [
      ['release/audit', { versionId, cursor: 'not-a-cursor' }],
      ['release/audit', { versionId, cursor: decisionCursor ?? '' }],
      ['release/decisions', { versionId, cursor: decisionCursor ?? '', limit: 101 }],
      ['release/issues', { versionId, cursor: decisionCursor ?? '' }],
      ['release/audit', { versionId, cursor: '' }],
      ['release/export', { versionId, format: 'audit', cursor: decisionCursor ?? '' }],
    ] as const) {
      const error = errorOf(await world.invoke(PO1, key, payload));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/cursor|limit|Load more|At most/i);
    }
    expect((await world.store.audit.list(versionId)).length).toBe(auditBefore);
    const after = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(after.audit).toEqual(before.audit);
  });

  it('exports the whole history in parts that join into one JSON document', async () => {
    const first = ok(await world.invoke(PO1, 'release/export', { versionId, format: 'audit' }));
    const parts = [first.content];
    for (let cursor = first.nextCursor; cursor !== null;) {
      const part = ok(await world.invoke(PO1, 'release/export', { versionId, format: 'audit', cursor }));
      parts.push(part.content);
      cursor = part.nextCursor;
    }
    const record = JSON.parse(parts.join('')) as {
      decisions: unknown[];
      audit: { detail: string }[];
      content: { issues: unknown[]; commits: unknown[] };
    };
    expect(record.decisions).toHaveLength(HISTORY);
    expect(record.audit.length).toBe((await world.store.audit.list(versionId)).length);
    expect(record.audit.at(-1)?.detail).toBe('old entry 0');
    expect(record.content.issues).toHaveLength(2);
    expect(record.content.commits.length).toBeGreaterThan(0);
  });
});

describe("each approver's latest decision", () => {
  let world: World;
  afterAll(() => world.stop());

  it('is the later of an approval and a decline by the same person', async () => {
    world = await startWorld();
    const { versionId, contentHash } = await prepareCandidate(world);
    ok(await world.invoke(PO1, 'release/decide', { versionId, decision: 'approved', contentHash }));
    ok(
      await world.invoke(PO1, 'release/decide', {
        versionId,
        decision: 'declined',
        reason: 'Wrong numbers',
        contentHash,
      }),
    );
    expect((await world.store.decisions.latest(versionId)).map((d) => [d.accountId, d.decision])).toEqual([
      [PO1, 'declined'],
    ]);
    const view = ok(await world.invoke(PO1, 'release/get', { versionId }));
    expect(view.approvals.approvers.find((a) => a.accountId === PO1)?.current).toBe('declined');
    expect(view.approvals.decisions.map((d) => [d.decision, d.superseded])).toEqual([
      ['declined', false],
      ['approved', true],
    ]);
  });

  it('goes stale when the content changes', async () => {
    const { versionId, contentHash } = await prepareCandidate(world, { backend: 'OPS-13 cache warmup' });
    ok(await world.invoke(PO2, 'release/decide', { versionId, decision: 'approved', contentHash }));
    const changed = await prepareCandidate(world, { frontend: 'OPS-11 smaller bundle' });
    expect(changed.contentHash).not.toBe(contentHash);
    const view = ok(await world.invoke(PO2, 'release/get', { versionId }));
    expect(view.approvals.approvers.find((a) => a.accountId === PO2)).toMatchObject({ current: null });
    expect(view.approvals.me.stale).toBe(true);
    expect(view.approvals.decisions.find((d) => d.accountId === PO2)).toMatchObject({
      valid: false,
      superseded: false,
    });
  });
});

describe('50 approvers approving at once', () => {
  const approvers = Array.from({ length: 50 }, (_, i) => `ap${String(i).padStart(4, '0')}`);
  let world: World;
  afterAll(() => world.stop());

  it('each count, and the last approval satisfies the policy exactly once', async () => {
    world = await startWorld({
      adjustConfig: (config) => {
        config.approval = {
          ...config.approval,
          approvers,
          includeJiraApprovers: false,
          rule: { kind: 'all' },
          noSelfApproval: false,
        };
      },
    });
    const { versionId, contentHash } = await prepareCandidate(world);
    const results = await Promise.all(
      approvers.map((id) => world.invoke(id, 'release/decide', { versionId, decision: 'approved', contentHash })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await world.store.decisions.latest(versionId)).length).toBe(50);
    const view = ok(await world.invoke(DEV, 'release/get', { versionId }));
    expect(view.approvals.approvers.every((a) => a.current === 'approved')).toBe(true);
    expect(view.approvals.satisfied || view.state !== 'open').toBe(true);
  });
});
