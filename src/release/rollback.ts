/**
 * Rolling prod back to what a released version shipped: which apps go back, the content that is
 * approved, who must approve it, and why a rollback is refused. Pure: the caller reads the stored
 * record, prod's snapshot and what Kosli still knows; this decides.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import type { ProjectConfig } from './config';
import type { ApprovalPolicy, Candidate, CandidateApp, EnvironmentSnapshot } from './types';

/** What marks a release record as a rollback: where prod goes back to, from where, and why. */
export interface RollbackMark {
  /** The released version whose artifacts are restored. */
  toVersionId: string;
  toVersionName: string;
  /** The released version prod ran when the rollback was asked for (null when prod ran no tracked release). */
  fromVersionId: string | null;
  fromVersionName: string | null;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  /** Set once the verified rollback is recorded on both versions and the forward candidate recomputed. */
  recorded?: boolean;
}

/** One app as a released version shipped it (its stored `to` artifact). */
export interface ShippedApp {
  name: string;
  path: string;
  commit: string;
  fingerprint: string;
  flow: string;
  trail: string;
}

/** A release as the rules need it to choose the target and the version rolled back from. */
export interface ReleasedVersion {
  versionId: string;
  name: string;
  released: boolean;
  /** When it was released (its deploy state's time, or the release date); null when not released. */
  releasedAt: string | null;
  rollback: boolean;
}

export const ROLLBACK_REASON_MAX = 2000;

/** The reason, trimmed; refused when empty, since the attestation and the audit must say why. */
export function rollbackReason(reason: string | undefined): string {
  const trimmed = (reason ?? '').trim();
  if (trimmed.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      'A rollback needs a reason: it is recorded in Kosli and on both Jira versions.',
      { details: { fields: { reason: 'Say why prod goes back' } } },
    );
  }
  return trimmed.slice(0, ROLLBACK_REASON_MAX);
}

/**
 * The version prod is rolled back from: the newest release after the target, released by the app
 * (forward or rollback). Null when nothing the app released came after it.
 */
export function rolledBackFrom(releases: readonly ReleasedVersion[], target: ReleasedVersion): ReleasedVersion | null {
  const after = releases.filter(
    (r) =>
      r.versionId !== target.versionId &&
      r.released &&
      r.releasedAt !== null &&
      target.releasedAt !== null &&
      r.releasedAt > target.releasedAt,
  );
  return after.sort((a, b) => (b.releasedAt ?? '').localeCompare(a.releasedAt ?? ''))[0] ?? null;
}

/** sha256 over the kind, the restored version and the apps' {name, fingerprint}: never equal to a forward candidate's hash. */
export function rollbackContentHash(
  toVersionId: string,
  apps: readonly { name: string; fingerprint: string }[],
): string {
  const canonical = JSON.stringify({
    kind: 'rollback',
    to: toVersionId,
    apps: [...apps]
      .map(({ name, fingerprint }) => ({ name, fingerprint }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The rollback candidate: the apps whose prod artifact differs from what the target shipped, going
 * back to exactly the target's fingerprints and commits. Refused when the target was never
 * released, when Kosli no longer knows one of its artifacts (nothing could verify or attest it),
 * or when prod already runs it.
 */
export function composeRollback(input: {
  target: ReleasedVersion;
  shipped: readonly ShippedApp[];
  prod: EnvironmentSnapshot;
  /** Fingerprints of the target's artifacts that Kosli answered "not found" for. */
  unknownToKosli: ReadonlySet<string>;
}): Candidate {
  const { target, shipped, prod } = input;
  if (!target.released) {
    throw new AppError(
      'CONFLICT',
      `Version ${target.name} was never released by the app: only a released version can be rolled back to.`,
    );
  }
  const forgotten = shipped.filter((app) => input.unknownToKosli.has(app.fingerprint));
  if (forgotten.length > 0) {
    throw new AppError(
      'NO_PROVENANCE',
      `Kosli no longer knows ${forgotten.map((app) => `the ${app.name} artifact ${app.fingerprint.slice(0, 12)} (commit ${app.commit.slice(0, 7)})`).join(' and ')} that ${target.name} shipped, so its provenance cannot be checked or attested: prod cannot be rolled back to ${target.name}.`,
      { details: { apps: forgotten.map((app) => app.name) } },
    );
  }
  const running = new Map(prod.artifacts.map((artifact) => [artifact.name, artifact]));
  const apps: CandidateApp[] = shipped
    .filter((app) => running.get(app.name)?.fingerprint !== app.fingerprint)
    .map((app) => {
      const now = running.get(app.name);
      return {
        name: app.name,
        path: app.path,
        from: now && now.commit !== null ? { commit: now.commit, fingerprint: now.fingerprint } : null,
        to: { commit: app.commit, fingerprint: app.fingerprint, flow: app.flow, trail: app.trail },
        commits: [],
        truncated: false,
      };
    });
  if (apps.length === 0) {
    throw new AppError(
      'NOTHING_TO_RELEASE',
      `Prod already runs what ${target.name} shipped: there is nothing to roll back.`,
    );
  }
  return {
    apps,
    issueKeys: [],
    missingKeys: [],
    untracked: [],
    contentHash: rollbackContentHash(
      target.versionId,
      apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })),
    ),
  };
}

/** The policy a release is approved under: the rollback policy for a rollback when one is set, else the project's. */
export function approvalPolicyFor(
  config: ProjectConfig,
  release: { rollback?: RollbackMark | undefined },
): ApprovalPolicy {
  return release.rollback && config.rollback?.approval ? config.rollback.approval : config.approval;
}

/** Why an approval of a rollback is refused under its settings (each approver says why), or null. */
export function rollbackApprovalRefusal(
  config: ProjectConfig,
  release: { rollback?: RollbackMark | undefined },
  decision: 'approved' | 'declined',
  reason: string,
): string | null {
  if (!release.rollback || decision !== 'approved' || !config.rollback?.reasonRequired || reason.length > 0)
    return null;
  return 'This project requires a reason with every approval of a rollback: say why prod should go back.';
}

/** The Jira version's name for a rollback: says what it restores, unique by the time it was asked for. */
export function rollbackVersionName(toVersionName: string, stamp: string): string {
  return `Rollback to ${toVersionName} (${stamp})`.slice(0, 255);
}
