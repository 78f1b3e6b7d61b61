/**
 * The compliance report through the real pipeline on the local Forge runtime, over the fake GitHub
 * (commits on main) and the fake Kosli (the source flow's jira and pull_request attestations).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { complianceCsv, parseCsv } from '../../src/release/compliance';
import { GITHUB_TOKEN, KOSLI_TOKEN, aConfig, startTestWorld, type TestWorld } from '../settings/support';

const SOURCE_FLOW = aConfig().kosli.sourceFlow;
const NOW = '2026-06-15T08:00:00.000Z';

const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({
      sha: z.string(),
      url: z.string().nullable(),
      date: z.string(),
      author: z.string(),
      pullRequests: z.array(z.string()),
      approvers: z.array(z.string()),
      issues: z.array(z.object({ key: z.string(), exists: z.boolean() })),
    }),
  ),
  totals: z.object({
    commits: z.number(),
    withoutPullRequest: z.number(),
    withoutIndependentApprover: z.number(),
    withoutJiraIssue: z.number(),
  }),
  truncated: z.boolean(),
});

interface CommitSpec {
  date: string;
  author?: string;
  /** The pull request that brought the commit to main, if Kosli has one. */
  pr?: { author: string; approvers: string[] };
  /** The Jira keys Kosli found for the commit, if it has a jira attestation. */
  jira?: { key: string; exists: boolean }[];
}

let world: TestWorld;

beforeEach(async () => {
  world = await startTestWorld({ now: NOW });
  world.kosli.world.createFlow(SOURCE_FLOW);
});

afterEach(async () => {
  const everything = JSON.stringify(world.responses);
  expect(everything).not.toContain(KOSLI_TOKEN);
  expect(everything).not.toContain(GITHUB_TOKEN);
  await world.close();
});

/** What the original CI did per commit to main: a source trail with its PR and Jira evidence. */
function commitToMain(spec: CommitSpec, index: number): string {
  const author = spec.author ?? 'Dev Eloper';
  const sha = world.github.world.addCommit({
    message: `Change ${index}`,
    files: [`apps/backend/file-${index}.txt`],
    author: { name: author, email: `${author.split(' ')[0]?.toLowerCase()}@example.com` },
    date: spec.date,
  });
  const kosli = world.kosli.world;
  kosli.beginTrail(SOURCE_FLOW, sha, { gitCommitInfo: { sha1: sha, author, timestamp: Date.parse(spec.date) / 1000 } });
  if (spec.pr) {
    kosli.attest(SOURCE_FLOW, sha, {
      type: 'pull_request',
      attestation_name: 'pull-request',
      pull_requests: [
        {
          url: `https://github.com/acme/shop/pull/${index + 1}`,
          author: spec.pr.author,
          approvers: spec.pr.approvers.map((username) => ({ username, state: 'APPROVED' })),
        },
      ],
    });
  }
  if (spec.jira) {
    kosli.attest(SOURCE_FLOW, sha, {
      type: 'jira',
      attestation_name: 'work-reference',
      jira_results: spec.jira.map((k) => ({ issue_id: k.key, issue_exists: k.exists })),
    });
  }
  return sha;
}

async function report(from: string, to: string) {
  const result = await world.invoke(world.people.developer, 'report/compliance', { from, to });
  if (!result.ok) throw new Error(`report/compliance failed: ${result.error.code} ${result.error.message}`);
  return reportSchema.parse(result.data);
}

const criteriaCalls = () => world.kosli.service.countWhere((e) => e.route.endsWith('/list_attestations_for_criteria'));
const commitPages = () => world.github.service.countWhere((e) => e.route === '/repos/{owner}/{repo}/commits');

describe('report/compliance', () => {
  it('reports an ordinary month: authors, approvers, issues and the totals auditors ask for', async () => {
    await world.configure();
    const specs: CommitSpec[] = [
      { date: '2026-03-31T23:59:59Z', author: 'Before Period', pr: { author: 'x', approvers: ['y'] } },
      {
        date: '2026-04-01T00:00:00Z',
        author: 'Ann',
        pr: { author: 'ann', approvers: ['bob'] },
        jira: [{ key: 'OPS-1', exists: true }],
      },
      {
        date: '2026-04-03T10:00:00Z',
        author: 'Bob',
        pr: { author: 'bob', approvers: ['bob'] },
        jira: [{ key: 'OPS-2', exists: true }],
      },
      { date: '2026-04-09T10:00:00Z', author: 'Cid', jira: [{ key: 'OPS-3', exists: true }] },
      { date: '2026-04-15T10:00:00Z', author: 'Dora', pr: { author: 'dora', approvers: ['ann', 'bob'] } },
      {
        date: '2026-04-22T10:00:00Z',
        author: 'Eve',
        pr: { author: 'eve', approvers: [] },
        jira: [{ key: 'NOPE-9', exists: false }],
      },
      { date: '2026-04-30T23:59:59Z', author: 'Fay' },
      { date: '2026-05-01T00:00:00Z', author: 'After Period', pr: { author: 'x', approvers: ['y'] } },
    ];
    const shas = specs.map(commitToMain);

    const result = await report('2026-04-01', '2026-05-01');

    expect(result).toMatchObject({
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-05-01T00:00:00.000Z',
      truncated: false,
    });
    expect(result.rows.map((r) => r.author)).toEqual(['Ann', 'Bob', 'Cid', 'Dora', 'Eve', 'Fay']);
    expect(result.rows[0]).toEqual({
      sha: shas[1],
      url: `https://github.com/acme/shop/commit/${shas[1]}`,
      date: '2026-04-01T00:00:00Z',
      author: 'Ann',
      pullRequests: ['https://github.com/acme/shop/pull/2'],
      approvers: ['bob'],
      issues: [{ key: 'OPS-1', exists: true }],
    });
    expect(result.rows[2]).toMatchObject({
      author: 'Cid',
      pullRequests: [],
      approvers: [],
      issues: [{ key: 'OPS-3', exists: true }],
    });
    expect(result.rows[3]).toMatchObject({ author: 'Dora', approvers: ['ann', 'bob'], issues: [] });
    expect(result.rows[4]).toMatchObject({ author: 'Eve', approvers: [], issues: [{ key: 'NOPE-9', exists: false }] });
    expect(result.rows[5]).toMatchObject({ author: 'Fay', pullRequests: [], approvers: [], issues: [] });
    expect(result.totals).toEqual({
      commits: 6,
      withoutPullRequest: 2, // Cid, Fay
      withoutIndependentApprover: 4, // Bob approved his own, Cid and Fay have no PR, Eve's PR has no approver
      withoutJiraIssue: 3, // Dora has no jira evidence, Eve's key does not exist, Fay has nothing
    });
    // Bulk lookups: one page of commits, one criteria call per attestation type.
    expect(commitPages()).toBe(1);
    expect(criteriaCalls()).toBe(2);

    // The CSV download of this table parses back to it.
    const [header, ...records] = parseCsv(complianceCsv(result.rows));
    expect(header).toEqual(['commit', 'date', 'commit-author', 'pr-approver', 'jira-issue']);
    expect(records).toEqual(
      result.rows.map((r) => [
        r.sha,
        r.date,
        r.author,
        r.approvers.join(' '),
        r.issues
          .filter((i) => i.exists)
          .map((i) => i.key)
          .join(' '),
      ]),
    );
  });

  it('reports an empty period without asking Kosli', async () => {
    await world.configure();
    commitToMain({ date: '2026-04-02T10:00:00Z', pr: { author: 'a', approvers: ['b'] } }, 0);
    const result = await report('2026-02-01', '2026-03-01');
    expect(result.rows).toEqual([]);
    expect(result.totals).toEqual({
      commits: 0,
      withoutPullRequest: 0,
      withoutIndependentApprover: 0,
      withoutJiraIssue: 0,
    });
    expect(criteriaCalls()).toBe(0);
  });

  it('reports 2,000 commits in bulk calls, never one call per commit', async () => {
    await world.configure();
    const start = Date.parse('2026-04-01T00:00:00Z');
    for (let i = 0; i < 2000; i++) {
      const date = new Date(start + i * 20 * 60_000).toISOString();
      commitToMain(
        {
          date,
          author: `Dev ${i % 7}`,
          ...(i % 10 === 0 ? {} : { pr: { author: `dev${i % 7}`, approvers: ['reviewer'] } }),
          ...(i % 4 === 0 ? {} : { jira: [{ key: `OPS-${i}`, exists: true }] }),
        },
        i,
      );
    }
    world.github.service.resetCounters();
    world.kosli.service.resetCounters();
    const githubBefore = commitPages();
    const kosliBefore = criteriaCalls();

    const started = Date.now();
    const result = await report('2026-04-01', '2026-05-01');
    const elapsed = Date.now() - started;

    const pages = commitPages() - githubBefore;
    const criteria = criteriaCalls() - kosliBefore;
    const kosliTotal = world.kosli.service.requestCount;
    process.stdout.write(
      `compliance report, 2,000 commits: ${pages} GitHub commit pages, ${criteria} Kosli bulk calls (${kosliTotal} Kosli requests in all), ${elapsed} ms\n`,
    );
    expect(result.rows).toHaveLength(2000);
    expect(result.truncated).toBe(false);
    expect(result.totals).toEqual({
      commits: 2000,
      withoutPullRequest: 200,
      withoutIndependentApprover: 200,
      withoutJiraIssue: 500,
    });
    expect(pages).toBe(20);
    expect(criteria).toBe(40);
    expect(kosliTotal).toBe(41); // plus the one source-flow existence check
    expect(elapsed).toBeLessThan(20_000); // Forge stops a resolver at 25 s
  });

  it('says which setting to fill in when the project is not configured', async () => {
    const result = await world.invoke(world.people.developer, 'report/compliance', {
      from: '2026-04-01',
      to: '2026-05-01',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NOT_CONFIGURED', message: expect.stringContaining('fill in "Source flow"') },
    });
  });

  it('says when the source flow does not exist in Kosli', async () => {
    await world.configure(aConfig({ kosli: { sourceFlow: 'no-such-flow' } }));
    commitToMain({ date: '2026-04-02T10:00:00Z' }, 0);
    const result = await world.invoke(world.people.developer, 'report/compliance', {
      from: '2026-04-01',
      to: '2026-05-01',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'NOT_CONFIGURED',
        message: expect.stringContaining(`source flow 'no-such-flow' does not exist in Kosli org 'acme'`),
      },
    });
  });

  it.each([
    ['an end before the start', '2026-05-01', '2026-04-01', /ends \(2026-04-01\) before it starts/],
    ['a period longer than a year', '2025-01-01', '2026-06-01', /longer than a year/],
    ['an end in the future', '2026-06-01', '2026-07-01', /ends in the future/],
    ['a date that is not one', 'last month', '2026-05-01', /not a date/],
  ])('refuses %s before calling anyone', async (_case, from, to, message) => {
    await world.configure();
    world.github.service.resetCounters();
    const result = await world.invoke(world.people.developer, 'report/compliance', { from, to });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) },
    });
    expect(world.github.service.requestCount).toBe(0);
  });

  it('refuses a payload without both dates', async () => {
    const result = await world.invoke(world.people.developer, 'report/compliance', { from: '2026-04-01' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
