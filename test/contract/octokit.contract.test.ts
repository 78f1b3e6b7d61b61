/**
 * The fake GitHub driven by a client nobody here wrote: @octokit/rest. Every operation the app
 * calls, and the neighbours a user's script would call next to them (paging, the unpaged compare,
 * a branch ref), through octokit's own URL building and encoding — `git.getRef({ ref: 'tags/x' })`
 * sends `git/ref/tags%2Fx`, a literal path sends `git/ref/tags/x`, and GitHub serves both. Every
 * exchange is then checked against GitHub's OpenAPI description.
 */
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployInputs } from '../../src/github/deploy-inputs';
import {
  aDeployRequest,
  DEPLOY_WORKFLOW,
  type GitHubHarness,
  seedCommits,
  startGitHub,
  TOKEN,
} from '../github/helpers';
import { GitHubOpenApi } from '../github/openapi-contract';

const spec = GitHubOpenApi.load();
let gh: GitHubHarness;
let octokit: Octokit;
let shas: string[];
/** Octokit logs every 4xx; the errors here are on purpose. */
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const repo = () => ({ owner: gh.world.owner, repo: gh.world.repo });

async function status(promise: Promise<{ status: number }>): Promise<number> {
  try {
    return (await promise).status;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number')
      return error.status;
    throw error;
  }
}

beforeAll(async () => {
  gh = await startGitHub();
  shas = seedCommits(gh.world, 130, (i) => [i % 2 === 0 ? 'apps/backend/b.txt' : 'apps/frontend/f.txt']);
  octokit = new Octokit({ auth: TOKEN, baseUrl: gh.baseUrl, log: quiet });
});

afterAll(async () => gh.close());

describe('@octokit/rest against the fake GitHub', () => {
  it('dispatches the deploy workflow and follows its run', async () => {
    const { data: repository, headers } = await octokit.repos.get(repo());
    expect(repository.full_name).toBe(`${gh.world.owner}/${gh.world.repo}`);
    expect(headers['x-ratelimit-remaining']).toEqual(expect.any(String));
    expect((await octokit.actions.getWorkflow({ ...repo(), workflow_id: DEPLOY_WORKFLOW })).data.path).toBe(
      `.github/workflows/${DEPLOY_WORKFLOW}`,
    );

    const requestId = 'rq-octokit-0001';
    const inputs = buildDeployInputs(
      aDeployRequest({
        requestId,
        artifacts: [{ app: 'backend', commit: shas.at(-1) ?? '', fingerprint: 'f'.repeat(64) }],
      }),
    );
    const dispatched = await octokit.actions.createWorkflowDispatch({
      ...repo(),
      workflow_id: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs,
      return_run_details: true,
    });
    expect(dispatched.status).toBe(200);
    const plain = await octokit.actions.createWorkflowDispatch({
      ...repo(),
      workflow_id: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: { ...inputs, request_id: 'rq-octokit-0002' },
    });
    expect(plain.status).toBe(204);

    gh.world.runListingDelayMs = 0;
    const runs = await octokit.actions.listWorkflowRuns({
      ...repo(),
      workflow_id: DEPLOY_WORKFLOW,
      event: 'workflow_dispatch',
      created: `>=${new Date(Date.now() - 60_000).toISOString()}`,
      per_page: 100,
    });
    expect(runs.data.workflow_runs.map((run) => run.display_title)).toEqual(
      expect.arrayContaining([expect.stringContaining(requestId)]),
    );
    const runId = runs.data.workflow_runs[0]?.id ?? 0;
    await gh.world.settleRuns();
    expect((await octokit.actions.getWorkflowRun({ ...repo(), run_id: runId })).data.status).toBe('completed');
    expect(await status(octokit.actions.getWorkflowRun({ ...repo(), run_id: 1 }))).toBe(404);
    expect(
      await status(octokit.actions.createWorkflowDispatch({ ...repo(), workflow_id: 'missing.yml', ref: 'main' })),
    ).toBe(404);
  });

  it('walks commits by path with paging, and compares', async () => {
    const [first = '', second = ''] = shas;
    const head = shas.at(-1) ?? '';
    const listed = await octokit.paginate(octokit.repos.listCommits, {
      ...repo(),
      sha: head,
      path: 'apps/backend',
      per_page: 50,
    });
    expect(listed).toHaveLength(65);
    const since = await octokit.repos.listCommits({
      ...repo(),
      sha: head,
      since: gh.world.commits.get(second)?.date ?? '',
      per_page: 100,
    });
    expect(since.data.length).toBeGreaterThan(0);
    const compared = await octokit.repos.compareCommitsWithBasehead({
      ...repo(),
      basehead: `${first}...${head}`,
      per_page: 100,
    });
    expect(compared.data.ahead_by).toBe(129);
    expect(
      (await octokit.repos.compareCommitsWithBasehead({ ...repo(), basehead: `${first}...${head}` })).data.commits
        .length,
    ).toBe(129);
    expect(
      await status(octokit.repos.compareCommitsWithBasehead({ ...repo(), basehead: `${first}...${'0'.repeat(40)}` })),
    ).toBe(404);
  });

  it('reads, creates and moves tags with the ref encoded as one segment or as a path', async () => {
    const [first = '', second = ''] = shas;
    expect(await status(octokit.git.getRef({ ...repo(), ref: 'tags/running-qa-backend' }))).toBe(404);
    expect((await octokit.git.createRef({ ...repo(), ref: 'refs/tags/running-qa-backend', sha: first })).status).toBe(
      201,
    );
    expect(await status(octokit.git.createRef({ ...repo(), ref: 'refs/tags/running-qa-backend', sha: first }))).toBe(
      422,
    );

    // octokit encodes the ref: git/ref/tags%2Frunning-qa-backend.
    expect((await octokit.git.getRef({ ...repo(), ref: 'tags/running-qa-backend' })).data.object.sha).toBe(first);
    expect(
      (await octokit.git.updateRef({ ...repo(), ref: 'tags/running-qa-backend', sha: second, force: true })).data.object
        .sha,
    ).toBe(second);
    // A script that writes the path literally: git/ref/tags/running-qa-backend.
    expect(
      (await octokit.request('GET /repos/{owner}/{repo}/git/ref/tags/running-qa-backend', repo())).data.object.sha,
    ).toBe(second);
    expect(
      (
        await octokit.request('PATCH /repos/{owner}/{repo}/git/refs/tags/running-qa-backend', {
          ...repo(),
          sha: first,
          force: true,
        })
      ).status,
    ).toBe(200);
    expect((await octokit.git.getRef({ ...repo(), ref: 'heads/main' })).data.ref).toBe('refs/heads/main');

    const paths = gh.service.log.filter((entry) => entry.path.includes('/git/ref')).map((entry) => entry.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/git/ref/tags%2Frunning-qa-backend'),
        expect.stringContaining('/git/ref/tags/running-qa-backend'),
      ]),
    );
  });

  it("answers 401 and 404 in GitHub's shape, with documentation_url", async () => {
    const stranger = new Octokit({ auth: 'ghp_wrong', baseUrl: gh.baseUrl, log: quiet });
    expect(await status(stranger.repos.get(repo()))).toBe(401);
    const missing = await fetch(`${gh.baseUrl}/repos/${gh.world.owner}/${gh.world.repo}/no/such/route`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
  });

  it('every exchange octokit made conforms to the GitHub OpenAPI description', () => {
    const exchanges = gh.service.log.filter((entry) => !entry.path.includes('/no/such/route'));
    expect(exchanges.flatMap((entry) => spec.checkExchange(entry))).toEqual([]);
  });
});
