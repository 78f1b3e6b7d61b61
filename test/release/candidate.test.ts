import { describe, expect, it } from 'vitest';
import { addedKeys, composeCandidate, contentHash, planRelease, type AppCommits } from '../../src/release/candidate';
import { AppError } from '../../src/errors';
import { aCommit, aConfig, anArtifact, aSnapshot, fingerprint, sha } from '../support/builders';

const apps = aConfig().apps;

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('planRelease', () => {
  it('includes only apps whose staging artifact differs from prod', () => {
    const staging = aSnapshot([
      anArtifact({ name: 'backend', commit: sha('b2') }),
      anArtifact({ name: 'frontend', commit: sha('f1') }),
    ]);
    const prod = aSnapshot([
      anArtifact({ name: 'backend', commit: sha('b1') }),
      anArtifact({ name: 'frontend', commit: sha('f1') }),
    ]);
    const ranges = planRelease(apps, staging, prod);
    expect(ranges.map((r) => r.app.name)).toEqual(['backend']);
    expect(ranges[0]?.from?.commit).toBe(sha('b1'));
  });

  it('refuses when staging runs exactly what prod runs', () => {
    const same = [anArtifact({ name: 'backend' }), anArtifact({ name: 'frontend' })];
    expect(errorCode(() => planRelease(apps, aSnapshot(same), aSnapshot(same)))).toBe('NOTHING_TO_RELEASE');
  });

  it('treats an app missing from prod as its first release', () => {
    const ranges = planRelease(apps, aSnapshot([anArtifact({ name: 'backend' })]), aSnapshot([]));
    expect(ranges[0]?.from).toBeNull();
  });

  it('refuses a staging artifact without provenance', () => {
    const staging = aSnapshot([anArtifact({ name: 'backend', commit: null, flow: null, trail: null })]);
    expect(errorCode(() => planRelease(apps, staging, aSnapshot([])))).toBe('NO_PROVENANCE');
  });

  it('refuses when prod runs a newer commit than staging', () => {
    const staging = aSnapshot([anArtifact({ name: 'backend', commit: sha('old'), commitTimestamp: 100 })]);
    const prod = aSnapshot([anArtifact({ name: 'backend', commit: sha('new'), commitTimestamp: 200 })]);
    expect(errorCode(() => planRelease(apps, staging, prod))).toBe('DIVERGED');
  });
});

describe('composeCandidate', () => {
  const staging = aSnapshot([
    anArtifact({ name: 'backend', commit: sha('b3') }),
    anArtifact({ name: 'frontend', commit: sha('f2') }),
  ]);
  const prod = aSnapshot([
    anArtifact({ name: 'backend', commit: sha('b1') }),
    anArtifact({ name: 'frontend', commit: sha('f1') }),
  ]);
  const ranges = planRelease(apps, staging, prod);
  const commits = new Map<string, AppCommits>([
    [
      'backend',
      { commits: [aCommit({ sha: sha('b2') }), aCommit({ sha: sha('b3') })], baseFound: true, truncated: false },
    ],
    [
      'frontend',
      { commits: [aCommit({ sha: sha('b3') }), aCommit({ sha: sha('f2') })], baseFound: true, truncated: false },
    ],
  ]);
  const evidence = new Map([
    [
      sha('b2'),
      {
        sha: sha('b2'),
        keys: [
          { key: 'OPS-10', exists: true },
          { key: 'OPS-99', exists: false },
        ],
      },
    ],
    [sha('b3'), { sha: sha('b3'), keys: [{ key: 'OPS-2', exists: true }] }],
  ]);

  it('collects existing keys sorted naturally, flags missing keys and untracked commits once', () => {
    const candidate = composeCandidate(ranges, commits, evidence);
    expect(candidate.issueKeys).toEqual(['OPS-2', 'OPS-10']);
    expect(candidate.missingKeys).toEqual(['OPS-99']);
    expect(candidate.untracked.map((c) => c.sha)).toEqual([sha('f2')]);
    expect(candidate.apps.map((a) => [a.name, a.commits.length])).toEqual([
      ['backend', 2],
      ['frontend', 2],
    ]);
  });

  it('hashes the apps and keys, independent of order, and changes with either', () => {
    const candidate = composeCandidate(ranges, commits, evidence);
    const apps2 = candidate.apps.map((a) => ({ name: a.name, fingerprint: a.to.fingerprint }));
    expect(candidate.contentHash).toBe(contentHash([...apps2].reverse(), ['OPS-10', 'OPS-2']));
    expect(contentHash(apps2, ['OPS-2'])).not.toBe(candidate.contentHash);
    expect(
      contentHash([{ name: 'backend', fingerprint: fingerprint('other') }, apps2[1]!], candidate.issueKeys),
    ).not.toBe(candidate.contentHash);
    expect(candidate.contentHash).toMatch(/^[a-f0-9]{64}$/);
  });

  it('refuses a range whose prod commit is not in staging history', () => {
    const diverged = new Map(commits);
    diverged.set('backend', { commits: [aCommit({ sha: sha('b3') })], baseFound: false, truncated: false });
    expect(errorCode(() => composeCandidate(ranges, diverged, evidence))).toBe('DIVERGED');
  });
});

describe('addedKeys', () => {
  it('returns only keys the previous candidate did not hold', () => {
    expect(addedKeys(['OPS-1', 'OPS-2'], ['OPS-1', 'OPS-2', 'OPS-3'])).toEqual(['OPS-3']);
    expect(addedKeys(['OPS-1'], ['OPS-1'])).toEqual([]);
  });
});
