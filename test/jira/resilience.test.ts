import { afterEach, describe, expect, it } from 'vitest';
import { createFakeJiraTransport } from '../../sandbox/fakes/jira/fake-transport';
import { AppError } from '../../src/errors';
import { createJiraClient } from '../../src/jira/client';
import { aWorld, type JiraHarness, startJira, rejection } from './harness';

let jira: JiraHarness;

afterEach(async () => {
  await jira.close();
});

function withVersion(): { world: ReturnType<typeof aWorld>; versionId: string } {
  const world = aWorld();
  return { world, versionId: world.addVersion({ project: 'ABC', name: 'Release 1' }).id };
}

describe('Jira client under faults', () => {
  it('honours Retry-After on 429', async () => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world });
    jira.service.injectFaults('GET /rest/api/3/version/{id}', { kind: 'status', status: 429, retryAfterSeconds: 2 });
    expect((await jira.client.getVersion(versionId)).id).toBe(versionId);
    expect(jira.waits).toEqual([2000]);
  });

  it('fails as rate limited, without waiting, when Retry-After is beyond what we wait for', async () => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world });
    jira.service.injectFaults('GET /rest/api/3/version/{id}', { kind: 'status', status: 429, retryAfterSeconds: 60 });
    expect((await rejection(jira.client.getVersion(versionId))).code).toBe('UPSTREAM_RATE_LIMITED');
    expect(jira.waits).toEqual([]);
  });

  it('rides out Jira’s burst limit across a paged listing', async () => {
    const world = aWorld();
    for (let i = 1; i <= 60; i++) world.addVersion({ project: 'ABC', name: `v${i}` });
    world.setBurstLimit(3, 1);
    jira = await startJira({ world, pageCaps: { versions: 10 } });

    const probe = await fetch(`${jira.baseUrl}/rest/api/3/project/ABC`);
    expect(probe.status).toBe(200);
    await fetch(`${jira.baseUrl}/rest/api/3/project/ABC`);
    await fetch(`${jira.baseUrl}/rest/api/3/project/ABC`);
    const limited = await fetch(`${jira.baseUrl}/rest/api/3/project/ABC`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(await limited.json()).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });

    const versions = await jira.client.listUnreleasedVersions('ABC');
    expect(versions).toHaveLength(60);
    // The probes filled the first window; six pages at three per second then need two more.
    expect(jira.waits).toEqual([1000, 1000]);
    expect(jira.service.countWhere((e) => e.status === 429)).toBe(3);
  });

  it('retries 5xx on reads and idempotent writes', async () => {
    const { world, versionId } = withVersion();
    world.addIssue({ key: 'ABC-1' });
    jira = await startJira({ world });
    jira.service.injectFaults(
      'GET /rest/api/3/version/{id}',
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
    );
    jira.service.injectFaults('PUT /rest/api/3/version/{id}', { kind: 'after', status: 500 });
    jira.service.injectFaults('PUT /rest/api/3/issue/{issueIdOrKey}', { kind: 'status', status: 503 });
    jira.service.injectFaults('POST /rest/api/3/search/jql', { kind: 'status', status: 504 });

    await jira.client.getVersion(versionId);
    await jira.client.releaseVersion(versionId, '2026-03-02');
    await jira.client.addFixVersion('ABC-1', versionId);
    expect(await jira.client.searchIssues('project = ABC')).toHaveLength(1);
    expect(jira.service.countWhere((e) => e.route === '/rest/api/3/version/{id}' && e.method === 'GET')).toBe(3);
    expect(jira.service.countWhere((e) => e.route === '/rest/api/3/version/{id}' && e.method === 'PUT')).toBe(2);
    expect(jira.world.version(versionId)?.released).toBe(true);
    expect(jira.world.issue('ABC-1')?.fixVersionIds).toEqual([versionId]);
  });

  it('gives up after the last attempt with UPSTREAM_UNAVAILABLE', async () => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world, retry: { maxAttempts: 2 } });
    jira.service.injectFaults(
      'GET /rest/api/3/version/{id}',
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
    );
    const error = await rejection(jira.client.getVersion(versionId));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, maybeApplied: false, system: 'jira' });
  });

  it('does not repeat a version creation that may have happened (5xx after the write)', async () => {
    jira = await startJira({ world: aWorld() });
    jira.service.injectFaults('POST /rest/api/3/version', { kind: 'after', status: 502 });
    const error = await rejection(
      jira.client.createVersion({ projectId: '10000', name: 'Release 9', description: '', startDate: '2026-03-02' }),
    );
    expect(error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      maybeApplied: true,
      operation: 'POST /rest/api/3/version',
    });
    expect(jira.service.countWhere((e) => e.method === 'POST')).toBe(1);
    // The write did land: a blind retry would have hit "already exists" or made a twin.
    expect(jira.world.versionsOf('ABC').map((v) => v.name)).toEqual(['Release 9']);
  });

  it('does not repeat a related-work link that may have been added', async () => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world });
    jira.service.injectFaults('POST /rest/api/3/version/{id}/relatedwork', { kind: 'status', status: 503 });
    const error = await rejection(
      jira.client.addRelatedWork(versionId, { category: 'Audit', title: 't', url: 'https://example.com/t' }),
    );
    expect(error.maybeApplied).toBe(true);
    expect(jira.service.countWhere((e) => e.method === 'POST')).toBe(1);
  });

  it('retries a read that timed out, but reports a timed-out creation as maybe applied', async () => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world, retry: { timeoutMs: 150 } });
    jira.service.injectFaults('GET /rest/api/3/version/{id}', { kind: 'timeout' });
    expect((await jira.client.getVersion(versionId)).id).toBe(versionId);

    jira.service.injectFaults('POST /rest/api/3/version', { kind: 'timeout' });
    const error = await rejection(
      jira.client.createVersion({ projectId: '10000', name: 'Release 10', description: '', startDate: '2026-03-02' }),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeApplied: true });
    expect(error.message).toContain('timed out');
  });

  it.each([
    ['a wrong type', { id: 10042, name: 'R', projectId: 10000 }],
    ['a missing field', { id: '10042', projectId: 10000 }],
    [
      'an unknown approver status',
      { id: '10042', name: 'R', projectId: 10000, approvers: [{ accountId: 'a', status: 'MAYBE' }] },
    ],
    ['not an object', 'Service is down for maintenance'],
  ])('rejects a version response with %s as UPSTREAM_INVALID_RESPONSE', async (_label, body) => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world });
    jira.service.injectFaults('GET /rest/api/3/version/{id}', { kind: 'status', status: 200, body });
    const error = await rejection(jira.client.getVersion(versionId));
    expect(error.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toContain('GET /rest/api/3/version/{id}');
  });

  it('rejects a malformed search page and version pages that would never end', async () => {
    const world = aWorld();
    world.addIssue({ key: 'ABC-1' });
    jira = await startJira({ world });
    jira.service.injectFaults('POST /rest/api/3/search/jql', {
      kind: 'status',
      status: 200,
      body: { issues: [{ key: 'ABC-1' }] },
    });
    expect((await rejection(jira.client.searchIssues('project = ABC'))).code).toBe('UPSTREAM_INVALID_RESPONSE');

    jira.service.injectFaults('GET /rest/api/3/project/{projectIdOrKey}/version', {
      kind: 'status',
      status: 200,
      body: { startAt: 0, maxResults: 50, total: 3, isLast: false, values: [] },
    });
    expect((await rejection(jira.client.listUnreleasedVersions('ABC'))).code).toBe('UPSTREAM_INVALID_RESPONSE');

    // A Jira that ignored startAt would hand back the first page forever.
    for (let i = 1; i <= 60; i++) world.addVersion({ project: 'ABC', name: `v${i}` });
    const firstPage: unknown = await (
      await fetch(`${jira.baseUrl}/rest/api/3/project/ABC/version?status=unreleased&expand=approvers`)
    ).json();
    jira.service.injectFaults(
      'GET /rest/api/3/project/{projectIdOrKey}/version',
      { kind: 'status', status: 200, body: firstPage },
      { kind: 'status', status: 200, body: firstPage },
    );
    expect((await rejection(jira.client.listUnreleasedVersions('ABC'))).message).toContain(
      'returned the page at 0 when asked for 50',
    );
  });
});

describe('credentials in errors', () => {
  const token = 'jira-tok-7f3a9c1e5b2d4f60';

  function everything(error: AppError): string {
    const parts: string[] = [error.message, String(error), JSON.stringify(error), JSON.stringify(error.details ?? {})];
    for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause)
      parts.push(cause.message, String(cause.stack));
    return parts.join('\n');
  }

  it('requires the token when the fake is given one', async () => {
    jira = await startJira({ world: aWorld(), token });
    expect((await jira.client.getProject('ABC')).key).toBe('ABC');
    const stranger = createJiraClient(createFakeJiraTransport(jira.baseUrl, { token: 'some-other-token-123' }), {
      retry: { maxAttempts: 1 },
    });
    const error = await rejection(stranger.getProject('ABC'));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(everything(error)).not.toContain('some-other-token-123');
  });

  it('never shows the token, even when an upstream echoes the Authorization header', async () => {
    const { world, versionId } = withVersion();
    jira = await startJira({ world, token });
    jira.service.injectFaults('GET /rest/api/3/version/{id}', {
      kind: 'status',
      status: 403,
      body: { errorMessages: [`Denied for Authorization: Bearer ${token}`] },
    });
    jira.service.injectFaults('PUT /rest/api/3/version/{id}', {
      kind: 'status',
      status: 400,
      body: { errorMessages: [`bad request, token ${token}`] },
    });
    const forbidden = await rejection(jira.client.getVersion(versionId));
    const rejected = await rejection(jira.client.updateVersionDescription(versionId, 'x'));
    for (const error of [forbidden, rejected]) expect(everything(error)).not.toContain(token);
  });

  it('never shows the token when Jira cannot be reached', async () => {
    jira = await startJira({ world: aWorld(), token });
    const url = jira.baseUrl;
    await jira.close();
    const offline = createJiraClient(createFakeJiraTransport(url, { token }), { retry: { maxAttempts: 1 } });
    const error = await rejection(offline.getProject('ABC'));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(everything(error)).not.toContain(token);
  });
});
