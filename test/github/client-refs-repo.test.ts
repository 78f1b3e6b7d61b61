import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client';
import { calls, DEPLOY_WORKFLOW, type GitHubHarness, seedCommits, startGitHub, TOKEN } from './helpers';

const GET_REF = 'GET /repos/{owner}/{repo}/git/ref/tags/{name}';
const UPDATE_REF = 'PATCH /repos/{owner}/{repo}/git/refs/tags/{name}';
const CREATE_REF = 'POST /repos/{owner}/{repo}/git/refs';

let gh: GitHubHarness;
let first: string;
let second: string;

beforeEach(async () => {
  gh = await startGitHub();
  [first = '', second = ''] = seedCommits(gh.world, 2);
});
afterEach(async () => gh.close());

function body(entry: { requestBody: Buffer } | undefined): unknown {
  return JSON.parse(entry?.requestBody.toString() ?? 'null');
}

describe('tags', () => {
  it('reads a tag, or null when there is none', async () => {
    gh.world.setRef('tags/running-prod-backend', first);
    expect(await gh.client().getTag('running-prod-backend')).toBe(first);
    expect(await gh.client().getTag('running-prod-frontend')).toBeNull();
  });

  it('creates a missing tag with POST git/refs and a fully qualified ref', async () => {
    await gh.client().setTag('running-staging-backend', first);
    expect(gh.world.getRef('tags/running-staging-backend')).toBe(first);
    expect(calls(gh, UPDATE_REF)).toHaveLength(0);
    expect(body(calls(gh, CREATE_REF)[0])).toEqual({ ref: 'refs/tags/running-staging-backend', sha: first });
    expect(calls(gh, CREATE_REF)[0]?.status).toBe(201);
  });

  it('moves an existing tag with PATCH and force as a JSON boolean, even backwards', async () => {
    gh.world.setRef('tags/running-prod-backend', second);
    await gh.client().setTag('running-prod-backend', first);
    expect(gh.world.getRef('tags/running-prod-backend')).toBe(first);
    const [patch] = calls(gh, UPDATE_REF);
    expect(patch?.requestBody.toString()).toBe(JSON.stringify({ sha: first, force: true }));
    expect(body(patch)).toEqual({ sha: first, force: true });
    expect(calls(gh, CREATE_REF)).toHaveLength(0);
  });

  it('does nothing when the tag already points at the commit', async () => {
    gh.world.setRef('tags/running-prod-backend', first);
    await gh.client().setTag('running-prod-backend', first);
    expect(calls(gh, GET_REF)).toHaveLength(1);
    expect(gh.service.requestCount).toBe(1);
  });

  it('falls back to PATCH when someone created the tag between our read and our create', async () => {
    // The read says "no tag", but by the time of the POST the tag exists (422 "Reference already exists").
    gh.service.injectFaults(GET_REF, {
      kind: 'status',
      status: 404,
      body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
    });
    gh.world.setRef('tags/running-prod-backend', second);
    await gh.client().setTag('running-prod-backend', first);
    expect(gh.world.getRef('tags/running-prod-backend')).toBe(first);
    expect(calls(gh, CREATE_REF).map((entry) => entry.status)).toEqual([422]);
    expect(calls(gh, UPDATE_REF).map((entry) => entry.status)).toEqual([200]);
  });

  it('is refused by the fake when force is the string "true", as GitHub refuses it', async () => {
    gh.world.setRef('tags/running-prod-backend', second);
    const response = await fetch(`${gh.baseUrl}/repos/acme/shop/git/refs/tags/running-prod-backend`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha: first, force: 'true' }),
    });
    expect(response.status).toBe(422);
    expect(gh.world.getRef('tags/running-prod-backend')).toBe(second);
  });

  it('reports a commit GitHub does not know', async () => {
    await expect(gh.client().setTag('running-prod-backend', 'e'.repeat(40))).rejects.toMatchObject({
      code: 'UPSTREAM_REJECTED',
      status: 422,
    });
  });
});

describe('repository and workflow checks', () => {
  it('sees the repository and the active workflow', async () => {
    const client = gh.client();
    expect(await client.repositoryExists()).toBe(true);
    expect(await client.workflowExists(DEPLOY_WORKFLOW)).toBe(true);
    expect(await client.workflowExists('deploy.yml')).toBe(false);
  });

  it('says false for a repository GitHub does not show, and names it when a call needs it', async () => {
    const missing = createGitHubClient({ baseUrl: gh.baseUrl, owner: 'acme', repo: 'missing', token: TOKEN }, fetch);
    expect(await missing.repositoryExists()).toBe(false);
    expect(await missing.workflowExists(DEPLOY_WORKFLOW)).toBe(false);
    await expect(missing.canDispatch()).rejects.toMatchObject({
      code: 'UPSTREAM_NOT_FOUND',
      message: 'GitHub repository acme/missing not found, or the token cannot see it.',
    });
  });

  it('treats a disabled workflow as unusable', async () => {
    const workflow = gh.world.findWorkflow(DEPLOY_WORKFLOW);
    if (workflow) workflow.state = 'disabled_manually';
    expect(await gh.client().workflowExists(DEPLOY_WORKFLOW)).toBe(false);
  });

  it('can dispatch with push, maintain or admin, not with read only', async () => {
    const client = gh.client();
    expect(await client.canDispatch()).toBe(true);
    gh.world.permissions = { admin: false, maintain: false, push: false, triage: false, pull: true };
    expect(await client.canDispatch()).toBe(false);
    gh.world.permissions = { ...gh.world.permissions, maintain: true };
    expect(await client.canDispatch()).toBe(true);
  });

  it('needs the repo scope on a classic token (public_repo only on a public repository)', async () => {
    const client = gh.client();
    gh.world.oauthScopes = 'read:org, workflow';
    expect(await client.canDispatch()).toBe(false);
    gh.world.oauthScopes = 'public_repo';
    expect(await client.canDispatch()).toBe(true);
    gh.world.privateRepo = true;
    expect(await client.canDispatch()).toBe(false);
    gh.world.oauthScopes = 'repo, workflow';
    expect(await client.canDispatch()).toBe(true);
  });
});
