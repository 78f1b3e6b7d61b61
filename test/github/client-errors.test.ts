import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { createGitHubClient, GITHUB_API_VERSION } from '../../src/github/client';
import { calls, DEPLOY_WORKFLOW, type GitHubHarness, seedCommits, startGitHub, TOKEN } from './helpers';
import { rejection } from '../support/errors';

const GET_RUN = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}';
const GET_REPO = 'GET /repos/{owner}/{repo}';
const NOW = Date.parse('2026-03-02T12:00:00Z');

let gh: GitHubHarness;
let runId: number;

beforeEach(async () => {
  gh = await startGitHub({ now: () => new Date(NOW) });
  const [sha = ''] = seedCommits(gh.world, 1);
  const outcome = gh.world.dispatch(DEPLOY_WORKFLOW, 'main', {
    request_id: 'rq-errors-000001',
    environment: 'staging',
    artifacts: JSON.stringify([{ app: 'backend', commit: sha, fingerprint: 'f'.repeat(64) }]),
    kosli_environment: 'staging',
  });
  runId = outcome.ok ? outcome.run.id : 0;
});
afterEach(async () => gh.close());

/** Everything an error could leak through: message, fields, cause chain. */
function everything(error: AppError): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return parts.join('\n');
}

describe('what the client sends', () => {
  it('authenticates with Bearer and names the API version, media type and itself', async () => {
    const seen: Headers[] = [];
    const recording = async (url: string, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return fetch(url, init);
    };
    await createGitHubClient(
      { baseUrl: `${gh.baseUrl}/`, owner: 'acme', repo: 'shop', token: TOKEN },
      recording,
    ).repositoryExists();
    expect(seen[0]?.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]?.get('accept')).toBe('application/vnd.github+json');
    expect(seen[0]?.get('x-github-api-version')).toBe(GITHUB_API_VERSION);
    expect(seen[0]?.get('user-agent')).toBe('kosli-release-gate');
  });
});

describe('rate limits', () => {
  it('waits for Retry-After on a 429 and then succeeds', async () => {
    gh.service.injectFaults(GET_RUN, { kind: 'status', status: 429, retryAfterSeconds: 2 });
    const run = await gh.client().getRun(runId);
    expect(run.id).toBe(runId);
    expect(gh.waits).toEqual([2000]);
    expect(calls(gh, GET_RUN).map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('treats a 403 with x-ratelimit-remaining: 0 as a rate limit and waits until the reset', async () => {
    gh.world.rateLimitNext(1, { status: 403, resetInSeconds: 3 });
    const run = await gh.client({ now: () => NOW }).getRun(runId);
    expect(run.id).toBe(runId);
    // Reset is 3 s ahead of the fake's clock; one more second for clock skew.
    expect(gh.waits).toEqual([4000]);
  });

  it('treats a secondary-limit 403 with retry-after as a rate limit', async () => {
    gh.world.rateLimitNext(1, { status: 403, retryAfterSeconds: 1 });
    await gh.client().getRun(runId);
    expect(gh.waits).toEqual([1000]);
  });

  it('fails as UPSTREAM_RATE_LIMITED, transient, when the reset is too far to wait for', async () => {
    gh.world.rateLimitNext(1, { status: 403, resetInSeconds: 3600 });
    const error = await rejection(gh.client({ now: () => NOW }).getRun(runId));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
    expect(error.transient).toBe(true);
    expect(gh.waits).toEqual([]);
  });

  it('fails as rate limited when a secondary-limit 403 has no header (GitHub says wait a minute)', async () => {
    gh.service.injectFaults(GET_RUN, {
      kind: 'status',
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const error = await rejection(gh.client().getRun(runId));
    expect(error.code).toBe('UPSTREAM_RATE_LIMITED');
  });

  it('keeps a plain 403 a permission error', async () => {
    gh.service.injectFaults(GET_RUN, {
      kind: 'status',
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const error = await rejection(gh.client().getRun(runId));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).toContain('Resource not accessible by integration');
  });
});

describe('faults', () => {
  it('retries a 5xx on a read', async () => {
    gh.service.injectFaults(GET_RUN, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    expect((await gh.client().getRun(runId)).id).toBe(runId);
    expect(calls(gh, GET_RUN)).toHaveLength(3);
  });

  it('gives up after the bounded attempts with UPSTREAM_UNAVAILABLE (not maybeApplied: it was a read)', async () => {
    gh.service.injectFaults(GET_RUN, ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 500 })));
    const error = await rejection(gh.client().getRun(runId));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeApplied: false, status: 500 });
    expect(calls(gh, GET_RUN)).toHaveLength(4);
  });

  it('turns a malformed body into UPSTREAM_INVALID_RESPONSE naming the call', async () => {
    gh.service.injectFaults(GET_RUN, { kind: 'status', status: 200, body: { id: 'not-a-number', status: 'exploded' } });
    const error = await rejection(gh.client().getRun(runId));
    expect(error.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toContain('GET /repos/{owner}/{repo}/actions/runs/{run_id}');
  });

  it('turns a 200 carrying an error shape into UPSTREAM_INVALID_RESPONSE', async () => {
    gh.service.injectFaults(GET_REPO, { kind: 'status', status: 200, body: { message: 'Moved' } });
    const error = await rejection(gh.client().canDispatch());
    expect(error.code).toBe('UPSTREAM_INVALID_RESPONSE');
  });
});

describe('the token never leaks', () => {
  it('is absent from a 401 (bad credentials)', async () => {
    const error = await rejection(gh.client({ token: `${TOKEN}-revoked` }).getRun(runId));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(everything(error)).not.toContain(TOKEN);
  });

  it('is redacted when an upstream error body echoes it', async () => {
    gh.service.injectFaults(GET_RUN, {
      kind: 'status',
      status: 422,
      body: { message: `token ${TOKEN} is not allowed here` },
    });
    const error = await rejection(gh.client().getRun(runId));
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(everything(error)).not.toContain(TOKEN);
  });

  it('is absent from a timeout error', async () => {
    gh.service.injectFaults(GET_RUN, { kind: 'timeout' }, { kind: 'timeout' });
    const error = await rejection(
      gh.client({ retry: { maxAttempts: 2, timeoutMs: 100, baseDelayMs: 1, maxDelayMs: 1 } }).getRun(runId),
    );
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(everything(error)).not.toContain(TOKEN);
  });

  it('is absent from a network error', async () => {
    await gh.close();
    const error = await rejection(gh.client({ retry: { maxAttempts: 1 } }).getRun(runId));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(everything(error)).not.toContain(TOKEN);
  });
});
