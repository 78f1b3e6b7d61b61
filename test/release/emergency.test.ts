import { describe, expect, it } from 'vitest';
import { evaluateApprovals } from '../../src/release/approvals';
import type { EmergencySettings } from '../../src/release/config';
import { emergencyRefusal, withEmergency, type EmergencyMark } from '../../src/release/emergency';
import { aDecision } from '../support/builders';

const HASH = 'a'.repeat(64);
const settings: EmergencySettings = { enabled: true, groupName: 'Incident commanders', approvers: ['oncall'] };
const mark: EmergencyMark = {
  accountId: 'oncall',
  reason: 'prod down',
  at: '2026-01-01T00:00:00.000Z',
  contentHash: HASH,
  groupName: 'Incident commanders',
};
const policy = {
  approvers: ['po1', 'po2'],
  includeJiraApprovers: false,
  rule: { kind: 'all' as const },
  noSelfApproval: false,
};

function evaluation(decisions = [aDecision({ accountId: 'po1', contentHash: HASH })]) {
  return evaluateApprovals({ policy, contentHash: HASH, decisions, jiraApprovers: [], committers: new Set() });
}

describe('emergencyRefusal', () => {
  it('is off by default, and open only to the group, with a reason, while the release is open', () => {
    expect(emergencyRefusal(undefined, 'oncall', 'why', 'open')).toContain('off');
    expect(emergencyRefusal({ ...settings, enabled: false }, 'oncall', 'why', 'open')).toContain('off');
    expect(emergencyRefusal(settings, 'po1', 'why', 'open')).toContain('Incident commanders');
    expect(emergencyRefusal(settings, 'oncall', '  ', 'open')).toContain('needs a reason');
    expect(emergencyRefusal(settings, 'oncall', 'why', 'dispatched')).toContain('decisions are closed');
    expect(emergencyRefusal(settings, 'oncall', 'why', 'open')).toBeNull();
  });
});

describe('withEmergency', () => {
  it('satisfies the policy with the one emergency approval of the current content', () => {
    expect(evaluation().satisfied).toBe(false);
    const result = withEmergency(evaluation(), settings, mark, HASH);
    expect(result.satisfied).toBe(true);
    expect(result.outstanding[0]).toContain('Emergency release');
  });

  it('does nothing for other content, a disabled path, or someone no longer in the group', () => {
    expect(withEmergency(evaluation(), settings, mark, 'b'.repeat(64)).satisfied).toBe(false);
    expect(withEmergency(evaluation(), { ...settings, enabled: false }, mark, HASH).satisfied).toBe(false);
    expect(withEmergency(evaluation(), { ...settings, approvers: ['other'] }, mark, HASH).satisfied).toBe(false);
    expect(withEmergency(evaluation(), settings, undefined, HASH).satisfied).toBe(false);
  });

  it('lets a valid decline still block', () => {
    const declined = evaluation([
      aDecision({ accountId: 'po2', decision: 'declined', reason: 'no', contentHash: HASH }),
    ]);
    expect(withEmergency(declined, settings, mark, HASH).satisfied).toBe(false);
  });
});
