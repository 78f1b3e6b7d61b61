/**
 * The JQL functions through the real handler on the local runtime, their fragments run by the fake
 * Jira's JQL engine: what Jira would do with the precomputation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseJql, runJql } from '../../sandbox/fakes/jira/jql';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { approveAsBoth, prepareCandidate, untilSettled } from '../support/flow';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  world.github.world.settleAfterMs = 20;
});
afterAll(() => world.stop());

async function search(functionName: string, args: string[]): Promise<string[]> {
  const answer = await world.app.jqlFunction({
    precomputationId: 'p-1',
    clause: { field: 'issue', type: ['issue'], operator: 'in', functionName, arguments: args },
  });
  if (!('jql' in answer)) throw new Error(answer.error);
  return runJql(world.jira.world, parseJql(answer.jql), () => true).map((issue) => issue.key);
}

it('follows a release: awaiting approval and in staging, then released and in prod', async () => {
  world.resetCalls();
  const { versionId } = await prepareCandidate(world, { backend: 'OPS-11 faster search' });
  expect(await search('releaseGate', ['awaiting-approval'])).toEqual(['OPS-11']);
  expect(await search('runningIn', ['staging'])).toEqual(['OPS-11']);
  await approveAsBoth(world, versionId);
  await untilSettled(world, versionId);
  world.resetCalls();
  expect(await search('runningIn', ['prod', 'OPS'])).toEqual(['OPS-11']);
  expect(await search('releaseGate', ['released'])).toEqual(['OPS-11']);
  // Answered from stored state: the handler itself calls nothing upstream.
  expect(world.calls().total).toBe(0);
});

it('answers an unknown argument with a clear error', async () => {
  const answer = await world.app.jqlFunction({
    clause: { functionName: 'runningIn', operator: 'in', arguments: ['qa'] },
  });
  expect(answer).toEqual({ error: expect.stringContaining('unknown environment') });
  expect(await world.app.jqlFunction({ nonsense: true })).toEqual({ error: expect.stringContaining('could not read') });
});
