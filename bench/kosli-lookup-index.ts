/**
 * A benchmark-only workaround, until the fake Kosli indexes its provenance lookups itself: the fake's
 * `list_attestations_for_criteria` scans every trail for each call, so 500 lookups over a
 * 50,000-commit history cost minutes of CPU that Kosli's own database does not spend. The answers
 * for the seeded commits are computed once (one scan) and served from memory; any other commit is
 * still answered by the fake itself. Only seeded commits' attestations are cached, and the S
 * scenarios add none to them afterwards.
 */
import type { World } from '../sandbox/world/start-world';

type Answer = ReturnType<World['kosli']['world']['attestationsForCommits']>;

export function indexKosliCommitLookups(world: World, seeded: readonly string[]): void {
  const kosli = world.kosli.world;
  const scan = kosli.attestationsForCommits.bind(kosli);
  const known = new Set(seeded);
  const cache = new Map<string, Answer>();
  kosli.attestationsForCommits = (shas, filter) => {
    const key = JSON.stringify(filter);
    const all = cache.get(key) ?? scan(seeded, filter);
    cache.set(key, all);
    const others = shas.filter((sha) => !known.has(sha));
    const fresh = others.length > 0 ? scan(others, filter) : {};
    return Object.fromEntries(shas.map((sha) => [sha, all[sha] ?? fresh[sha] ?? []]));
  };
}
