import { describe, expect, it } from 'vitest';
import { evaluateApprovals, jiraDecisions, requiredApprovers } from '../../src/release/approvals';
import type { ApprovalPolicy, JiraApprover } from '../../src/release/types';
import { aDecision, hash } from '../support/builders';

const current = hash('content-2');
const earlier = hash('content-1');

function policy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return {
    approvers: ['ann', 'bob'],
    includeJiraApprovers: false,
    rule: { kind: 'all' },
    noSelfApproval: false,
    ...overrides,
  };
}

const none = new Set<string>();

describe('evaluateApprovals', () => {
  it('is satisfied when all required approvers approved the current content', () => {
    const result = evaluateApprovals({
      policy: policy(),
      contentHash: current,
      decisions: [
        aDecision({ accountId: 'ann', contentHash: current }),
        aDecision({ accountId: 'bob', contentHash: current }),
      ],
      jiraApprovers: [],
      committers: none,
    });
    expect(result.satisfied).toBe(true);
    expect(result.outstanding).toEqual([]);
  });

  it('does not count a stale approval and says who is missing', () => {
    const result = evaluateApprovals({
      policy: policy(),
      contentHash: current,
      decisions: [
        aDecision({ accountId: 'ann', contentHash: current }),
        aDecision({ accountId: 'bob', contentHash: earlier }),
      ],
      jiraApprovers: [],
      committers: none,
    });
    expect(result.satisfied).toBe(false);
    expect(result.approvers.find((a) => a.accountId === 'bob')?.current).toBeNull();
    expect(result.outstanding.join(' ')).toContain('bob');
  });

  it('blocks on any valid decline, even with enough approvals', () => {
    const result = evaluateApprovals({
      policy: policy({ approvers: ['ann', 'bob', 'cat'], rule: { kind: 'atLeast', count: 2 } }),
      contentHash: current,
      decisions: [
        aDecision({ accountId: 'ann', contentHash: current }),
        aDecision({ accountId: 'bob', contentHash: current }),
        aDecision({ accountId: 'cat', contentHash: current, decision: 'declined', reason: 'broken login' }),
      ],
      jiraApprovers: [],
      committers: none,
    });
    expect(result.validApprovals).toBe(2);
    expect(result.satisfied).toBe(false);
    expect(result.outstanding.join(' ')).toContain('broken login');
  });

  it('lets the latest decision of an approver win', () => {
    const result = evaluateApprovals({
      policy: policy({ approvers: ['ann'] }),
      contentHash: current,
      decisions: [
        aDecision({
          accountId: 'ann',
          contentHash: current,
          decision: 'declined',
          reason: 'x',
          at: '2026-11-02T10:00:00Z',
        }),
        aDecision({ accountId: 'ann', contentHash: current, at: '2026-11-02T11:00:00Z' }),
      ],
      jiraApprovers: [],
      committers: none,
    });
    expect(result.satisfied).toBe(true);
  });

  it('counts at-least-N over listed and native Jira approvers', () => {
    const jira: JiraApprover[] = [{ accountId: 'po', status: 'APPROVED' }];
    const p = policy({ approvers: ['ann'], includeJiraApprovers: true, rule: { kind: 'atLeast', count: 1 } });
    expect(requiredApprovers(p, jira).map((a) => a.accountId)).toEqual(['ann', 'po']);
    const result = evaluateApprovals({
      policy: p,
      contentHash: current,
      decisions: [aDecision({ accountId: 'po', contentHash: current, source: 'jira' })],
      jiraApprovers: jira,
      committers: none,
    });
    expect(result.satisfied).toBe(true);
  });

  it('ignores approvals by committers when no-self-approval is on, but still honours their declines', () => {
    const p = policy({ approvers: ['ann', 'bob'], rule: { kind: 'atLeast', count: 1 }, noSelfApproval: true });
    const approvedBySelf = evaluateApprovals({
      policy: p,
      contentHash: current,
      decisions: [aDecision({ accountId: 'ann', contentHash: current })],
      jiraApprovers: [],
      committers: new Set(['ann']),
    });
    expect(approvedBySelf.satisfied).toBe(false);
    expect(approvedBySelf.approvers[0]?.ineligibleReason).toContain('no self-approval');
    const declinedBySelf = evaluateApprovals({
      policy: p,
      contentHash: current,
      decisions: [
        aDecision({ accountId: 'ann', contentHash: current, decision: 'declined', reason: 'no' }),
        aDecision({ accountId: 'bob', contentHash: current }),
      ],
      jiraApprovers: [],
      committers: new Set(['ann']),
    });
    expect(declinedBySelf.satisfied).toBe(false);
  });

  it('is never satisfied without approvers', () => {
    const result = evaluateApprovals({
      policy: policy({ approvers: [], includeJiraApprovers: true }),
      contentHash: current,
      decisions: [],
      jiraApprovers: [],
      committers: none,
    });
    expect(result.satisfied).toBe(false);
    expect(result.outstanding[0]).toContain('No approvers');
  });
});

describe('jiraDecisions', () => {
  it('records a change to APPROVED or DECLINED once, with the hash current when first seen', () => {
    const first = jiraDecisions(
      {},
      [
        { accountId: 'po', status: 'APPROVED' },
        { accountId: 'qa', status: 'PENDING' },
      ],
      earlier,
      't1',
    );
    expect(first.decisions).toEqual([
      { accountId: 'po', decision: 'approved', at: 't1', contentHash: earlier, source: 'jira' },
    ]);
    const again = jiraDecisions(
      first.seen,
      [
        { accountId: 'po', status: 'APPROVED' },
        { accountId: 'qa', status: 'PENDING' },
      ],
      current,
      't2',
    );
    expect(again.decisions).toEqual([]);
    const declined = jiraDecisions(
      again.seen,
      [{ accountId: 'po', status: 'DECLINED', declineReason: 'bug' }],
      current,
      't3',
    );
    expect(declined.decisions[0]).toMatchObject({ decision: 'declined', reason: 'bug', contentHash: current });
  });

  it('keeps a native approval made stale by new content stale until it changes in Jira', () => {
    const seen = jiraDecisions({}, [{ accountId: 'po', status: 'APPROVED' }], earlier, 't1');
    const later = jiraDecisions(seen.seen, [{ accountId: 'po', status: 'APPROVED' }], current, 't2');
    const result = evaluateApprovals({
      policy: policy({ approvers: [], includeJiraApprovers: true }),
      contentHash: current,
      decisions: [...seen.decisions, ...later.decisions],
      jiraApprovers: [{ accountId: 'po', status: 'APPROVED' }],
      committers: none,
    });
    expect(result.satisfied).toBe(false);
  });
});
