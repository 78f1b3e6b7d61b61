/**
 * Creating and refreshing the release candidate through the real handler: exactly one open
 * candidate, only the delta written, every edge case refused with a clear message and no writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, PO1, prepareCandidate, promoteToStaging } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

function jiraWrites(w: World): number {
  return w.jira.service.log.filter((e) => e.method !== 'GET' && !e.route.endsWith('/search/jql') && e.status < 300)
    .length;
}

describe('candidate', () => {
  it('creates one version with the keys, a Kosli release trail and the Related-work links', async () => {
    world = await startWorld();
    const created = await prepareCandidate(world);
    const version = world.jira.world.version(created.versionId);
    expect(version?.name).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/);
    expect(world.jira.world.issue('OPS-11')?.fixVersionIds).toContain(created.versionId);
    const links = world.jira.world.relatedWorkOf(created.versionId).map((w) => w.title);
    expect(links).toEqual(expect.arrayContaining(['Kosli Release Gate: release page', 'Kosli Trail']));
    const trail = world.kosli.world.trailJson(world.config.kosli.releaseFlow, created.versionId);
    const names = JSON.stringify(trail);
    expect(names).toContain('prod-software');
    expect(names).toContain('staging-software');
  });

  it('refreshes an unchanged candidate with zero Jira writes and never creates a second version', async () => {
    world = await startWorld();
    const created = await prepareCandidate(world);
    world.jira.service.resetCounters();
    const again = ok(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(again).toMatchObject({ versionId: created.versionId, created: false, changed: false, addedKeys: [] });
    expect(jiraWrites(world)).toBe(0);
    expect(world.jira.world.versionsOf('OPS').filter((v) => !v.released)).toHaveLength(1);
  });

  it('writes only the delta after new commits reach staging, and the content hash changes', async () => {
    world = await startWorld();
    const created = await prepareCandidate(world);
    world.simulation.commit('backend', 'OPS-13 delivery estimate');
    await world.simulation.nextReport();
    ok(await world.invoke(DEV, 'staging/promote', {}));
    await world.github.world.settleRuns();
    // Kosli sees the deploy with the environment's next report.
    await world.simulation.nextReport();
    world.jira.service.resetCounters();
    const refreshed = ok(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(refreshed).toMatchObject({ versionId: created.versionId, changed: true, addedKeys: ['OPS-13'] });
    expect(refreshed.contentHash).not.toBe(created.contentHash);
    const fixVersionWrites = world.jira.service.log.filter((e) => e.route === '/rest/api/3/issue/{issueIdOrKey}');
    expect(fixVersionWrites.map((e) => e.path)).toEqual(['/rest/api/3/issue/OPS-13']);
    expect(JSON.parse(fixVersionWrites[0]?.requestBody.toString('utf8') ?? '{}')).toEqual({
      update: { fixVersions: [{ add: { id: created.versionId } }] },
    });
  });

  it('retries fix-version writes that failed instead of forgetting them', async () => {
    world = await startWorld();
    world.jira.service.injectFaults('PUT /rest/api/3/issue/{issueIdOrKey}', {
      kind: 'status',
      status: 403,
      body: { errorMessages: ['no'], errors: {} },
    });
    await promoteToStaging(world);
    expect(errorOf(await world.invoke(DEV, 'candidate/refresh', {})).code).toBe('UPSTREAM_AUTH');
    // The edits run a few at once: the one refused (the first) is written now; the other was
    // recorded when it succeeded, so it is neither forgotten nor written twice.
    const retried = ok(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(retried).toMatchObject({ created: false, addedKeys: ['OPS-11'] });
    expect(world.jira.world.issue('OPS-11')?.fixVersionIds).toEqual([retried.versionId]);
    expect(world.jira.world.issue('OPS-12')?.fixVersionIds).toEqual([retried.versionId]);
    expect(world.jira.service.log.filter((e) => e.path === '/rest/api/3/issue/OPS-12')).toHaveLength(1);
  });

  it('adopts the version a failed-looking creation did make, instead of creating a twin', async () => {
    world = await startWorld();
    world.jira.service.injectFaults('POST /rest/api/3/version', { kind: 'after', status: 502 });
    await promoteToStaging(world, { backend: 'OPS-11 faster search' });
    expect(errorOf(await world.invoke(DEV, 'candidate/refresh', {})).code).toBe('UPSTREAM_UNAVAILABLE');
    const adopted = ok(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(world.jira.world.versionsOf('OPS').map((v) => v.id)).toEqual([adopted.versionId]);
    expect(adopted.addedKeys).toEqual(['OPS-11']);
  });

  it('keeps the other fix versions of an issue', async () => {
    world = await startWorld();
    const other = world.jira.world.addVersion({ project: 'OPS', name: 'hotfix-1', released: true });
    world.jira.world.issue('OPS-11')?.fixVersionIds.push(other.id);
    const created = await prepareCandidate(world);
    expect(world.jira.world.issue('OPS-11')?.fixVersionIds).toEqual([other.id, created.versionId]);
  });

  it('refuses when staging runs what prod runs, writing nothing', async () => {
    world = await startWorld();
    world.jira.service.resetCounters();
    const error = errorOf(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(error.code).toBe('NOTHING_TO_RELEASE');
    expect(jiraWrites(world)).toBe(0);
  });

  it('flags keys that do not exist and commits without a key, without adding them', async () => {
    world = await startWorld();
    // Kosli's staging policy would refuse these builds (their trails lack Jira evidence), so they
    // reach staging by hand; the candidate must still show exactly what runs.
    const backend = world.simulation.commit('backend', 'OPS-999 refactor');
    const frontend = world.simulation.commit('frontend', 'tidy styles');
    world.simulation.place('staging', { backend: backend.sha, frontend: frontend.sha });
    const created = ok(await world.invoke(DEV, 'candidate/refresh', {}));
    const view = ok(await world.invoke(PO1, 'release/get', { versionId: created.versionId }));
    expect(view.artifacts.map((a) => a.compliance)).toEqual(['NON-COMPLIANT', 'NON-COMPLIANT']);
    expect(view.artifacts[0]?.failing.length).toBeGreaterThan(0);
    expect(view.issues).toEqual([]);
    expect(view.missingKeys).toEqual(['OPS-999']);
    expect(view.untracked.map((c) => c.title)).toEqual(expect.arrayContaining(['OPS-999 refactor', 'tidy styles']));
  });

  it('refuses an artifact in staging with no provenance in Kosli', async () => {
    world = await startWorld();
    world.kosli.world.reportSnapshot('staging', [{ name: 'backend', fingerprint: 'f'.repeat(64) }]);
    const error = errorOf(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(error.code).toBe('NO_PROVENANCE');
    expect(error.message).toContain('backend');
  });

  it('refuses when prod runs a newer build than staging', async () => {
    world = await startWorld();
    const newer = world.simulation.commit('backend', 'OPS-11 hotfix straight to prod');
    world.simulation.place('prod', { backend: newer.sha });
    const error = errorOf(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(error.code).toBe('DIVERGED');
  });

  it('releases an app that never ran in prod with its whole history', async () => {
    world = await startWorld();
    world.kosli.world.reportSnapshot('prod', []);
    const created = ok(await world.invoke(DEV, 'candidate/refresh', {}));
    expect(created.created).toBe(true);
    const view = ok(await world.invoke(PO1, 'release/get', { versionId: created.versionId }));
    expect(view.artifacts.every((a) => a.fromCommit === null)).toBe(true);
  });

  it('only developers may create candidates', async () => {
    world = await startWorld();
    expect(errorOf(await world.invoke(PO1, 'candidate/refresh', {})).code).toBe('FORBIDDEN');
  });
});
