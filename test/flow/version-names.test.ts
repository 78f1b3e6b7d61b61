/**
 * Jira allows one version of a name per project, and the name pattern can repeat (a daily pattern,
 * two candidates within a second): the candidate takes the next free "name (n)", and a version of
 * the taken name that is someone else's is never adopted as the app's.
 */
import { afterEach, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { prepareCandidate } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const daily = (config: { release: { namePattern: string } }) => {
  config.release.namePattern = 'Release YYYY-MM-DD';
};

it('names the candidate "name (2)" when the pattern gives a name Jira already has, and never adopts that version', async () => {
  const w = (world = await startWorld({ adjustConfig: daily }));
  const today = new Date().toISOString().slice(0, 10);
  const theirs = w.jira.world.addVersion({ project: 'OPS', name: `Release ${today}` });
  w.jira.world.addVersion({ project: 'OPS', name: `Release ${today} (2)`, released: true });

  const created = await prepareCandidate(w);
  expect(created.name).toBe(`Release ${today} (3)`);
  expect(created.versionId).not.toBe(theirs.id);
  expect(w.jira.world.version(theirs.id)?.description ?? null).toBeNull();
});
