/**
 * What creating or refreshing a candidate (or opening a rollback) answers: the release, and what the
 * call did to it. Only what differs from "nothing happened" is named at each call.
 */
import type { RefreshResult } from '../contract';

type Outcome = Partial<Omit<RefreshResult, 'versionId' | 'name' | 'contentHash'>> & Pick<RefreshResult, 'contentHash'>;

export function refreshResult(release: { versionId: string; name: string }, outcome: Outcome): RefreshResult {
  return {
    versionId: release.versionId,
    name: release.name,
    created: outcome.created ?? false,
    changed: outcome.changed ?? false,
    addedKeys: outcome.addedKeys ?? [],
    contentHash: outcome.contentHash,
    composing: outcome.composing ?? false,
  };
}
