/**
 * Partial releases: the person creating a candidate chooses which of the apps that differ it
 * ships; the others keep running what prod runs and wait for the next candidate. Pure.
 */
import { AppError } from '../errors';
import type { AppRange } from './candidate';

/** An app whose staging artifact differs from prod's but that this release does not ship. */
export interface HeldBackApp {
  name: string;
  /** What staging runs (would have shipped) and what prod keeps running. */
  stagingCommit: string;
  prodCommit: string | null;
  /** Account id of whoever chose the apps. */
  chosenBy: string;
  reason: string;
}

/** The chosen app names, validated: known, no duplicates. Null (all that differ) when none are given. */
export function normaliseSelection(
  requested: readonly string[] | undefined,
  configured: readonly string[],
): string[] | null {
  if (requested === undefined) return null;
  if (requested.length === 0)
    throw new AppError('INVALID_INPUT', 'Choose at least one app to release.', {
      details: { fields: { apps: 'Choose at least one app' } },
    });
  const known = new Set(configured);
  const unknown = requested.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new AppError(
      'INVALID_INPUT',
      `Not a configured app: ${unknown.map((name) => `"${name.slice(0, 60)}"`).join(', ')}.`,
      { details: { fields: { apps: 'Choose configured apps only' } } },
    );
  }
  const unique = [...new Set(requested)].sort();
  return unique.length === configured.length ? null : unique;
}

/**
 * Splits the planned ranges into the chosen ones (what the candidate ships and hashes) and the
 * held-back ones (said on the page). `selection` null ships every app that differs.
 */
export function selectApps(
  ranges: readonly AppRange[],
  selection: readonly string[] | null,
  chosenBy: string,
): { chosen: AppRange[]; heldBack: HeldBackApp[] } {
  if (selection === null) return { chosen: [...ranges], heldBack: [] };
  const wanted = new Set(selection);
  const chosen = ranges.filter((range) => wanted.has(range.app.name));
  if (chosen.length === 0) {
    throw new AppError(
      'NOTHING_TO_RELEASE',
      `None of the chosen apps (${selection.join(', ')}) differs between staging and prod: there is nothing to release.`,
    );
  }
  const heldBack = ranges
    .filter((range) => !wanted.has(range.app.name))
    .map((range) => ({
      name: range.app.name,
      stagingCommit: range.to.commit,
      prodCommit: range.from?.commit ?? null,
      chosenBy,
      reason:
        'Not chosen for this release: prod keeps running its current build, and the change waits for the next candidate.',
    }));
  return { chosen, heldBack };
}
