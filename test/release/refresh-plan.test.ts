import { describe, expect, it } from 'vitest';
import { planRelease } from '../../src/release/candidate';
import { mayChangeContent, planContent, planRefresh, type RecordedCandidate } from '../../src/release/refresh-plan';
import { aConfig, anArtifact, aSnapshot, hash, sha } from '../support/builders';

const staging = aSnapshot([
  anArtifact({ name: 'backend', commit: sha('b2') }),
  anArtifact({ name: 'frontend', commit: sha('f2') }),
]);
const prod = aSnapshot([
  anArtifact({ name: 'backend', commit: sha('b1') }),
  anArtifact({ name: 'frontend', commit: sha('f1') }),
]);
const ranges = planRelease(aConfig().apps, staging, prod);
const HASH = hash('content');

function recorded(overrides: Partial<RecordedCandidate> = {}): RecordedCandidate {
  return {
    candidate: {
      contentHash: HASH,
      apps: ranges.map((range) => ({
        name: range.app.name,
        to: { fingerprint: range.to.fingerprint },
        from: range.from ? { fingerprint: range.from.fingerprint } : null,
      })),
    },
    selection: null,
    setup: { trail: true, prodSoftware: true, links: true },
    stagingRecordedHash: HASH,
    fixVersions: { pending: 0 },
    deploy: { kind: 'open' },
    pendingDispatch: null,
    ...overrides,
  };
}

const all = { ranges, heldBack: [] };

describe('planRefresh', () => {
  it('composes when there is no candidate yet', () => {
    expect(planRefresh(undefined, all, null)).toBe('compose');
  });

  it('answers from what is stored when the same artifacts run, the choice is the same and nothing is left to write', () => {
    expect(planRefresh(recorded(), all, null)).toBe('answer-stored');
  });

  it('composes when an artifact moved, the choice changed, or something is left to write', () => {
    expect(planRefresh(recorded(), { ranges: ranges.slice(0, 1), heldBack: [] }, null)).toBe('compose');
    expect(planRefresh(recorded(), all, { apps: ['backend'], by: 'dev' })).toBe('compose');
    expect(planRefresh(recorded({ fixVersions: { pending: 3 } }), all, null)).toBe('compose');
    expect(planRefresh(recorded({ stagingRecordedHash: null }), all, null)).toBe('compose');
    expect(planRefresh(recorded({ setup: { trail: true, prodSoftware: true, links: false } }), all, null)).toBe(
      'compose',
    );
  });

  it('leaves a candidate being composed to its composition', () => {
    expect(planRefresh(recorded({ composing: { since: 'x' } }), all, null)).toBe('composing');
  });
});

describe('planContent', () => {
  const same = { contentHash: HASH, heldBack: [], selection: null };

  it('does nothing for the same, settled content and choice', () => {
    expect(planContent(recorded(), same)).toEqual({ kind: 'nothing' });
  });

  it('finishes the same content when the choice changed, work is left or a composition ends', () => {
    expect(planContent(recorded(), { ...same, selection: { apps: ['backend'], by: 'dev' } })).toEqual({
      kind: 'finish',
    });
    expect(planContent(recorded({ fixVersions: { pending: 1 } }), same)).toEqual({ kind: 'finish' });
    expect(planContent(recorded({ composing: { since: 'x' } }), same)).toEqual({ kind: 'finish' });
  });

  it('records new content while it has not shipped, and refuses once a dispatch may have started a run', () => {
    const next = { ...same, contentHash: hash('other') };
    expect(planContent(recorded(), next)).toEqual({ kind: 'change' });
    expect(planContent(recorded({ deploy: { kind: 'approved', at: 'x', contentHash: HASH } }), next)).toEqual({
      kind: 'change',
    });
    expect(
      planContent(
        recorded({
          deploy: { kind: 'dispatched', at: 'x', contentHash: HASH, runId: 1, runUrl: null, requestId: 'r' },
        }),
        next,
      ),
    ).toEqual({ kind: 'refused' });
    expect(planContent(recorded({ pendingDispatch: { requestId: 'r', since: 'x' } }), next)).toEqual({
      kind: 'refused',
    });
    expect(mayChangeContent({ deploy: { kind: 'open' }, pendingDispatch: { requestId: 'r' } })).toBe(false);
  });
});
