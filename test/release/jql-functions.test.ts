import { describe, expect, it } from 'vitest';
import { answerJql, MAX_KEYS, type GateRecord } from '../../src/release/jql-functions';

const released: GateRecord = {
  projectKey: 'OPS',
  issueKeys: ['OPS-1', 'OPS-2'],
  deploy: { kind: 'released', contentHash: 'h1', at: 't', runId: 1, runUrl: null, releaseDate: '2026-03-01' },
  released: true,
  inStaging: true,
};
const candidate: GateRecord = {
  projectKey: 'OPS',
  issueKeys: ['OPS-3'],
  deploy: { kind: 'open' },
  released: false,
  inStaging: true,
};
const other: GateRecord = {
  projectKey: 'WEB',
  issueKeys: ['WEB-7'],
  deploy: { kind: 'open' },
  released: false,
  inStaging: false,
};
const records = [released, candidate, other];

const clause = (functionName: string, args: string[], operator = 'in') => ({ functionName, operator, arguments: args });

describe('runningIn()', () => {
  it('prod holds the released issues; staging holds those and the candidate Kosli saw in staging', () => {
    expect(answerJql(clause('runningIn', ['prod']), records)).toEqual({ jql: 'key in (OPS-1, OPS-2)' });
    expect(answerJql(clause('runningIn', ['production']), records)).toEqual({ jql: 'key in (OPS-1, OPS-2)' });
    expect(answerJql(clause('runningIn', ['Staging']), records)).toEqual({ jql: 'key in (OPS-1, OPS-2, OPS-3)' });
    expect(answerJql(clause('runningIn', ['staging'], 'not in'), records)).toEqual({
      jql: 'key not in (OPS-1, OPS-2, OPS-3)',
    });
  });

  it('narrows to a project, and answers an empty set with a clause that names no issue', () => {
    expect(answerJql(clause('runningIn', ['prod', 'web']), records)).toEqual({ jql: 'created < "1970/01/01"' });
    expect(answerJql(clause('runningIn', ['prod', 'WEB'], 'not in'), records)).toEqual({
      jql: 'created >= "1970/01/01"',
    });
  });

  it('refuses an unknown environment, dev, and extra arguments with a sentence', () => {
    expect(answerJql(clause('runningIn', ['qa']), records)).toEqual({
      error: expect.stringContaining('unknown environment. Use one of "staging", "prod"'),
    });
    expect(answerJql(clause('runningIn', ['dev']), records)).toEqual({
      error: expect.stringContaining('dev is not tracked'),
    });
    expect(answerJql(clause('runningIn', ['prod', 'OPS', 'x']), records)).toEqual({
      error: 'runningIn() takes at most 2 arguments.',
    });
    expect(answerJql(clause('runningIn', ['prod'], '='), records)).toEqual({
      error: expect.stringContaining('works with "in" and "not in"'),
    });
  });

  it('refuses a set too large to list rather than sending Jira a broken query', () => {
    const huge: GateRecord = { ...released, issueKeys: Array.from({ length: MAX_KEYS + 1 }, (_, i) => `OPS-${i + 1}`) };
    expect(answerJql(clause('runningIn', ['prod']), [huge])).toEqual({
      error: expect.stringContaining('add the project key'),
    });
  });
});

describe('releaseGate()', () => {
  it('answers each gate state from the deploy state', () => {
    expect(answerJql(clause('releaseGate', ['awaiting-approval']), records)).toEqual({ jql: 'key in (OPS-3, WEB-7)' });
    expect(answerJql(clause('releaseGate', ['awaiting-approval', 'OPS']), records)).toEqual({ jql: 'key in (OPS-3)' });
    expect(answerJql(clause('releaseGate', ['released']), records)).toEqual({ jql: 'key in (OPS-1, OPS-2)' });
    expect(answerJql(clause('releaseGate', ['deploying']), records)).toEqual({ jql: 'created < "1970/01/01"' });
  });

  it('refuses an unknown state and an unknown function', () => {
    expect(answerJql(clause('releaseGate', ['pending']), records)).toEqual({
      error: expect.stringContaining('Use one of "awaiting-approval", "approved", "deploying", "failed", "released"'),
    });
    expect(answerJql(clause('releaseGate', []), records)).toEqual({
      error: expect.stringContaining('releaseGate(""): unknown state'),
    });
    expect(answerJql(clause('shippedIn', ['prod']), records)).toEqual({
      error: expect.stringContaining('Unknown function shippedIn()'),
    });
  });
});
