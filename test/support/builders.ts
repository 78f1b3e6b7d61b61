/**
 * Builders with overrides for the domain's plain data: a test names only what it cares about.
 */
import { createHash } from 'node:crypto';
import { defaultProjectConfig, type ProjectConfig } from '../../src/release/config';
import type { CommitInfo, Decision, EnvironmentSnapshot, RunningArtifact } from '../../src/release/types';

export const sha = (seed: string): string => createHash('sha1').update(seed).digest('hex');
export const fingerprint = (seed: string): string => createHash('sha256').update(seed).digest('hex');
export const hash = fingerprint;

export function anArtifact(overrides: Partial<RunningArtifact> & { name: string }): RunningArtifact {
  const seed = overrides.commit ?? overrides.name;
  return {
    fingerprint: fingerprint(`fp-${seed}`),
    commit: sha(seed),
    commitTimestamp: 1_700_000_000,
    flow: `jira-example-${overrides.name}`,
    trail: sha(seed),
    templateName: overrides.name,
    compliant: true,
    commitUrl: null,
    htmlUrl: null,
    ...overrides,
  };
}

export function aSnapshot(
  artifacts: RunningArtifact[],
  overrides: Partial<EnvironmentSnapshot> = {},
): EnvironmentSnapshot {
  return { environment: 'staging', index: 1, takenAt: '2026-11-01T00:00:00Z', artifacts, ...overrides };
}

export function aCommit(overrides: Partial<CommitInfo> & { sha: string }): CommitInfo {
  return {
    title: `change ${overrides.sha.slice(0, 7)}`,
    author: 'Dev',
    authorEmail: 'dev@example.com',
    date: '2026-11-01T00:00:00Z',
    url: null,
    ...overrides,
  };
}

export function aDecision(overrides: Partial<Decision> & { accountId: string }): Decision {
  return {
    decision: 'approved',
    at: '2026-11-02T10:00:00Z',
    contentHash: hash('content'),
    source: 'app',
    ...overrides,
  };
}

export function aConfig(overrides: (config: ProjectConfig) => void = () => undefined): ProjectConfig {
  const config = defaultProjectConfig();
  overrides(config);
  return config;
}
