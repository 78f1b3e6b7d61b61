import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { contentHash } from '../../src/release/candidate';
import {
  approvalPolicyFor,
  composeRollback,
  rollbackApprovalRefusal,
  rollbackContentHash,
  rollbackReason,
  rolledBackFrom,
  type ReleasedVersion,
  type RollbackMark,
  type ShippedApp,
} from '../../src/release/rollback';
import { aConfig, anArtifact, aSnapshot, fingerprint, sha } from '../support/builders';

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
  }
  throw new Error('expected an AppError');
}

const target: ReleasedVersion = {
  versionId: '100',
  name: 'v1',
  released: true,
  releasedAt: '2026-01-01T10:00:00.000Z',
  rollback: false,
};
const shipped: ShippedApp[] = [
  {
    name: 'backend',
    path: 'apps/backend',
    commit: sha('b1'),
    fingerprint: fingerprint('b1'),
    flow: 'shop-backend',
    trail: sha('b1'),
  },
  {
    name: 'frontend',
    path: 'apps/frontend',
    commit: sha('f1'),
    fingerprint: fingerprint('f1'),
    flow: 'shop-frontend',
    trail: sha('f1'),
  },
];
const mark: RollbackMark = {
  toVersionId: '100',
  toVersionName: 'v1',
  fromVersionId: '101',
  fromVersionName: 'v2',
  reason: 'broken',
  requestedBy: 'dev',
  requestedAt: '2026-01-02T00:00:00.000Z',
};

describe('composeRollback', () => {
  it('goes back to exactly the fingerprints and commits the target shipped, for the apps prod runs differently', () => {
    const prod = aSnapshot([
      anArtifact({ name: 'backend', commit: sha('b2'), fingerprint: fingerprint('b2') }),
      anArtifact({ name: 'frontend', commit: sha('f1'), fingerprint: fingerprint('f1') }),
    ]);
    const candidate = composeRollback({ target, shipped, prod, unknownToKosli: new Set() });
    expect(candidate.apps.map((app) => [app.name, app.from?.commit, app.to.commit, app.to.fingerprint])).toEqual([
      ['backend', sha('b2'), sha('b1'), fingerprint('b1')],
    ]);
    expect(candidate.issueKeys).toEqual([]);
    expect(candidate.contentHash).toBe(
      rollbackContentHash('100', [{ name: 'backend', fingerprint: fingerprint('b1') }]),
    );
  });

  it('never hashes like a forward candidate of the same artifacts', () => {
    expect(rollbackContentHash('100', [{ name: 'backend', fingerprint: fingerprint('b1') }])).not.toBe(
      contentHash([{ name: 'backend', fingerprint: fingerprint('b1') }], []),
    );
  });

  it('refuses, naming the artifact, when Kosli no longer knows one of them', () => {
    const prod = aSnapshot([anArtifact({ name: 'backend', commit: sha('b2'), fingerprint: fingerprint('b2') })]);
    const error = errorOf(() =>
      composeRollback({ target, shipped, prod, unknownToKosli: new Set([fingerprint('f1')]) }),
    );
    expect(error.code).toBe('NO_PROVENANCE');
    expect(error.message).toContain(`Kosli no longer knows the frontend artifact ${fingerprint('f1').slice(0, 12)}`);
  });

  it('refuses a version never released, and one prod already runs', () => {
    expect(
      errorOf(() =>
        composeRollback({
          target: { ...target, released: false },
          shipped,
          prod: aSnapshot([]),
          unknownToKosli: new Set(),
        }),
      ).code,
    ).toBe('CONFLICT');
    const same = aSnapshot(
      shipped.map((app) => anArtifact({ name: app.name, commit: app.commit, fingerprint: app.fingerprint })),
    );
    expect(errorOf(() => composeRollback({ target, shipped, prod: same, unknownToKosli: new Set() })).code).toBe(
      'NOTHING_TO_RELEASE',
    );
  });
});

describe('rolledBackFrom', () => {
  it('is the newest release after the target', () => {
    const releases: ReleasedVersion[] = [
      target,
      { versionId: '101', name: 'v2', released: true, releasedAt: '2026-01-02T10:00:00.000Z', rollback: false },
      { versionId: '102', name: 'v3', released: true, releasedAt: '2026-01-03T10:00:00.000Z', rollback: false },
      { versionId: '103', name: 'open', released: false, releasedAt: null, rollback: false },
    ];
    expect(rolledBackFrom(releases, target)?.versionId).toBe('102');
    expect(rolledBackFrom(releases, releases[2] ?? target)).toBeNull();
  });
});

describe('rollback policy and reasons', () => {
  it('uses the rollback policy for a rollback only, and the project policy when none is set', () => {
    const own = {
      approvers: ['po1'],
      includeJiraApprovers: false,
      rule: { kind: 'atLeast' as const, count: 1 },
      noSelfApproval: false,
    };
    const config = aConfig((c) => {
      c.rollback = { approval: own, reasonRequired: true };
    });
    expect(approvalPolicyFor(config, { rollback: mark })).toBe(own);
    expect(approvalPolicyFor(config, {})).toBe(config.approval);
    expect(approvalPolicyFor(aConfig(), { rollback: mark })).toEqual(aConfig().approval);
  });

  it('requires a reason to open a rollback, and with each approval when the settings say so', () => {
    expect(errorOf(() => rollbackReason('   ')).code).toBe('INVALID_INPUT');
    expect(rollbackReason('  broken  ')).toBe('broken');
    const config = aConfig((c) => {
      c.rollback = { approval: null, reasonRequired: true };
    });
    expect(rollbackApprovalRefusal(config, { rollback: mark }, 'approved', '')).toContain('requires a reason');
    expect(rollbackApprovalRefusal(config, { rollback: mark }, 'approved', 'confirmed')).toBeNull();
    expect(rollbackApprovalRefusal(config, {}, 'approved', '')).toBeNull();
  });
});
