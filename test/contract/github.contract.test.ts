/**
 * The fake GitHub against GitHub's REST OpenAPI description: every client call is exercised against
 * the fake (success paths, fallbacks and errors), then every logged request and response is checked
 * against the spec, so neither the client nor the fake can drift into wishful behaviour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployInputs } from '../../src/github/deploy-inputs';
import { createGitHubClient } from '../../src/github/client';
import { createGitHubFake } from '../../sandbox/fakes/github/github-fake';
import { GitHubWorld } from '../../sandbox/fakes/github/world';
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

async function settled(promise: Promise<unknown>): Promise<void> {
  await promise.catch(() => undefined);
}

beforeAll(async () => {
  gh = await startGitHub();
  const world = gh.world;
  const client = gh.client();
  const shas = seedCommits(world, 230, (i) => [i % 3 === 0 ? 'apps/frontend/f.txt' : 'apps/backend/b.txt']);
  const [first = '', second = ''] = shas;
  const head = shas.at(-1) ?? '';
  const inputs = (requestId: string) =>
    buildDeployInputs(
      aDeployRequest({ requestId, artifacts: [{ app: 'backend', commit: head, fingerprint: 'f'.repeat(64) }] }),
    );

  // Dispatch: 200 with run details, 204 + correlation, GHES 422 → 204, and the errors.
  const { runId } = await client.dispatchWorkflow({
    workflow: DEPLOY_WORKFLOW,
    ref: 'main',
    inputs: inputs('rq-contract-0001'),
    requestId: 'rq-contract-0001',
  });
  world.dispatchMode = 'no-content';
  await client.dispatchWorkflow({
    workflow: DEPLOY_WORKFLOW,
    ref: 'main',
    inputs: inputs('rq-contract-0002'),
    requestId: 'rq-contract-0002',
  });
  world.dispatchMode = 'reject-run-details';
  await client.dispatchWorkflow({
    workflow: DEPLOY_WORKFLOW,
    ref: 'main',
    inputs: inputs('rq-contract-0003'),
    requestId: 'rq-contract-0003',
  });
  world.dispatchMode = 'run-details';
  await settled(
    client.dispatchWorkflow({
      workflow: 'missing.yml',
      ref: 'main',
      inputs: inputs('rq-contract-0004'),
      requestId: 'rq-contract-0004',
    }),
  );
  await settled(
    client.dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'no-such-branch',
      inputs: inputs('rq-contract-0005'),
      requestId: 'rq-contract-0005',
    }),
  );
  await settled(
    client.dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: { ...inputs('rq-contract-0006'), extra: 'x' },
      requestId: 'rq-contract-0006',
    }),
  );

  // Runs.
  await client.findDispatchedRun({
    workflow: DEPLOY_WORKFLOW,
    requestId: 'rq-contract-0001',
    since: new Date(Date.now() - 60_000).toISOString(),
  });
  await client.getRun(runId);
  await world.settleRuns();
  await client.getRun(runId);
  await settled(client.getRun(1));
  await settled(client.findDispatchedRun({ workflow: 'missing.yml', requestId: 'x', since: new Date().toISOString() }));

  // Commits: paged walk to a base, a base off the path (compare fallback), a period, a compare, errors.
  await client.commitsTouchingPath({ head, base: first, path: 'apps/backend', since: null, limit: 1000 });
  await client.commitsTouchingPath({
    head,
    base: first,
    path: 'apps/frontend',
    since: world.commits.get(second)?.date ?? null,
    limit: 1000,
  });
  await client.commitsTouchingPath({ head, base: second, path: 'apps/frontend', since: null, limit: 1000 });
  await client.commitsInPeriod({
    ref: 'main',
    since: '2025-01-06T00:00:00Z',
    until: '2025-01-07T00:00:00Z',
    limit: 500,
  });
  await client.compare(first, head);
  await client.compare(head, first);
  await settled(client.compare(first, '0'.repeat(40)));
  await settled(client.commitsTouchingPath({ head: '0'.repeat(40), base: null, path: 'apps', since: null, limit: 1 }));

  // Tags: read missing, create, read, move.
  await client.getTag('running-qa-backend');
  await client.setTag('running-qa-backend', second);
  await client.getTag('running-qa-backend');
  await client.setTag('running-qa-backend', first);
  await settled(client.setTag('running-prod-frontend', 'e'.repeat(40)));

  // Repository and workflow checks, and auth.
  await client.repositoryExists();
  await client.workflowExists(DEPLOY_WORKFLOW);
  await client.workflowExists('missing.yml');
  await client.canDispatch();
  await settled(gh.client({ token: 'ghp_wrong_token_value' }).repositoryExists());
  world.rateLimitNext(1, { status: 403, resetInSeconds: 1 });
  await client.repositoryExists();

  // An empty repository answers 409 to a commit listing.
  const empty = createGitHubFake(new GitHubWorld({ token: TOKEN }));
  const emptyUrl = await empty.service.listen();
  const emptyClient = createGitHubClient({ baseUrl: emptyUrl, owner: 'acme', repo: 'shop', token: TOKEN }, fetch);
  await settled(
    emptyClient.commitsInPeriod({
      ref: 'main',
      since: '2025-01-01T00:00:00Z',
      until: '2025-02-01T00:00:00Z',
      limit: 10,
    }),
  );
  gh.service.log.push(...empty.service.log);
  await empty.service.close();
});

afterAll(async () => gh.close());

describe('fake GitHub vs the GitHub REST OpenAPI description', () => {
  it('serves only operations of the spec', () => {
    const unknown = gh.service.operations.filter((operation) => {
      const [method = '', pattern = ''] = operation.split(' ');
      return spec.locate(method, pattern.replace(/\{(\w+)\}/g, 'x')) === undefined;
    });
    expect(unknown).toEqual([]);
  });

  it('every logged request and response conforms', () => {
    const problems = gh.service.log.flatMap((entry) => spec.checkExchange(entry));
    expect(problems).toEqual([]);
  });

  it('catches drift: a wrong body, a string force, an undeclared query parameter', () => {
    const dispatched = gh.service.log.find((entry) => entry.method === 'POST' && entry.status === 200);
    const moved = gh.service.log.find((entry) => entry.method === 'PATCH' && entry.status === 200);
    const listed = gh.service.log.find((entry) => entry.route.endsWith('/commits') && entry.status === 200);
    if (!dispatched || !moved || !listed) throw new Error('the scenario above logs these exchanges');
    expect(spec.checkExchange({ ...dispatched, responseBody: { workflow_run_id: 'one' } })).not.toEqual([]);
    expect(
      spec.checkExchange({
        ...moved,
        requestBody: Buffer.from(JSON.stringify({ sha: 'a'.repeat(40), force: 'true' })),
      }),
    ).not.toEqual([]);
    expect(spec.checkExchange({ ...listed, query: `${listed.query}&base=abc` })).not.toEqual([]);
    expect(spec.checkExchange({ ...listed, responseBody: [{ sha: 'a'.repeat(40) }] })).not.toEqual([]);
  });

  it('covers every operation the client uses, with their success and error statuses', () => {
    const covered = new Map<string, Set<number>>();
    for (const entry of gh.service.log) {
      const found = spec.locate(entry.method, entry.path);
      if (!found) continue;
      const statuses = covered.get(found.operation.operationId) ?? new Set<number>();
      statuses.add(entry.status);
      covered.set(found.operation.operationId, statuses);
    }
    const summary = [...covered].map(([id, statuses]) => `${id} [${[...statuses].sort().join(', ')}]`).sort();
    // The count the brief asks to see, with the statuses each operation was seen answering.
    console.info(
      `GitHub contract: ${covered.size} operations covered, ${gh.service.log.length} exchanges checked\n  ${summary.join('\n  ')}`,
    );
    expect([...covered.keys()].sort()).toEqual([
      'actions/create-workflow-dispatch',
      'actions/get-workflow',
      'actions/get-workflow-run',
      'actions/list-workflow-runs',
      'git/create-ref',
      'git/get-ref',
      'git/update-ref',
      'repos/compare-commits-with-basehead',
      'repos/get',
      'repos/list-commits',
    ]);
    expect(covered.get('actions/create-workflow-dispatch')).toEqual(new Set([200, 204, 404, 422]));
    expect(covered.get('git/create-ref')).toEqual(new Set([201, 422]));
  });
});
