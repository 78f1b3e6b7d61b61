/**
 * What a release candidate holds, decided from what really runs: the staging and prod snapshots
 * give each app's range, the commits in that range give the changes, and the Kosli Jira evidence of
 * those commits gives the issues. Pure: the caller fetches, this decides.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import type { AppConfig } from './config';
import type { Candidate, CandidateApp, CommitInfo, EnvironmentSnapshot, JiraEvidence, RunningArtifact } from './types';

/** One app whose staging artifact differs from prod: the range to release. */
export interface AppRange {
  app: AppConfig;
  /** Staging's artifact, with provenance (commit, flow, trail). */
  to: RunningArtifact & { commit: string; flow: string; trail: string };
  /** Prod's artifact; null on the app's first release. */
  from: RunningArtifact | null;
}

function findArtifact(snapshot: EnvironmentSnapshot, name: string): RunningArtifact | undefined {
  return snapshot.artifacts.find((artifact) => artifact.name === name);
}

function hasProvenance(
  artifact: RunningArtifact,
): artifact is RunningArtifact & { commit: string; flow: string; trail: string } {
  return artifact.commit !== null && artifact.flow !== null && artifact.trail !== null;
}

/**
 * Decides which apps change between prod and staging. Throws NOTHING_TO_RELEASE when staging runs
 * what prod runs, NO_PROVENANCE when a changed staging artifact has no build provenance in Kosli,
 * and DIVERGED when prod runs a newer commit of an app than staging.
 */
export function planRelease(
  apps: readonly AppConfig[],
  staging: EnvironmentSnapshot,
  prod: EnvironmentSnapshot,
): AppRange[] {
  const ranges: AppRange[] = [];
  for (const app of apps) {
    const to = findArtifact(staging, app.name);
    if (!to) continue;
    const from = findArtifact(prod, app.name) ?? null;
    if (from && from.fingerprint === to.fingerprint) continue;
    if (!hasProvenance(to)) {
      throw new AppError(
        'NO_PROVENANCE',
        `The ${app.name} artifact running in staging (${to.fingerprint.slice(0, 12)}) has no provenance in Kosli flow '${app.buildFlow}': it was not built and attested by the pipeline, so it cannot be released.`,
        { details: { app: app.name, fingerprint: to.fingerprint } },
      );
    }
    if (
      from &&
      from.commitTimestamp !== null &&
      to.commitTimestamp !== null &&
      from.commitTimestamp > to.commitTimestamp
    ) {
      throw new AppError(
        'DIVERGED',
        `Prod runs a newer ${app.name} (${(from.commit ?? '').slice(0, 7)}) than staging (${to.commit.slice(0, 7)}): promote to staging first.`,
        { details: { app: app.name } },
      );
    }
    ranges.push({ app, to, from });
  }
  if (ranges.length === 0) {
    throw new AppError('NOTHING_TO_RELEASE', 'Staging runs exactly what prod runs: there is nothing to release.');
  }
  return ranges;
}

export interface AppCommits {
  commits: CommitInfo[];
  /** Whether the walk from staging's commit met prod's commit (ancestry confirmed). */
  baseFound: boolean;
  truncated: boolean;
}

/** sha256 over the canonical JSON of the apps' {name, fingerprint} (sorted by name) and the sorted keys. */
export function contentHash(
  apps: readonly { name: string; fingerprint: string }[],
  issueKeys: readonly string[],
): string {
  const canonical = JSON.stringify({
    apps: [...apps]
      .map(({ name, fingerprint }) => ({ name, fingerprint }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    keys: [...new Set(issueKeys)].sort(),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Composes the candidate from the planned ranges, their commits and the commits' Jira evidence.
 * Throws DIVERGED when an app's prod commit is not an ancestor of its staging commit.
 */
export function composeCandidate(
  ranges: readonly AppRange[],
  commitsByApp: ReadonlyMap<string, AppCommits>,
  evidence: ReadonlyMap<string, JiraEvidence>,
): Candidate {
  const apps: CandidateApp[] = ranges.map(({ app, to, from }) => {
    const found = commitsByApp.get(app.name) ?? { commits: [], baseFound: from === null, truncated: false };
    if (from !== null && from.commit !== null && !found.baseFound && !found.truncated) {
      throw new AppError(
        'DIVERGED',
        `Prod's ${app.name} commit ${from.commit.slice(0, 7)} is not in the history of staging's ${to.commit.slice(0, 7)}: the environments have diverged.`,
        { details: { app: app.name } },
      );
    }
    return {
      name: app.name,
      path: app.path,
      from: from && from.commit !== null ? { commit: from.commit, fingerprint: from.fingerprint } : null,
      to: { commit: to.commit, fingerprint: to.fingerprint, flow: to.flow, trail: to.trail },
      commits: found.commits,
      truncated: found.truncated,
    };
  });

  const existing = new Set<string>();
  const missing = new Set<string>();
  const untracked = new Map<string, CommitInfo>();
  for (const commit of apps.flatMap((app) => app.commits)) {
    const keys = evidence.get(commit.sha)?.keys ?? [];
    for (const { key, exists } of keys) (exists ? existing : missing).add(key);
    if (!keys.some((k) => k.exists)) untracked.set(commit.sha, commit);
  }
  for (const key of existing) missing.delete(key);

  const issueKeys = [...existing].sort(compareKeys);
  return {
    apps,
    issueKeys,
    missingKeys: [...missing].sort(compareKeys),
    untracked: [...untracked.values()],
    contentHash: contentHash(
      apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })),
      issueKeys,
    ),
  };
}

/** OPS-2 before OPS-10. */
export function compareKeys(a: string, b: string): number {
  const [pa = '', na = '0'] = a.split('-');
  const [pb = '', nb = '0'] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa.localeCompare(pb);
}

/** The issue keys in `next` that `previous` does not hold: the only fix-version writes a refresh makes. */
export function addedKeys(previous: readonly string[], next: readonly string[]): string[] {
  const had = new Set(previous);
  return next.filter((key) => !had.has(key));
}
