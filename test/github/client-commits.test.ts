import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls, type GitHubHarness, seedCommits, startGitHub } from './helpers';

const LIST_COMMITS = 'GET /repos/{owner}/{repo}/commits';
const COMPARE = 'GET /repos/{owner}/{repo}/compare/{basehead}';

let gh: GitHubHarness;
beforeEach(async () => {
  gh = await startGitHub();
});
afterEach(async () => gh.close());

describe('commitsTouchingPath', () => {
  it('pages 250 commits with ⌈250/100⌉ requests, stops at base (exclusive) and returns oldest first', async () => {
    const [base = '', ...rest] = seedCommits(gh.world, 251);
    const head = rest.at(-1) ?? '';
    const result = await gh
      .client()
      .commitsTouchingPath({ head, base, path: 'apps/backend', since: null, limit: 1000 });
    expect(result.baseFound).toBe(true);
    expect(result.truncated).toBe(false);
    expect(result.commits.map((commit) => commit.sha)).toEqual(rest);
    expect(calls(gh, LIST_COMMITS)).toHaveLength(Math.ceil(250 / 100));
    const pages = calls(gh, LIST_COMMITS).map((entry) => new URLSearchParams(entry.query));
    expect(pages.map((query) => query.get('page'))).toEqual(['1', '2', '3']);
    expect(pages[0]?.get('path')).toBe('apps/backend');
    expect(pages[0]?.get('sha')).toBe(head);
    expect(pages[0]?.get('per_page')).toBe('100');
  });

  it('maps each commit to sha, title, author, e-mail, ISO date and link', async () => {
    const sha = gh.world.addCommit({
      message: 'OPS-7 Fix the counter\n\nLonger explanation',
      files: ['apps/backend/content.txt'],
      author: { name: 'Ada', email: 'ada@example.com' },
      date: '2025-03-01T10:00:00Z',
    });
    const { commits } = await gh
      .client()
      .commitsTouchingPath({ head: sha, base: null, path: 'apps/backend', since: null, limit: 10 });
    expect(commits).toEqual([
      {
        sha,
        title: 'OPS-7 Fix the counter',
        author: 'Ada',
        authorEmail: 'ada@example.com',
        date: '2025-03-01T10:00:00Z',
        url: `https://github.com/acme/shop/commit/${sha}`,
      },
    ]);
  });

  it('keeps only commits touching the path', async () => {
    const shas = seedCommits(gh.world, 6, (i) => (i % 2 === 0 ? ['apps/backend/a.txt'] : ['apps/frontend/b.txt']));
    const { commits } = await gh.client().commitsTouchingPath({
      head: shas.at(-1) ?? '',
      base: shas[0] ?? '',
      path: 'apps/backend',
      since: null,
      limit: 100,
    });
    expect(commits.map((commit) => commit.sha)).toEqual([shas[2], shas[4]]);
  });

  it('cuts at the limit and says so', async () => {
    const shas = seedCommits(gh.world, 30);
    const result = await gh
      .client()
      .commitsTouchingPath({ head: shas.at(-1) ?? '', base: null, path: 'apps/backend', since: null, limit: 10 });
    expect(result.truncated).toBe(true);
    expect(result.baseFound).toBe(false);
    expect(result.commits.map((commit) => commit.sha)).toEqual(shas.slice(20));
  });

  it('is not truncated when the limit falls exactly on the base', async () => {
    const shas = seedCommits(gh.world, 11);
    const result = await gh.client().commitsTouchingPath({
      head: shas.at(-1) ?? '',
      base: shas[0] ?? '',
      path: 'apps/backend',
      since: null,
      limit: 10,
    });
    expect(result).toMatchObject({ truncated: false, baseFound: true });
    expect(result.commits).toHaveLength(10);
  });

  it('when base does not touch the path, cuts the walk to base..head so base’s history is not counted', async () => {
    const older = seedCommits(gh.world, 3, () => ['apps/backend/a.txt']);
    const base = gh.world.addCommit({ message: 'frontend only', files: ['apps/frontend/b.txt'] });
    const newer = seedCommits(gh.world, 2, () => ['apps/backend/a.txt']);
    const result = await gh
      .client()
      .commitsTouchingPath({ head: newer.at(-1) ?? '', base, path: 'apps/backend', since: null, limit: 100 });
    expect(result.baseFound).toBe(false);
    expect(result.commits.map((commit) => commit.sha)).toEqual(newer);
    expect(result.commits.map((commit) => commit.sha)).not.toContain(older[0]);
    expect(calls(gh, COMPARE)).toHaveLength(1);
  });

  it('passes since through as whole seconds', async () => {
    const shas = seedCommits(gh.world, 5);
    const since = gh.world.commits.get(shas[3] ?? '')?.date ?? '';
    const { commits } = await gh
      .client()
      .commitsTouchingPath({ head: shas.at(-1) ?? '', base: null, path: 'apps/backend', since, limit: 100 });
    expect(commits.map((commit) => commit.sha)).toEqual(shas.slice(3));
    expect(new URLSearchParams(calls(gh, LIST_COMMITS)[0]?.query).get('since')).toMatch(/:00Z$/);
  });

  it('names the missing commit on 404', async () => {
    seedCommits(gh.world, 1);
    await expect(
      gh.client().commitsTouchingPath({ head: 'f'.repeat(40), base: null, path: 'apps', since: null, limit: 1 }),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_NOT_FOUND',
      message: `GitHub commit or branch '${'f'.repeat(40)}' not found in acme/shop.`,
    });
  });
});

describe('commitsInPeriod', () => {
  it('returns the commits in [since, until), oldest first, across pages', async () => {
    const shas = seedCommits(gh.world, 150, (i) => [`apps/${i % 2 ? 'frontend' : 'backend'}/x.txt`]);
    const date = (i: number) => gh.world.commits.get(shas[i] ?? '')?.date ?? '';
    const result = await gh.client().commitsInPeriod({ ref: 'main', since: date(10), until: date(130), limit: 1000 });
    expect(result.truncated).toBe(false);
    expect(result.commits.map((commit) => commit.sha)).toEqual(shas.slice(10, 130));
    const query = new URLSearchParams(calls(gh, LIST_COMMITS)[0]?.query);
    expect(query.has('path')).toBe(false);
    expect(query.get('sha')).toBe('main');
  });

  it('cuts at the limit', async () => {
    seedCommits(gh.world, 20);
    const result = await gh
      .client()
      .commitsInPeriod({ ref: 'main', since: '2020-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z', limit: 5 });
    expect(result.truncated).toBe(true);
    expect(result.commits).toHaveLength(5);
  });
});

describe('compare', () => {
  it('reads all 250 commits of a comparison with ⌈250/100⌉ paged requests, oldest first', async () => {
    const [base = '', ...rest] = seedCommits(gh.world, 251);
    const result = await gh.client().compare(base, rest.at(-1) ?? '');
    expect(result).toMatchObject({ status: 'ahead', aheadBy: 250, behindBy: 0 });
    expect(result.commits.map((commit) => commit.sha)).toEqual(rest);
    const requests = calls(gh, COMPARE);
    expect(requests).toHaveLength(Math.ceil(250 / 100));
    expect(requests.map((entry) => new URLSearchParams(entry.query).get('page'))).toEqual(['1', '2', '3']);
    expect(requests[0]?.path).toBe(`/repos/acme/shop/compare/${base}...${rest.at(-1)}`);
  });

  it('reads more than the 250 an unpaged compare would return', async () => {
    const [base = '', ...rest] = seedCommits(gh.world, 301);
    const result = await gh.client().compare(base, rest.at(-1) ?? '');
    expect(result.commits).toHaveLength(300);
    expect(calls(gh, COMPARE)).toHaveLength(3);
  });

  it('reports identical, behind and diverged', async () => {
    const [a = '', b = ''] = seedCommits(gh.world, 2);
    const side = gh.world.addCommit({ message: 'side', files: ['x'], parent: a, branch: 'side' });
    const client = gh.client();
    expect(await client.compare(b, b)).toMatchObject({ status: 'identical', aheadBy: 0, behindBy: 0, commits: [] });
    expect(await client.compare(b, a)).toMatchObject({ status: 'behind', aheadBy: 0, behindBy: 1 });
    const diverged = await client.compare(b, side);
    expect(diverged).toMatchObject({ status: 'diverged', aheadBy: 1, behindBy: 1 });
    expect(diverged.commits.map((commit) => commit.sha)).toEqual([side]);
  });

  it('says what is missing on 404', async () => {
    const [a = ''] = seedCommits(gh.world, 1);
    await expect(gh.client().compare(a, '0'.repeat(40))).rejects.toMatchObject({
      code: 'UPSTREAM_NOT_FOUND',
      message: expect.stringContaining('cannot compare'),
    });
  });
});
