/**
 * `npm start` saves the fakes' state after each change and restores it on the next start. The
 * world runs timers (Kosli's periodic reports) beside its data: the snapshot must hold the data and
 * leave the timers to the fresh world, or every save fails and a restart forgets the fakes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { restoreWorldSnapshot, saveWorldSnapshot } from '../../sandbox/server/world-snapshot';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { prepareCandidate } from '../support/flow';

const worlds: World[] = [];
const dir = mkdtempSync(join(tmpdir(), 'world-snapshot-'));
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.stop()));
  rmSync(dir, { recursive: true, force: true });
});

it('saves a world whose Kosli environments report periodically, and restores its fakes into a fresh one', async () => {
  const before = await startWorld();
  worlds.push(before);
  const { versionId } = await prepareCandidate(before);
  await before.simulation.nextReport();
  const file = join(dir, 'world.bin');
  saveWorldSnapshot(file, before);
  const name = before.jira.world.version(versionId)?.name;
  const runs = before.github.world.runs.length;
  await Promise.all(worlds.splice(0).map((w) => w.stop()));

  const after = await startWorld({ seed: false });
  worlds.push(after);
  restoreWorldSnapshot(file, after);
  expect(after.jira.world.version(versionId)?.name).toBe(name);
  expect(after.github.world.runs).toHaveLength(runs);
  // The fresh world's own timer keeps reporting after the restore.
  await after.simulation.nextReport();
});
