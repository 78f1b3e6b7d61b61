/**
 * The deploy worker as the queue consumer runs it, on a started world: the production composition
 * (loaded after the world installed the local Forge runtime, since @forge/api binds fetch on
 * import) with the clock a test sets, and the worker's call context.
 */
import type { World } from '../../sandbox/world/start-world';
import type { Clock } from '../../src/services/deps';

export async function theWorker(world: World, clock?: Clock) {
  const [{ composeDeps }, { advanceRelease }, { linksFor }] = await Promise.all([
    import('../../src/app'),
    import('../../src/services/deploy-worker'),
    import('../../src/services/links'),
  ]);
  const deps = { ...composeDeps(), ...(clock ? { clock } : {}) };
  const ctx = {
    projectKey: world.scenario.project.key,
    projectId: world.scenario.project.id,
    actor: 'deploy-worker',
    jiraAsUser: null,
    links: linksFor({ siteUrl: 'http://jira.local', appId: 'a', environmentId: 'e', projectType: 'software' }),
  };
  return { deps, ctx, advance: (versionId: string) => advanceRelease(deps, ctx, versionId) };
}
