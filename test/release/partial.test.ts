import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { planRelease } from '../../src/release/candidate';
import { normaliseSelection, selectApps } from '../../src/release/partial';
import { aConfig, anArtifact, aSnapshot, sha } from '../support/builders';

const apps = aConfig().apps;
const ranges = planRelease(
  apps,
  aSnapshot([anArtifact({ name: 'backend', commit: sha('b2') }), anArtifact({ name: 'frontend', commit: sha('f2') })]),
  aSnapshot([anArtifact({ name: 'backend', commit: sha('b1') }), anArtifact({ name: 'frontend', commit: sha('f1') })]),
);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('normaliseSelection', () => {
  it('is null (all that differ) when nothing or every app is chosen', () => {
    expect(normaliseSelection(undefined, ['backend', 'frontend'])).toBeNull();
    expect(normaliseSelection(['frontend', 'backend', 'backend'], ['backend', 'frontend'])).toBeNull();
    expect(normaliseSelection(['frontend'], ['backend', 'frontend'])).toEqual(['frontend']);
  });

  it('refuses an empty choice and an unknown app', () => {
    expect(codeOf(() => normaliseSelection([], ['backend']))).toBe('INVALID_INPUT');
    expect(codeOf(() => normaliseSelection(['payments'], ['backend']))).toBe('INVALID_INPUT');
  });
});

describe('selectApps', () => {
  it('ships the chosen apps and says which are held back, from which commit, by whom', () => {
    const { chosen, heldBack } = selectApps(ranges, ['backend'], 'dev1');
    expect(chosen.map((r) => r.app.name)).toEqual(['backend']);
    expect(heldBack).toEqual([
      expect.objectContaining({ name: 'frontend', stagingCommit: sha('f2'), prodCommit: sha('f1'), chosenBy: 'dev1' }),
    ]);
  });

  it('ships everything when no choice was made', () => {
    expect(selectApps(ranges, null, 'dev1')).toEqual({ chosen: ranges, heldBack: [] });
  });

  it('has nothing to release when no chosen app differs', () => {
    expect(codeOf(() => selectApps(ranges.slice(0, 1), ['frontend'], 'dev1'))).toBe('NOTHING_TO_RELEASE');
  });
});
