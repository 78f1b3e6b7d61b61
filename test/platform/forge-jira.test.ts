/**
 * jiraTransportAsApp()/jiraTransportAsUser() over the REAL @forge/api, against a loopback Jira.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeHttpService, json, jsonBody, type FakeRequest } from '../../sandbox/fakes/http-fake';
import { installForgeRuntime, invokeResolver } from '../../sandbox/forge-runtime';
import { route } from '../../src/jira/route';

const seen: FakeRequest[] = [];
const jira = new FakeHttpService('jira')
  .route('GET', '/rest/api/3/project/{key}/versions', (req) => {
    seen.push(req);
    return json(200, [{ id: '10001', name: 'v1' }]);
  })
  .route('POST', '/rest/api/3/version', (req) => {
    seen.push(req);
    const body = jsonBody(req);
    return json(201, { id: '10002', ...(typeof body === 'object' && body !== null ? body : {}) });
  })
  .route('DELETE', '/rest/api/3/version/{id}', (req) => {
    seen.push(req);
    return { status: 204 };
  });
const runtime = await installForgeRuntime({ jiraBaseUrl: await jira.listen(), egress: {}, allowedEgress: [] });
const { jiraTransportAsApp, jiraTransportAsUser } = await import('../../src/platform/forge-jira');
const Resolver = (await import('@forge/resolver')).default;

afterAll(async () => {
  runtime.uninstall();
  await jira.close();
});

describe('jiraTransportAsApp', () => {
  it('sends our encoded route as-is, with method and body, and returns a standard Response', async () => {
    const requestJira = jiraTransportAsApp();
    const list = await requestJira(route`/rest/api/3/project/${'A B'}/versions?query=${'v1&x'}`);
    expect(list).toBeInstanceOf(Response);
    expect(await list.json()).toEqual([{ id: '10001', name: 'v1' }]);
    const created = await requestJira(route`/rest/api/3/version`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'v2', projectId: 10000 }),
    });
    expect([created.status, await created.json()]).toEqual([201, { id: '10002', name: 'v2', projectId: 10000 }]);
    const deleted = await requestJira(route`/rest/api/3/version/${'10002'}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(seen.map((r) => [r.method, r.path, r.query.toString(), r.headers['x-fake-account-id']])).toEqual([
      ['GET', '/rest/api/3/project/A%20B/versions', 'query=v1%26x', undefined],
      ['POST', '/rest/api/3/version', '', undefined],
      ['DELETE', '/rest/api/3/version/10002', '', undefined],
    ]);
  });
});

describe('jiraTransportAsUser', () => {
  it('calls Jira as the user of the resolver invocation', async () => {
    seen.length = 0;
    const handler = new Resolver()
      .define(
        'versions',
        async () => (await jiraTransportAsUser()(route`/rest/api/3/project/${'ABC'}/versions`)).status,
      )
      .getDefinitions();
    expect(
      await invokeResolver(handler, {
        key: 'versions',
        accountId: '557058:abc',
        projectKey: 'ABC',
        projectId: '10000',
      }),
    ).toBe(200);
    expect(seen.map((r) => r.headers['x-fake-account-id'])).toEqual(['557058:abc']);
  });
});
