/**
 * Fix versions for many issues: Jira's bulk edit where the app holds Make bulk changes, single edits
 * otherwise; failed issues stay pending for the next run, a task still running at the deadline is
 * polled by the next run instead of resubmitted, and single edits wait out 429 Retry-After. Driven
 * through the app's own Deps on the local Forge runtime and the fake Jira, with a candidate of
 * thousands of keys that the runs are given (composing one that large is the benchmark's S1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EVERY_PROJECT } from '../../sandbox/fakes/jira/world';
import { startWorld, type World } from '../../sandbox/world/start-world';
import type { CallContext, Deps } from '../../src/services/deps';
import type { ReleaseRecord } from '../../src/store/records';
import { prepareCandidate } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const BULK_SUBMIT = '/rest/api/3/bulk/issues/fields';
const ISSUE_EDIT = '/rest/api/3/issue/{issueIdOrKey}';

interface Setup {
  world: World;
  deps: Deps;
  versionId: string;
  keys: string[];
  /** One run of the fix-version writer, as the scheduled check (300 s) or a resolver with `limitSeconds` starts it. */
  run(limitSeconds?: number): Promise<string[]>;
  record(): Promise<ReleaseRecord>;
  requests(method: string, route: string): number;
}

/** A candidate whose record says `count` more keys (OPS-1000…) lack the fix version; Jira has those issues. */
async function withPendingKeys(count: number): Promise<Setup> {
  const w = await startWorld();
  world = w;
  const { versionId } = await prepareCandidate(w, { backend: 'OPS-11 faster search' });
  const keys = Array.from({ length: count }, (_, i) => w.jira.world.addIssue({ key: `OPS-${1000 + i}` }).key);
  // Imported after the world installed the local Forge runtime (@forge/api binds fetch on import).
  const [{ composeDeps }, { writeFixVersions }, { linksFor }] = await Promise.all([
    import('../../src/app'),
    import('../../src/services/fix-versions'),
    import('../../src/services/links'),
  ]);
  const deps = composeDeps();
  const links = linksFor({ siteUrl: 'http://jira.local', appId: 'a', environmentId: 'e', projectType: 'software' });
  const record = async (): Promise<ReleaseRecord> => {
    const found = await deps.store.releases.get('OPS', versionId);
    if (!found) throw new Error(`no record for ${versionId}`);
    return found;
  };
  const created = await record();
  await deps.store.releases.put({ ...created, fixVersions: { ...created.fixVersions, pending: count } });
  w.jira.service.resetCounters();
  return {
    world: w,
    deps,
    versionId,
    keys,
    record,
    run: async (limitSeconds = 300) => {
      const ctx: CallContext = {
        projectKey: 'OPS',
        projectId: w.scenario.project.id,
        actor: 'scheduled-check',
        jiraAsUser: null,
        links,
        invocation: { startedAt: deps.clock.now(), limitSeconds },
      };
      return writeFixVersions(deps, ctx, await record(), ['OPS-11', ...keys]);
    },
    requests: (method, route) => w.jira.service.countWhere((e) => e.method === method && e.route === route),
  };
}

function withVersion(w: World, keys: readonly string[], versionId: string): string[] {
  return keys.filter((key) => w.jira.world.issue(key)?.fixVersionIds.includes(versionId));
}

async function auditDetails(setup: Setup): Promise<string[]> {
  return (await setup.deps.store.audit.list(setup.versionId))
    .filter((e) => e.action === 'jira.fixVersions')
    .map((e) => e.detail);
}

describe('fix versions for many issues', () => {
  it('a 5,000-key candidate gets its fix versions by 5 bulk edits where the app holds Make bulk changes', async () => {
    const setup = await withPendingKeys(5000);
    const written = await setup.run();

    expect(written).toHaveLength(5000);
    expect(withVersion(setup.world, setup.keys, setup.versionId)).toHaveLength(5000);
    expect(setup.requests('POST', BULK_SUBMIT)).toBe(5);
    expect(setup.requests('PUT', ISSUE_EDIT)).toBe(0);
    expect((await setup.record()).fixVersions).toEqual({ chunks: 6, written: 5001, pending: 0 });
    expect((await auditDetails(setup)).at(-1)).toMatch(
      /^Added to the release through Jira's bulk edit: OPS-1000, .* and 4980 more$/,
    );
  });

  it('without Make bulk changes, the same candidate gets them one issue at a time', async () => {
    const setup = await withPendingKeys(5000);
    setup.world.jira.world.revokePermission(setup.world.jira.world.appAccountId, EVERY_PROJECT, 'BULK_CHANGE');
    const written = await setup.run();

    expect(written).toHaveLength(5000);
    expect(withVersion(setup.world, setup.keys, setup.versionId)).toHaveLength(5000);
    expect(setup.requests('POST', BULK_SUBMIT)).toBe(0);
    expect(setup.requests('PUT', ISSUE_EDIT)).toBe(5000);
    expect((await auditDetails(setup)).at(-1)).toContain(
      "one issue at a time (the app lacks Jira's Make bulk changes permission)",
    );
  });

  it('an issue Jira could not edit stays pending while the rest count, and the next run retries it', async () => {
    const setup = await withPendingKeys(120);
    const jira = setup.world.jira.world;
    jira.nonEditableStatuses.add('closed');
    const closed = jira.issue('OPS-1077');
    if (!closed) throw new Error('OPS-1077 missing');
    closed.status = 'Closed';

    expect(await setup.run()).toHaveLength(119);
    expect((await setup.record()).fixVersions).toMatchObject({ pending: 1 });
    expect((await auditDetails(setup)).at(-1)).toContain('1 Jira could not edit, to retry; 1 more to add');

    // Reopened: the next run adds it (one key: a single edit).
    closed.status = 'To Do';
    expect(await setup.run()).toEqual(['OPS-1077']);
    expect((await setup.record()).fixVersions).toMatchObject({ written: 121, pending: 0 });
    expect(setup.requests('POST', BULK_SUBMIT)).toBe(1);
  });

  it('a bulk task still running at the deadline is polled by the next run, not submitted again', async () => {
    const setup = await withPendingKeys(300);
    const jira = setup.world.jira.world;
    jira.bulkEditIssuesPerSecond = 0;

    // A short invocation: the deadline (70 % of 4 s) comes while Jira holds the task.
    expect(await setup.run(4)).toEqual([]);
    const [taskId, ...others] = (await setup.record()).fixVersions.bulkTasks ?? [];
    expect(others).toEqual([]);
    expect(taskId).toBeDefined();

    jira.bulkEditIssuesPerSecond = 10_000;
    expect(await setup.run()).toHaveLength(300);
    expect(setup.requests('POST', BULK_SUBMIT)).toBe(1);
    expect(
      setup.world.jira.service.countWhere((e) => e.path === `/rest/api/3/bulk/queue/${taskId ?? ''}`),
    ).toBeGreaterThan(1);
    const after = (await setup.record()).fixVersions;
    expect(after).toEqual({ chunks: 2, written: 301, pending: 0 });
    expect(withVersion(setup.world, setup.keys, setup.versionId)).toHaveLength(300);
  });

  it('single edits wait out Jira’s 429 Retry-After before trying an issue again', async () => {
    const setup = await withPendingKeys(30);
    const service = setup.world.jira.service;
    const guard = service.guard;
    const edits: { path: string; at: number; status: number }[] = [];
    service.guard = (req) => {
      const answer = guard?.(req);
      if (req.method === 'PUT') edits.push({ path: req.path, at: Date.now(), status: answer?.status ?? 204 });
      return answer;
    };
    setup.world.jira.world.setBurstLimit(10, 1);

    expect(await setup.run()).toHaveLength(30);
    const limited = edits.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const refused of limited) {
      const retry = edits.find((e) => e.path === refused.path && e.at >= refused.at && e !== refused);
      expect(retry && retry.at - refused.at).toBeGreaterThanOrEqual(990);
    }
    expect(withVersion(setup.world, setup.keys, setup.versionId)).toHaveLength(30);
  });
});
