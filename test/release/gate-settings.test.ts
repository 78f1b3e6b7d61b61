import { describe, expect, it } from 'vitest';
import { defaultProjectConfig, validateProjectConfig } from '../../src/release/config';

describe('rollback and emergency settings', () => {
  it('are optional, so configurations saved before them stay valid (project policy, no emergency path)', () => {
    const config = defaultProjectConfig();
    config.approval.approvers = ['po1'];
    const result = validateProjectConfig(config);
    expect(result.ok && result.config.rollback).toBeUndefined();
    expect(result.ok && result.config.emergency).toBeUndefined();
  });

  it('accept a rollback policy of its own and a named emergency group', () => {
    const config = {
      ...defaultProjectConfig(),
      rollback: {
        approval: {
          approvers: ['po1'],
          includeJiraApprovers: false,
          rule: { kind: 'atLeast', count: 1 },
          noSelfApproval: false,
        },
        reasonRequired: true,
      },
      emergency: { enabled: true, groupName: ' Incident commanders ', approvers: ['oncall'] },
    };
    const result = validateProjectConfig(config);
    expect(result.ok).toBe(true);
    expect(result.ok && result.config.emergency?.groupName).toBe('Incident commanders');
  });

  it('refuse an enabled emergency path with nobody in it, and a rollback rule nobody can meet', () => {
    const result = validateProjectConfig({
      ...defaultProjectConfig(),
      rollback: {
        approval: {
          approvers: ['po1'],
          includeJiraApprovers: false,
          rule: { kind: 'atLeast', count: 2 },
          noSelfApproval: false,
        },
        reasonRequired: false,
      },
      emergency: { enabled: true, groupName: 'On call', approvers: [] },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toMatchObject({
      'emergency.approvers': expect.stringContaining('at least one'),
      'rollback.approval.rule.count': expect.stringContaining('More rollback approvals'),
    });
  });
});
