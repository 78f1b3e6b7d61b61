/** The fake GitHub's own behaviour, where it goes beyond what the client exercises. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runDeployWorkflow } from '../../sandbox/world/deploy-workflow';
import { DEPLOY_WORKFLOW, type GitHubHarness, seedCommits, startGitHub, TOKEN } from './helpers';

let gh: GitHubHarness;
beforeEach(async () => {
  gh = await startGitHub();
});
afterEach(async () => gh.close());

async function get(path: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${gh.baseUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

const messageSchema = z.object({ message: z.string(), documentation_url: z.string() });

function deployInputs(commit: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    request_id: 'rq-fake-00000001',
    environment: 'prod',
    artifacts: JSON.stringify([{ app: 'backend', commit, fingerprint: 'f'.repeat(64) }]),
    kosli_environment: 'prod',
    ...overrides,
  };
}

describe('paging', () => {
  it('sends Link next/last on the first page and prev/first on the last, like GitHub', async () => {
    seedCommits(gh.world, 250);
    const first = await get('/repos/acme/shop/commits?per_page=100');
    const link = first.headers.get('link') ?? '';
    expect(link).toContain('page=2>; rel="next"');
    expect(link).toContain('page=3>; rel="last"');
    expect(z.array(z.unknown()).parse(await first.json())).toHaveLength(100);
    const last = await get('/repos/acme/shop/commits?per_page=100&page=3');
    expect(last.headers.get('link')).toMatch(/page=2>; rel="prev".*page=1>; rel="first"/);
    expect(z.array(z.unknown()).parse(await last.json())).toHaveLength(50);
  });

  it('caps per_page at 100 and defaults it to 30', async () => {
    seedCommits(gh.world, 150);
    expect(z.array(z.unknown()).parse(await (await get('/repos/acme/shop/commits?per_page=500')).json())).toHaveLength(
      100,
    );
    expect(z.array(z.unknown()).parse(await (await get('/repos/acme/shop/commits')).json())).toHaveLength(30);
  });

  it('returns the newest 250 commits of an unpaged compare, files on the first page only', async () => {
    const [base = '', ...rest] = seedCommits(gh.world, 301, (i) => [`apps/backend/f${i}.txt`]);
    const compareSchema = z.object({
      total_commits: z.number(),
      commits: z.array(z.object({ sha: z.string() })),
      files: z.array(z.unknown()).optional(),
    });
    const unpaged = compareSchema.parse(await (await get(`/repos/acme/shop/compare/${base}...${rest.at(-1)}`)).json());
    expect(unpaged.total_commits).toBe(300);
    expect(unpaged.commits.map((c) => c.sha)).toEqual(rest.slice(-250));
    expect(unpaged.files).toHaveLength(300);
    const second = compareSchema.parse(
      await (await get(`/repos/acme/shop/compare/${base}...${rest.at(-1)}?per_page=100&page=2`)).json(),
    );
    expect(second.files).toBeUndefined();
    expect(second.commits.map((c) => c.sha)).toEqual(rest.slice(100, 200));
  });
});

describe('errors like GitHub', () => {
  it('answers 401 Bad credentials to a wrong token and 401 to none', async () => {
    const wrong = await get('/repos/acme/shop', 'ghp_wrong');
    expect(wrong.status).toBe(401);
    expect(messageSchema.parse(await wrong.json()).message).toBe('Bad credentials');
    expect((await get('/repos/acme/shop', null)).status).toBe(401);
  });

  it('answers 404 Not Found with a documentation_url', async () => {
    const response = await get('/repos/acme/nope');
    expect(response.status).toBe(404);
    expect(messageSchema.parse(await response.json()).message).toBe('Not Found');
  });

  it('refuses a dispatch missing a required input, or with a choice outside its options', async () => {
    const [commit = ''] = seedCommits(gh.world, 1);
    const { artifacts: _omitted, ...missing } = deployInputs(commit);
    expect(gh.world.dispatch(DEPLOY_WORKFLOW, 'main', missing)).toMatchObject({
      ok: false,
      status: 422,
      message: "Required input 'artifacts' not provided",
    });
    expect(gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(commit, { environment: 'qa' }))).toMatchObject({
      ok: false,
      status: 422,
    });
    expect(gh.world.runs).toHaveLength(0);
  });

  it('applies declared defaults to the run inputs', async () => {
    const [commit = ''] = seedCommits(gh.world, 1);
    const outcome = gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(commit));
    expect(outcome.ok && outcome.run.inputs).toMatchObject({ tag_pattern: 'running-{env}-{app}', release_id: '' });
  });

  it('refuses a dispatch on a workflow without workflow_dispatch', async () => {
    seedCommits(gh.world, 1);
    gh.world.registerWorkflow('ci.yml', 'name: CI\non: push\njobs: {}\n');
    expect(gh.world.dispatch('ci.yml', 'main', {})).toMatchObject({ ok: false, status: 422 });
  });
});

describe('runs', () => {
  it('runs the deploy on settle: tags move to the requested commits, listeners hear about it', async () => {
    const [a = '', b = ''] = seedCommits(gh.world, 2);
    const completed: string[] = [];
    gh.world.onRunCompleted((run) => {
      completed.push(`${run.id}:${run.conclusion}`);
    });
    const outcome = gh.world.dispatch(DEPLOY_WORKFLOW, 'main', {
      ...deployInputs(a),
      environment: 'staging',
      artifacts: JSON.stringify([
        { app: 'backend', commit: a, fingerprint: 'f'.repeat(64) },
        { app: 'frontend', commit: b, fingerprint: 'e'.repeat(64) },
      ]),
    });
    const settled = await gh.world.settleRuns();
    expect(settled).toHaveLength(1);
    expect(gh.world.getRef('tags/running-staging-backend')).toBe(a);
    expect(gh.world.getRef('tags/running-staging-frontend')).toBe(b);
    expect(completed).toEqual([`${outcome.ok ? outcome.run.id : 0}:success`]);
  });

  it('fails the deploy, moving nothing, when an artifact is invalid or unknown', async () => {
    const [a = ''] = seedCommits(gh.world, 1);
    gh.world.dispatch(
      DEPLOY_WORKFLOW,
      'main',
      deployInputs(a, {
        artifacts: JSON.stringify([{ app: 'backend', commit: '0'.repeat(40), fingerprint: 'f'.repeat(64) }]),
      }),
    );
    gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(a, { artifacts: 'not json' }));
    const settled = await gh.world.settleRuns();
    expect(settled.map((run) => run.conclusion)).toEqual(['failure', 'failure']);
    expect(gh.world.getRef('tags/running-prod-backend')).toBeUndefined();
  });

  it('lets the sandbox plug in its own executor around the deploy workflow steps', async () => {
    const [a = ''] = seedCommits(gh.world, 1);
    const seen: string[] = [];
    gh.world.executor = async (run, world) => {
      seen.push(run.inputs.kosli_environment ?? '');
      return runDeployWorkflow(run, world);
    };
    gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(a));
    await gh.world.settleRuns();
    expect(seen).toEqual(['prod']);
    expect(gh.world.getRef('tags/running-prod-backend')).toBe(a);
  });

  it('settles runs by itself when settleAfterMs is set', async () => {
    const [a = ''] = seedCommits(gh.world, 1);
    gh.world.settleAfterMs = 20;
    const outcome = gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(a));
    const done = new Promise<void>((resolve) => gh.world.onRunCompleted(() => resolve()));
    await done;
    expect(outcome.ok && outcome.run.status).toBe('completed');
  });

  it('filters runs by created qualifiers', async () => {
    const [a = ''] = seedCommits(gh.world, 1);
    gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(a));
    const count = async (created: string) =>
      z
        .object({ total_count: z.number() })
        .parse(
          await (
            await get(
              `/repos/acme/shop/actions/workflows/${DEPLOY_WORKFLOW}/runs?created=${encodeURIComponent(created)}`,
            )
          ).json(),
        ).total_count;
    expect(await count('>=2000-01-01T00:00:00Z')).toBe(1);
    expect(await count('<2000-01-01T00:00:00Z')).toBe(0);
    expect(await count('2000-01-01T00:00:00Z..*')).toBe(1);
  });
});

describe('history', () => {
  it('gives deterministic shas for the same seed', () => {
    const again = startGitHub();
    return again.then(async (other) => {
      expect(seedCommits(other.world, 3)).toEqual(seedCommits(gh.world, 3));
      await other.close();
    });
  });

  it('lists commits reachable from a ref through merges, newest first', async () => {
    const [root = ''] = seedCommits(gh.world, 1);
    const side = gh.world.addCommit({
      message: 'side',
      files: ['apps/backend/s.txt'],
      parent: root,
      branch: 'feature',
    });
    const mainTip = gh.world.addCommit({ message: 'main', files: ['apps/frontend/m.txt'] });
    const merge = gh.world.addCommit({ message: 'Merge feature', files: [], parent: [mainTip, side] });
    const body = z
      .array(z.object({ sha: z.string() }))
      .parse(await (await get('/repos/acme/shop/commits?sha=main')).json());
    expect(body.map((c) => c.sha)).toEqual([merge, mainTip, side, root]);
    const backend = z
      .array(z.object({ sha: z.string() }))
      .parse(await (await get('/repos/acme/shop/commits?sha=main&path=apps/backend')).json());
    expect(backend.map((c) => c.sha)).toEqual([side, root]);
  });
});
