import { describe, expect, it } from 'vitest';
import {
  InvalidTransition,
  MAX_TRANSIENT_ATTEMPTS,
  nextStep,
  releaseStateName,
  transition,
  mismatchesIn,
} from '../../src/release/deploy-state';
import type { DeployState } from '../../src/release/types';
import { fingerprint, hash } from '../support/builders';

const h = hash('c');

function through(...events: Parameters<typeof transition>[1][]): DeployState {
  return events.reduce<DeployState>((state, event, i) => transition(state, event, `t${i}`), { kind: 'open' });
}

describe('deploy state machine', () => {
  it('walks open → released with one step each', () => {
    const steps: (string | null)[] = [];
    let state: DeployState = { kind: 'open' };
    const events: Parameters<typeof transition>[1][] = [
      { type: 'policySatisfied', contentHash: h },
      { type: 'attested' },
      { type: 'dispatched', runId: 7, runUrl: 'u', requestId: 'r' },
      { type: 'runSucceeded' },
      { type: 'verified' },
      { type: 'released', releaseDate: '2026-11-28' },
    ];
    for (const event of events) {
      state = transition(state, event, 'now');
      steps.push(nextStep(state));
    }
    expect(steps).toEqual(['attest', 'dispatch', 'follow', 'verify', 'release', null]);
    expect(state).toMatchObject({ kind: 'released', runId: 7, contentHash: h });
  });

  it('refuses events out of order (no second dispatch)', () => {
    const dispatched = through(
      { type: 'policySatisfied', contentHash: h },
      { type: 'attested' },
      { type: 'dispatched', runId: 1, runUrl: null, requestId: 'r' },
    );
    expect(() => transition(dispatched, { type: 'dispatched', runId: 2, runUrl: null, requestId: 'r2' }, 'x')).toThrow(
      InvalidTransition,
    );
    expect(() => transition({ kind: 'open' }, { type: 'attested' }, 'x')).toThrow(InvalidTransition);
  });

  it('resumes a transient failure from the step that failed, and gives up after bounded attempts', () => {
    let state = through({ type: 'policySatisfied', contentHash: h }, { type: 'attested' });
    state = transition(state, { type: 'stepFailed', step: 'dispatch', reason: '502', transient: true }, 't');
    expect(nextStep(state)).toBe('dispatch');
    expect(releaseStateName(state)).toBe('failed');
    for (let i = 1; i < MAX_TRANSIENT_ATTEMPTS; i++)
      state = transition(state, { type: 'stepFailed', step: 'dispatch', reason: '502', transient: true }, 't');
    expect(state).toMatchObject({ kind: 'failed', transient: false, attempts: MAX_TRANSIENT_ATTEMPTS });
    expect(nextStep(state)).toBeNull();
    expect(transition(state, { type: 'retry', runConcluded: false }, 't')).toMatchObject({ kind: 'attested' });
  });

  it('retrying a run that failed dispatches again instead of following the dead run', () => {
    let state = through(
      { type: 'policySatisfied', contentHash: h },
      { type: 'attested' },
      { type: 'dispatched', runId: 1, runUrl: null, requestId: 'r' },
    );
    state = transition(state, { type: 'stepFailed', step: 'follow', reason: 'failure', transient: false }, 't');
    expect(transition(state, { type: 'retry', runConcluded: true }, 't').kind).toBe('attested');
    // Following failed for another reason (e.g. a revoked token): the same run is followed again.
    expect(transition(state, { type: 'retry', runConcluded: false }, 't').kind).toBe('dispatched');
  });

  it('reopens on a content change before dispatch only', () => {
    expect(
      transition(
        through({ type: 'policySatisfied', contentHash: h }, { type: 'attested' }),
        { type: 'contentChanged' },
        't',
      ),
    ).toEqual({ kind: 'open' });
    const dispatched = through(
      { type: 'policySatisfied', contentHash: h },
      { type: 'attested' },
      { type: 'dispatched', runId: 1, runUrl: null, requestId: 'r' },
    );
    expect(() => transition(dispatched, { type: 'contentChanged' }, 't')).toThrow(InvalidTransition);
  });
});

describe('mismatchesIn', () => {
  it('lists each app that the environment does not run as approved, naming the environment', () => {
    const approved = [
      { name: 'backend', fingerprint: fingerprint('b') },
      { name: 'frontend', fingerprint: fingerprint('f') },
    ];
    expect(mismatchesIn('prod', approved, approved)).toEqual([]);
    const mismatches = mismatchesIn('staging', approved, [{ name: 'backend', fingerprint: fingerprint('old') }]);
    expect(mismatches).toHaveLength(2);
    expect(mismatches[0]).toMatch(/^backend: staging runs [0-9a-f]{12}, approved [0-9a-f]{12}$/);
    expect(mismatches[1]).toContain('not running in staging');
  });
});
