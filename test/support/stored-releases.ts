/**
 * A release as the app would have stored it, written straight through the repositories (and its
 * version added to the fake Jira), so a use-case test starts from the state it is about.
 */
import { contentHash } from '../../src/release/candidate';
import type { Candidate, CandidateApp, DeployState } from '../../src/release/types';
import type { RollbackMark } from '../../src/release/rollback';
import { keyEntries, newReleaseRecord, toStoredCandidate, type ReleaseRecord } from '../../src/store/records';
import { fingerprint, sha } from './builders';
import { PROJECT, type UseCaseDeps } from './use-case-deps';

export interface ReleaseSeed {
  name?: string;
  /** App name → a seed of its staging build (the fingerprint and commit derive from it). */
  apps?: Record<string, string>;
  issueKeys?: string[];
  deploy?: DeployState;
  rollback?: RollbackMark;
  /** Claim the project's candidate (or, with `rollback`, rollback) slot (default true). */
  slot?: boolean;
}

export function aCandidate(apps: Record<string, string>, issueKeys: string[] = []): Candidate {
  const candidateApps: CandidateApp[] = Object.entries(apps).map(([name, build]) => ({
    name,
    path: `apps/${name}`,
    from: null,
    to: { commit: sha(build), fingerprint: fingerprint(build), flow: `shop-${name}`, trail: sha(build) },
    commits: [],
    truncated: false,
  }));
  const hash = contentHash(
    candidateApps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })),
    issueKeys,
  );
  return { apps: candidateApps, issueKeys, missingKeys: [], untracked: [], contentHash: hash };
}

export async function givenRelease(uc: UseCaseDeps, seed: ReleaseSeed = {}): Promise<ReleaseRecord> {
  const { store } = uc.deps;
  const version = uc.jira.addVersion({
    project: PROJECT.key,
    name: seed.name ?? `release-${uc.jira.allVersions().length + 1}`,
  });
  const candidate = aCandidate(seed.apps ?? { backend: 'backend-2' }, seed.issueKeys);
  const entries = keyEntries(candidate, new Map());
  const keys = await store.keys.put(version.id, candidate.contentHash, entries);
  const record: ReleaseRecord = {
    ...newReleaseRecord(
      { versionId: version.id, projectKey: PROJECT.key, projectId: PROJECT.id, name: version.name },
      uc.clock.now(),
    ),
    candidate: toStoredCandidate(candidate, entries, keys),
    ...(seed.deploy ? { deploy: seed.deploy } : {}),
    ...(seed.rollback ? { rollback: seed.rollback } : {}),
  };
  await store.releases.put(record);
  if (seed.slot !== false) {
    if (seed.rollback) await store.slots.setRollback(PROJECT.key, version.id);
    else await store.slots.setCandidate(PROJECT.key, version.id);
  }
  return record;
}

/** The content of a release changed (a refresh found new builds in staging): its record now holds `apps`. */
export async function givenContentChange(
  uc: UseCaseDeps,
  record: ReleaseRecord,
  apps: Record<string, string>,
): Promise<ReleaseRecord> {
  const candidate = aCandidate(apps);
  const keys = await uc.deps.store.keys.put(record.versionId, candidate.contentHash, []);
  const changed = { ...record, candidate: toStoredCandidate(candidate, [], keys), updatedAt: uc.clock.now() };
  await uc.deps.store.releases.put(changed);
  return changed;
}
