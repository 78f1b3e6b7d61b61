import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDeployInputs } from '../../src/github/deploy-inputs';
import { aDeployRequest, calls, DEPLOY_WORKFLOW, type GitHubHarness, seedCommits, startGitHub } from './helpers';
import { rejection } from '../support/errors';

const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
const LIST_RUNS = 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs';

let gh: GitHubHarness;
let commit: string;

beforeEach(async () => {
  gh = await startGitHub();
  [commit = ''] = seedCommits(gh.world, 1);
});
afterEach(async () => gh.close());

function deployInputs(requestId: string): Record<string, string> {
  return buildDeployInputs(
    aDeployRequest({ requestId, artifacts: [{ app: 'backend', commit, fingerprint: 'f'.repeat(64) }] }),
  );
}

describe('dispatchWorkflow', () => {
  it('returns the run id from a 200 with run details, in one request', async () => {
    const requestId = 'rq-details-000001';
    const result = await gh
      .client()
      .dispatchWorkflow({ workflow: DEPLOY_WORKFLOW, ref: 'main', inputs: deployInputs(requestId), requestId });
    const run = gh.world.runs[0];
    expect(result).toEqual({ runId: run?.id, htmlUrl: `https://github.com/acme/shop/actions/runs/${run?.id}` });
    expect(gh.service.requestCount).toBe(1);
    const [sent] = calls(gh, DISPATCH);
    expect(JSON.parse(sent?.requestBody.toString() ?? '')).toEqual({
      ref: 'main',
      inputs: deployInputs(requestId),
      return_run_details: true,
    });
  });

  it('finds the run by request id in display_title when the server answers 204', async () => {
    gh.world.dispatchMode = 'no-content';
    // Another run whose id merely starts with ours must not be taken for it.
    await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-corr-0000012'),
      requestId: 'rq-corr-0000012',
    });
    const result = await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-corr-000001'),
      requestId: 'rq-corr-000001',
    });
    const mine = gh.world.runs.find((run) => run.displayTitle.endsWith('[rq-corr-000001]'));
    expect(result.runId).toBe(mine?.id);
    const listed = calls(gh, LIST_RUNS).at(-1);
    const query = new URLSearchParams(listed?.query);
    expect(query.get('event')).toBe('workflow_dispatch');
    expect(query.get('per_page')).toBe('100');
    expect(query.get('created')).toMatch(/^>=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('retries the correlation with growing waits while the run has not appeared', async () => {
    gh.world.dispatchMode = 'no-content';
    // The first listing sees no runs yet, as right after a real 204.
    gh.service.injectFaults(LIST_RUNS, { kind: 'status', status: 200, body: { total_count: 0, workflow_runs: [] } });
    const result = await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-late-000001'),
      requestId: 'rq-late-000001',
    });
    expect(result.runId).toBe(gh.world.runs[0]?.id);
    expect(calls(gh, LIST_RUNS)).toHaveLength(2);
    expect(gh.waits).toEqual([10]);
  });

  it('reports maybeApplied when the run never shows up after a 204', async () => {
    gh.world.dispatchMode = 'no-content';
    const empty = { kind: 'status', status: 200, body: { total_count: 0, workflow_runs: [] } } as const;
    gh.service.injectFaults(LIST_RUNS, empty, empty, empty);
    const error = await rejection(
      gh.client().dispatchWorkflow({
        workflow: DEPLOY_WORKFLOW,
        ref: 'main',
        inputs: deployInputs('rq-lost-000001'),
        requestId: 'rq-lost-000001',
      }),
    );
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.maybeApplied).toBe(true);
    expect(error.transient).toBe(true);
  });

  it('resends without return_run_details when GitHub Enterprise Server refuses the key, then correlates', async () => {
    gh.world.dispatchMode = 'reject-run-details';
    const result = await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-ghes-000001'),
      requestId: 'rq-ghes-000001',
    });
    expect(result.runId).toBe(gh.world.runs[0]?.id);
    const bodies = calls(gh, DISPATCH).map((entry) =>
      z.record(z.string(), z.unknown()).parse(JSON.parse(entry.requestBody.toString())),
    );
    expect(bodies.map((body) => 'return_run_details' in body)).toEqual([true, false]);
    expect(calls(gh, DISPATCH).map((entry) => entry.status)).toEqual([422, 204]);
    expect(gh.world.runs).toHaveLength(1);
  });

  it('does not retry a dispatch that failed with 502 after GitHub created the run; findDispatchedRun finds it', async () => {
    gh.service.injectFaults(DISPATCH, { kind: 'after', status: 502 });
    const requestId = 'rq-maybe-000001';
    const since = new Date(Date.now() - 60_000).toISOString();
    const error = await rejection(
      gh
        .client()
        .dispatchWorkflow({ workflow: DEPLOY_WORKFLOW, ref: 'main', inputs: deployInputs(requestId), requestId }),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeApplied: true, status: 502 });
    expect(calls(gh, DISPATCH)).toHaveLength(1);
    expect(gh.world.runs).toHaveLength(1);

    const found = await gh.client().findDispatchedRun({ workflow: DEPLOY_WORKFLOW, requestId, since });
    expect(found).toMatchObject({ id: gh.world.runs[0]?.id, status: 'queued', conclusion: null });
    expect(found?.displayTitle).toContain(requestId);
  });

  it('does not retry a dispatch that timed out', async () => {
    gh.service.injectFaults(DISPATCH, { kind: 'timeout' });
    const client = gh.client({ retry: { timeoutMs: 1_000, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await rejection(
      client.dispatchWorkflow({
        workflow: DEPLOY_WORKFLOW,
        ref: 'main',
        inputs: deployInputs('rq-slow-000001'),
        requestId: 'rq-slow-000001',
      }),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeApplied: true });
    expect(calls(gh, DISPATCH)).toHaveLength(1);
  });

  it('says which workflow is missing on 404', async () => {
    const error = await rejection(
      gh.client().dispatchWorkflow({
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: deployInputs('rq-none-000001'),
        requestId: 'rq-none-000001',
      }),
    );
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toBe("GitHub workflow 'deploy.yml' not found in acme/shop.");
  });

  it('surfaces GitHub’s 422 for an input the workflow does not declare', async () => {
    const inputs = { ...deployInputs('rq-extra-000001'), surprise: 'x' };
    const error = await rejection(
      gh.client().dispatchWorkflow({ workflow: DEPLOY_WORKFLOW, ref: 'main', inputs, requestId: 'rq-extra-000001' }),
    );
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.status).toBe(422);
    expect(error.message).toContain('Unexpected inputs provided');
    expect(gh.world.runs).toHaveLength(0);
  });

  it('surfaces a 422 for a ref that does not exist', async () => {
    const error = await rejection(
      gh.client().dispatchWorkflow({
        workflow: DEPLOY_WORKFLOW,
        ref: 'nope',
        inputs: deployInputs('rq-ref-0000001'),
        requestId: 'rq-ref-0000001',
      }),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 422 });
    expect(error.message).toContain('No ref found for: nope');
  });
});

describe('findDispatchedRun and getRun', () => {
  it('returns null when no run mentions the request id', async () => {
    const found = await gh.client().findDispatchedRun({
      workflow: DEPLOY_WORKFLOW,
      requestId: 'rq-absent-00001',
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(found).toBeNull();
  });

  it('ignores runs created before `since`', async () => {
    await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-old-0000001'),
      requestId: 'rq-old-0000001',
    });
    const found = await gh.client().findDispatchedRun({
      workflow: DEPLOY_WORKFLOW,
      requestId: 'rq-old-0000001',
      since: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(found).toBeNull();
  });

  it('pages through the runs until it finds the request', async () => {
    for (let i = 0; i < 120; i++)
      gh.world.dispatch(DEPLOY_WORKFLOW, 'main', deployInputs(`rq-bulk-${String(i).padStart(6, '0')}`));
    // The oldest run is on the second page (runs come newest first).
    const found = await gh.client().findDispatchedRun({
      workflow: DEPLOY_WORKFLOW,
      requestId: 'rq-bulk-000000',
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(found?.id).toBe(gh.world.runs[0]?.id);
    expect(calls(gh, LIST_RUNS)).toHaveLength(2);
  });

  it('follows a run from queued to completed', async () => {
    const { runId } = await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-follow-00001'),
      requestId: 'rq-follow-00001',
    });
    expect(await gh.client().getRun(runId)).toMatchObject({ id: runId, status: 'queued', conclusion: null });
    gh.world.startRuns();
    expect(await gh.client().getRun(runId)).toMatchObject({ status: 'in_progress' });
    await gh.world.settleRuns();
    const run = await gh.client().getRun(runId);
    expect(run).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      displayTitle: 'Kosli Release Gate: deploy prod 10042 [rq-follow-00001]',
    });
    expect(gh.world.getRef('tags/running-prod-backend')).toBe(commit);
  });

  it('reports a run made to fail', async () => {
    gh.world.failNextRun('failure');
    const { runId } = await gh.client().dispatchWorkflow({
      workflow: DEPLOY_WORKFLOW,
      ref: 'main',
      inputs: deployInputs('rq-fail-0000001'),
      requestId: 'rq-fail-0000001',
    });
    await gh.world.settleRuns();
    expect(await gh.client().getRun(runId)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gh.world.getRef('tags/running-prod-backend')).toBeUndefined();
  });

  it('names the missing run on 404', async () => {
    const error = await rejection(gh.client().getRun(424242));
    expect(error.message).toBe('GitHub workflow run 424242 not found in acme/shop.');
  });
});
