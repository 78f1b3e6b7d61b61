/**
 * A candidate too large for a resolver (3 apps × 4,100 commits: 126 GitHub pages, over the inline
 * limit of 120) is created at once, composed by the queue consumer with progress the release page
 * shows, and recorded exactly as an inline refresh would; a failed composition resumes from its
 * checkpoints without reading GitHub again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { growHistory, startPlannedWorld, type HistoryPlan } from '../../bench/history';
import type { World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, PO1 } from '../support/flow';

const PLAN: HistoryPlan = { apps: 3, commitsPerApp: 4100, commitsPerIssue: 10 };
const KEYS = (PLAN.apps * PLAN.commitsPerApp) / PLAN.commitsPerIssue;
const COMMIT_PAGES = 'GET /repos/{owner}/{repo}/commits';
const KOSLI_LOOKUPS = 'GET /api/v2/attestations/{org}/list_attestations_for_criteria';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function bigWorld(): Promise<World> {
  const started = await startPlannedWorld(PLAN);
  growHistory(started, PLAN);
  await started.simulation.nextReport();
  return started;
}

function requests(w: World, system: 'github' | 'kosli', operation: string): number {
  const [method, route] = operation.split(' ');
  return w[system].service.countWhere((e) => e.method === method && e.route === route);
}

function storedKeys(w: World, prefix: string): string[] {
  return w.runtime.storage.keys().filter((key) => key.startsWith(prefix));
}

describe('a candidate too large for one call', () => {
  it(
    'is created at once, composed in the background with progress, then recorded with every fix version',
    { timeout: 120_000 },
    async () => {
      const w = (world = await bigWorld());
      w.resetCalls();
      const created = ok(await w.invoke(DEV, 'candidate/refresh', {}));
      expect(created).toMatchObject({ created: true, changed: true, composing: true, contentHash: '', addedKeys: [] });
      // The resolver read only each app's first page before handing the composition over.
      expect(requests(w, 'github', COMMIT_PAGES)).toBe(PLAN.apps);

      const composing = ok(await w.invoke(PO1, 'release/get', { versionId: created.versionId }));
      expect(composing.composition).not.toBeNull();
      expect(composing.artifacts).toEqual([]);
      // Nothing can be approved before the content is recorded.
      const refused = errorOf(
        await w.invoke(PO1, 'release/decide', {
          versionId: created.versionId,
          decision: 'approved',
          contentHash: 'a'.repeat(64),
        }),
      );
      expect(refused.code).toBe('CONFLICT');
      expect(refused.message).toMatch(/still being composed/);
      // A second click while it composes starts nothing new.
      expect(ok(await w.invoke(DEV, 'candidate/refresh', {}))).toMatchObject({
        versionId: created.versionId,
        composing: true,
        created: false,
      });

      await w.drain();
      const view = ok(await w.invoke(PO1, 'release/get', { versionId: created.versionId }));
      expect(view.composition).toBeNull();
      expect(view.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(view.artifacts.map((a) => a.app)).toEqual(['app01', 'app02', 'app03']);
      expect(view.issueCount).toBe(KEYS);
      expect(view.issues).toHaveLength(100);
      expect(view.fixVersions).toEqual({ written: KEYS, pending: 0 });
      expect(view.audit.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(['Candidate created', 'Content composed']),
      );
      const fixed = w.jira.world.allIssues().filter((issue) => issue.fixVersionIds.includes(created.versionId));
      expect(fixed).toHaveLength(KEYS);
      // Checkpoints and progress are gone once the content is recorded.
      expect(storedKeys(w, `staged:${created.versionId}:`)).toEqual([]);
      expect(storedKeys(w, `progress:${created.versionId}`)).toEqual([]);

      // What the consumer recorded is what an inline refresh composes: the next refresh changes nothing.
      expect(ok(await w.invoke(DEV, 'candidate/refresh', {}))).toMatchObject({
        versionId: created.versionId,
        changed: false,
        composing: false,
      });
    },
  );

  it(
    'stops on a failure with the reason on the page, and resumes from its checkpoints',
    { timeout: 120_000 },
    async () => {
      const w = (world = await bigWorld());
      // One Kosli look-up is refused (a 400 is never retried): the listings are all read and saved by then.
      w.kosli.service.injectFaults(KOSLI_LOOKUPS, { kind: 'status', status: 400, body: { message: 'refused once' } });
      const created = ok(await w.invoke(DEV, 'candidate/refresh', {}));
      await w.drain();
      const failed = ok(await w.invoke(PO1, 'release/get', { versionId: created.versionId }));
      expect(failed.composition).toMatchObject({ attempts: 1 });
      expect(failed.composition?.error).toMatch(/refused|400|rejected/i);
      expect(failed.composition?.progress?.pagesRead).toBeGreaterThan(0);
      expect(storedKeys(w, `staged:${created.versionId}:`).length).toBeGreaterThan(0);

      const savedLookups = storedKeys(w, `staged:${created.versionId}:`).filter((key) =>
        key.includes(':lookup:'),
      ).length;
      expect(savedLookups).toBeGreaterThan(0);
      const pagesBefore = requests(w, 'github', COMMIT_PAGES);
      const lookupsBefore = requests(w, 'kosli', KOSLI_LOOKUPS);
      // A person's refresh tries again at once; the run resumes: no GitHub page is read again, and
      // only the look-ups not saved before the failure are asked (batches may split differently per app).
      expect(ok(await w.invoke(DEV, 'candidate/refresh', {}))).toMatchObject({
        versionId: created.versionId,
        composing: true,
      });
      await w.drain();
      expect(requests(w, 'github', COMMIT_PAGES) - pagesBefore).toBe(0);
      const lookups = Math.ceil((PLAN.apps * PLAN.commitsPerApp) / 100);
      const asked = requests(w, 'kosli', KOSLI_LOOKUPS) - lookupsBefore;
      expect(asked).toBeLessThanOrEqual(lookups - savedLookups + PLAN.apps);
      expect(asked).toBeGreaterThanOrEqual(lookups - savedLookups);
      const view = ok(await w.invoke(PO1, 'release/get', { versionId: created.versionId }));
      expect(view.composition).toBeNull();
      expect(view.issueCount).toBe(KEYS);
      expect(view.issues).toHaveLength(100);
      expect(storedKeys(w, `staged:${created.versionId}:`)).toEqual([]);
    },
  );

  it('is taken up again by the scheduled check after a failure', { timeout: 120_000 }, async () => {
    const w = (world = await bigWorld());
    // The resolver looks nothing up in Kosli: the refused look-up is the consumer's.
    w.kosli.service.injectFaults(KOSLI_LOOKUPS, { kind: 'status', status: 400, body: { message: 'refused once' } });
    const { versionId } = ok(await w.invoke(DEV, 'candidate/refresh', {}));
    await w.drain();
    const failed = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(failed.composition?.error).toBeTruthy();
    await w.runTrigger();
    await w.drain();
    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(view.composition).toBeNull();
    expect(view.issueCount).toBe(KEYS);
    expect(view.issues).toHaveLength(100);
  });
});
