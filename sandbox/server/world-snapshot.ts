/**
 * Saves and restores the fakes' state, so that `npm start` after a stop shows the same Jira
 * versions, Kosli trails and workflow runs as before (the git repository and the app's storage
 * persist on their own).
 *
 * The fakes keep their state as plain data in their own fields (maps, arrays, records), so a
 * snapshot is the data fields of each world, written with node:v8's structured serialisation (which
 * keeps Maps, Sets and shared references). Functions (clocks, executors, listeners) and caches stay
 * as the freshly started world set them. The field names are recorded: when the code of a fake
 * changed shape since the snapshot was written, restoring is refused rather than half-done.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { z } from 'zod';
import type { Scenario } from '../world/scenario';
import type { World } from '../world/start-world';

const FORMAT = 1;

/** Fields that are wiring or caches, not state. */
const SKIPPED: Record<PartName, readonly string[]> = {
  jira: [],
  kosli: [],
  github: ['completedListeners', 'logCache', 'settleAfterMs'],
  simulation: ['worlds', 'repository', 'config', 'scenario', 'reportTimer', 'reportWaiters'],
};

const PART_NAMES = ['jira', 'kosli', 'github', 'simulation'] as const;
type PartName = (typeof PART_NAMES)[number];

const partSchema = z.object({ fields: z.record(z.string(), z.unknown()) });
const snapshotSchema = z.object({
  format: z.literal(FORMAT),
  scenario: z.string(),
  savedAt: z.string(),
  parts: z.object({ jira: partSchema, kosli: partSchema, github: partSchema, simulation: partSchema }),
});

export class SnapshotMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotMismatch';
  }
}

/** Identifies the scenario a snapshot was made with (another scenario needs a fresh sandbox). */
export function scenarioFingerprint(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex').slice(0, 16);
}

function parts(world: World): Record<PartName, object> {
  return { jira: world.jira.world, kosli: world.kosli.world, github: world.github.world, simulation: world.simulation };
}

function dataFields(target: object, skipped: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function' && !skipped.includes(name)) fields[name] = value;
  }
  return fields;
}

/** Writes the world's state atomically (a crash mid-write leaves the previous snapshot). */
export function saveWorldSnapshot(file: string, world: World): void {
  const targets = parts(world);
  const captured = Object.fromEntries(
    PART_NAMES.map((name) => [name, { fields: dataFields(targets[name], SKIPPED[name]) }]),
  );
  const snapshot = {
    format: FORMAT,
    scenario: scenarioFingerprint(world.scenario),
    savedAt: new Date().toISOString(),
    parts: captured,
  };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, serialize(snapshot));
  renameSync(temporary, file);
}

export function hasWorldSnapshot(file: string): boolean {
  return existsSync(file);
}

/**
 * Puts a saved state back into a freshly started (unseeded) world. Throws SnapshotMismatch when
 * the snapshot was made for another scenario or by fakes of another shape.
 */
export function restoreWorldSnapshot(file: string, world: World): { savedAt: string } {
  let raw: unknown;
  try {
    raw = deserialize(readFileSync(file));
  } catch (error) {
    throw new SnapshotMismatch(
      `The saved world ${file} cannot be read (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const checked = snapshotSchema.safeParse(raw);
  if (!checked.success) throw new SnapshotMismatch(`The saved world ${file} has an unknown format.`);
  const snapshot = checked.data;
  if (snapshot.scenario !== scenarioFingerprint(world.scenario)) {
    throw new SnapshotMismatch('The saved world was made with another scenario (SANDBOX_SCENARIO).');
  }
  const targets = parts(world);
  // Check every part before changing any, so a mismatch leaves the world untouched.
  for (const name of PART_NAMES) {
    const expected = Object.keys(dataFields(targets[name], SKIPPED[name])).sort();
    const saved = Object.keys(snapshot.parts[name].fields).sort();
    if (expected.join(',') !== saved.join(',')) {
      throw new SnapshotMismatch(
        `The saved ${name} state does not match this version of the fake (fields ${saved.join(', ')} vs ${expected.join(', ')}).`,
      );
    }
  }
  for (const name of PART_NAMES) {
    for (const [field, value] of Object.entries(snapshot.parts[name].fields)) restoreField(targets[name], field, value);
  }
  return { savedAt: snapshot.savedAt };
}

/** Collections are refilled in place: whoever holds a reference to them keeps seeing the state. */
function restoreField(target: object, field: string, value: unknown): void {
  const current: unknown = Reflect.get(target, field);
  if (current instanceof Map && value instanceof Map) {
    current.clear();
    for (const [key, entry] of value) current.set(key, entry);
  } else if (current instanceof Set && value instanceof Set) {
    current.clear();
    for (const entry of value) current.add(entry);
  } else if (Array.isArray(current) && Array.isArray(value)) {
    current.splice(0, current.length, ...value);
  } else {
    Reflect.set(target, field, value);
  }
}
