/**
 * The deploy state machine of one release:
 *   open → approved(hash) → attested → dispatched(run) → deployed → verified → released,
 * plus failed(step, reason) from any step. Each transition is a pure function of the state and what
 * a step observed; the worker persists the result before running the next step, so a crash resumes
 * from the recorded step and never repeats one that completed.
 */
import type { DeployState, DeployStep } from './types';

export type DeployEvent =
  | { type: 'policySatisfied'; contentHash: string }
  | { type: 'attested' }
  | { type: 'dispatched'; runId: number; runUrl: string | null; requestId: string }
  | { type: 'runSucceeded' }
  | { type: 'verified' }
  | { type: 'released'; releaseDate: string }
  | { type: 'stepFailed'; step: DeployStep; reason: string; transient: boolean }
  /** The candidate's content changed: approvals are stale, the release is open again (only before dispatch). */
  | { type: 'contentChanged' }
  /** A person asks to retry a failed step; `runConcluded` says whether the followed run ended unsuccessfully. */
  | { type: 'retry'; runConcluded: boolean };

/** After this many transient failures in a row, a step waits for a person. */
export const MAX_TRANSIENT_ATTEMPTS = 6;

export class InvalidTransition extends Error {
  constructor(state: DeployState, event: DeployEvent) {
    super(`Deploy event '${event.type}' is not valid in state '${state.kind}'`);
    this.name = 'InvalidTransition';
  }
}

type Live = Exclude<DeployState, { kind: 'failed' }>;

function live(state: DeployState): Live {
  return state.kind === 'failed' ? state.from : state;
}

export function transition(state: DeployState, event: DeployEvent, at: string): DeployState {
  const current = live(state);
  switch (event.type) {
    case 'policySatisfied':
      if (state.kind !== 'open') throw new InvalidTransition(state, event);
      return { kind: 'approved', contentHash: event.contentHash, at };
    case 'attested':
      if (current.kind !== 'approved') throw new InvalidTransition(state, event);
      return { kind: 'attested', contentHash: current.contentHash, at };
    case 'dispatched':
      if (current.kind !== 'attested') throw new InvalidTransition(state, event);
      return {
        kind: 'dispatched',
        contentHash: current.contentHash,
        at,
        runId: event.runId,
        runUrl: event.runUrl,
        requestId: event.requestId,
      };
    case 'runSucceeded':
      if (current.kind !== 'dispatched') throw new InvalidTransition(state, event);
      return { kind: 'deployed', contentHash: current.contentHash, at, runId: current.runId, runUrl: current.runUrl };
    case 'verified':
      if (current.kind !== 'deployed') throw new InvalidTransition(state, event);
      return { kind: 'verified', contentHash: current.contentHash, at, runId: current.runId, runUrl: current.runUrl };
    case 'released':
      if (current.kind !== 'verified') throw new InvalidTransition(state, event);
      return { ...current, kind: 'released', at, releaseDate: event.releaseDate };
    case 'stepFailed': {
      if (current.kind === 'open' || current.kind === 'released') throw new InvalidTransition(state, event);
      const attempts = state.kind === 'failed' && state.step === event.step ? state.attempts + 1 : 1;
      return {
        kind: 'failed',
        step: event.step,
        from: current,
        reason: event.reason,
        transient: event.transient && attempts < MAX_TRANSIENT_ATTEMPTS,
        attempts,
        at,
      };
    }
    case 'contentChanged':
      if (!canReopen(state)) throw new InvalidTransition(state, event);
      return { kind: 'open' };
    case 'retry':
      if (state.kind !== 'failed') throw new InvalidTransition(state, event);
      // A run that concluded unsuccessfully is finished: retrying means a new dispatch, not following
      // it again. A follow that failed for any other reason (a revoked token) follows the same run.
      if (state.step === 'follow' && event.runConcluded && state.from.kind === 'dispatched') {
        return { kind: 'attested', contentHash: state.from.contentHash, at };
      }
      return state.from;
  }
}

/** Before dispatch the content is not shipped yet: a content change sends the release back to open. */
export function canReopen(state: DeployState): boolean {
  const current = live(state);
  return current.kind === 'open' || current.kind === 'approved' || current.kind === 'attested';
}

/** The step the worker runs next, or null when there is nothing to do without a person or new approvals. */
export function nextStep(state: DeployState): DeployStep | null {
  if (state.kind === 'failed') return state.transient ? stepOf(state.from) : null;
  return stepOf(state);
}

function stepOf(state: Live): DeployStep | null {
  switch (state.kind) {
    case 'approved':
      return 'attest';
    case 'attested':
      return 'dispatch';
    case 'dispatched':
      return 'follow';
    case 'deployed':
      return 'verify';
    case 'verified':
      return 'release';
    case 'open':
    case 'released':
      return null;
  }
}

export type ReleaseStateName = 'open' | 'approved' | 'deploying' | 'released' | 'failed';

export function releaseStateName(state: DeployState): ReleaseStateName {
  switch (state.kind) {
    case 'open':
      return 'open';
    case 'approved':
      return 'approved';
    case 'released':
      return 'released';
    case 'failed':
      return 'failed';
    default:
      return 'deploying';
  }
}

/** Pending run, once dispatched. */
export function dispatchedRun(state: DeployState): { runId: number; runUrl: string | null } | null {
  const current = live(state);
  return 'runId' in current ? { runId: current.runId, runUrl: current.runUrl } : null;
}

/**
 * Compares what an environment runs with what was approved; returns mismatches that name the
 * environment (empty = match), e.g. "backend: staging runs 1a2b…, approved 3c4d…".
 */
export function mismatchesIn(
  environment: string,
  approved: readonly { name: string; fingerprint: string }[],
  runningNow: readonly { name: string; fingerprint: string }[],
): string[] {
  const running = new Map(runningNow.map((artifact) => [artifact.name, artifact.fingerprint]));
  return approved.flatMap(({ name, fingerprint }) => {
    const actual = running.get(name);
    if (actual === undefined) return [`${name}: not running in ${environment} (approved ${fingerprint.slice(0, 12)})`];
    if (actual !== fingerprint)
      return [`${name}: ${environment} runs ${actual.slice(0, 12)}, approved ${fingerprint.slice(0, 12)}`];
    return [];
  });
}
