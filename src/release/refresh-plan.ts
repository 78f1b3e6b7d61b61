/**
 * What a refresh of the candidate must do, decided from plain data before anything is written:
 * answer from what is stored, compose, or (once composed) record a change, rewrite only the choice
 * of apps, do nothing, or refuse because the approved content is already shipping.
 */
import type { AppRange } from './candidate';
import { canReopen } from './deploy-state';
import type { HeldBackApp } from './partial';
import type { DeployState } from './types';

/** The apps chosen for a partial release, and by whom; null: every app that differs. */
export type Selection = { apps: string[]; by: string } | null;

/** What the app recorded of the open candidate (a release record has these fields). */
export interface RecordedCandidate {
  candidate: {
    contentHash: string;
    apps: { name: string; to: { fingerprint: string }; from: { fingerprint: string } | null }[];
    heldBack?: HeldBackApp[];
  };
  selection?: Selection;
  setup: { trail: boolean; prodSoftware: boolean; links: boolean };
  stagingRecordedHash: string | null;
  fixVersions: { pending: number };
  deploy: DeployState;
  pendingDispatch: unknown;
  composing?: unknown;
}

/** Staging and prod run exactly the artifacts the record was composed from. */
export function sameArtifacts(recorded: RecordedCandidate, ranges: readonly AppRange[]): boolean {
  const apps = recorded.candidate.apps;
  return (
    apps.length === ranges.length &&
    ranges.every((range) => {
      const app = apps.find((a) => a.name === range.app.name);
      return (
        app !== undefined &&
        app.to.fingerprint === range.to.fingerprint &&
        (app.from?.fingerprint ?? null) === (range.from?.fingerprint ?? null)
      );
    })
  );
}

/** Nothing is left to do for the recorded content: set up, staging-software recorded, every fix version written. */
export function settled(recorded: RecordedCandidate): boolean {
  const setUp = recorded.setup.trail && recorded.setup.prodSoftware && recorded.setup.links;
  return setUp && recorded.stagingRecordedHash === recorded.candidate.contentHash && recorded.fixVersions.pending === 0;
}

/** Which apps are held back, and who chose, is part of what the page says, though not of what ships. */
export function sameChoice(
  recorded: RecordedCandidate,
  heldBack: readonly HeldBackApp[],
  selection: Selection,
): boolean {
  return (
    JSON.stringify([recorded.candidate.heldBack ?? [], recorded.selection ?? null]) ===
    JSON.stringify([heldBack, selection])
  );
}

/**
 * Before composing: a candidate whose artifacts and choice are what runs now, with nothing left to
 * write, is answered from storage (2 snapshot reads in all); one being composed is left to that.
 */
export function planRefresh(
  recorded: RecordedCandidate | undefined,
  chosen: { ranges: readonly AppRange[]; heldBack: readonly HeldBackApp[] },
  selection: Selection,
): 'answer-stored' | 'composing' | 'compose' {
  if (!recorded) return 'compose';
  if (recorded.composing) return 'composing';
  if (settled(recorded) && sameArtifacts(recorded, chosen.ranges) && sameChoice(recorded, chosen.heldBack, selection))
    return 'answer-stored';
  return 'compose';
}

export type ContentStep =
  /** Same content, same choice, nothing left to write. */
  | { kind: 'nothing' }
  /** The content changed while a dispatch may have started a run: it cannot change now. */
  | { kind: 'refused' }
  /** New content: recorded, and earlier approvals become stale. */
  | { kind: 'change' }
  /** Same content: only the choice of apps (or a finished composition's mark) is written, then what is left. */
  | { kind: 'finish' };

/** Once composed: what to do with the content composed against what is recorded. */
export function planContent(
  recorded: RecordedCandidate,
  composed: { contentHash: string; heldBack: readonly HeldBackApp[]; selection: Selection },
): ContentStep {
  const changed = recorded.candidate.contentHash !== composed.contentHash;
  if (!changed) {
    const nothing =
      !recorded.composing && settled(recorded) && sameChoice(recorded, composed.heldBack, composed.selection);
    return nothing ? { kind: 'nothing' } : { kind: 'finish' };
  }
  return mayChangeContent(recorded) ? { kind: 'change' } : { kind: 'refused' };
}

/** Content may change until it ships: a dispatch that may have started a run is settled first. */
export function mayChangeContent(recorded: Pick<RecordedCandidate, 'deploy' | 'pendingDispatch'>): boolean {
  return canReopen(recorded.deploy) && recorded.pendingDispatch === null;
}
