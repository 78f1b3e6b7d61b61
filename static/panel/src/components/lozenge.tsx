import type { ReactNode } from 'react';
import type { DecisionKind, IssueView, ReleaseState, TrailCompliance } from '../../../../src/contract';

/** Jira's lozenge appearances. */
export type Appearance = 'default' | 'success' | 'inprogress' | 'removed' | 'moved' | 'new';

export function Lozenge({ appearance = 'default', children }: { appearance?: Appearance; children: ReactNode }) {
  return <span className={`lozenge lozenge-${appearance}`}>{children}</span>;
}

/** A release's state, where a valid decline of an open release shows as its own state. */
export type ShownReleaseState = ReleaseState | 'declined';

const RELEASE_STATES: Record<ShownReleaseState, Appearance> = {
  open: 'default',
  declined: 'removed',
  approved: 'new',
  deploying: 'inprogress',
  released: 'success',
  failed: 'removed',
};

export function ReleaseStateLozenge({ state }: { state: ShownReleaseState }) {
  return <Lozenge appearance={RELEASE_STATES[state]}>{state}</Lozenge>;
}

const STATUS_CATEGORIES: Record<IssueView['statusCategory'], Appearance> = {
  new: 'default',
  indeterminate: 'inprogress',
  done: 'success',
  unknown: 'default',
};

export function StatusLozenge({ status, category }: { status: string; category: IssueView['statusCategory'] }) {
  return <Lozenge appearance={STATUS_CATEGORIES[category]}>{status}</Lozenge>;
}

const COMPLIANCE: Record<TrailCompliance, { appearance: Appearance; label: string }> = {
  COMPLIANT: { appearance: 'success', label: 'Compliant' },
  'NON-COMPLIANT': { appearance: 'removed', label: 'Non-compliant' },
  INCOMPLETE: { appearance: 'moved', label: 'Incomplete' },
  UNKNOWN: { appearance: 'default', label: 'Unknown' },
};

export function ComplianceLozenge({ compliance }: { compliance: TrailCompliance }) {
  const { appearance, label } = COMPLIANCE[compliance];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

export function DecisionLozenge({ decision }: { decision: DecisionKind | null }) {
  if (decision === 'approved') return <Lozenge appearance="success">Approved</Lozenge>;
  if (decision === 'declined') return <Lozenge appearance="removed">Declined</Lozenge>;
  return <Lozenge>Waiting</Lozenge>;
}
