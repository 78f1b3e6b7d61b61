/**
 * Resolvers and scheduled triggers invoked the way Forge invokes them, with the REAL @forge/resolver.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { installForgeRuntime, invokeResolver, runScheduledTrigger } from '../../sandbox/forge-runtime';

const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: {},
  allowedEgress: [],
  resolverTimeoutMs: 200,
});
const Resolver = (await import('@forge/resolver')).default;

afterAll(() => runtime.uninstall());

describe('invokeResolver', () => {
  it('gives the resolver the payload, the caller’s accountId and the project of the page', async () => {
    const handler = new Resolver()
      .define('release/get', ({ payload, context }) => ({ payload, context }))
      .getDefinitions();
    const result = await invokeResolver(handler, {
      key: 'release/get',
      payload: { versionId: '10001' },
      accountId: 'user-a',
      projectKey: 'ABC',
      projectId: '10000',
    });
    expect(result).toEqual({
      payload: { versionId: '10001' },
      context: expect.objectContaining({
        accountId: 'user-a',
        cloudId: 'local-cloud',
        moduleKey: 'release-gate',
        siteUrl: 'http://127.0.0.1:9',
        installContext: runtime.installContext,
        extension: { type: 'jira:projectPage', project: { id: '10000', key: 'ABC', type: 'software' } },
      }),
    });
  });

  it('returns what the browser would get: JSON, without undefined fields or class instances', async () => {
    const handler = new Resolver().define('dates', () => ({ at: new Date(0), gone: undefined })).getDefinitions();
    expect(await invokeResolver(handler, { key: 'dates', accountId: 'u', projectKey: 'ABC', projectId: '1' })).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('supports the admin page module, which has no project', async () => {
    const handler = new Resolver().define('where', ({ context }) => context.extension).getDefinitions();
    expect(await invokeResolver(handler, { key: 'where', accountId: 'admin', moduleType: 'jira:adminPage' })).toEqual({
      type: 'jira:adminPage',
    });
  });

  it('stops a resolver that outlives the invocation limit', async () => {
    const handler = new Resolver()
      .define('slow', () => new Promise((resolve) => setTimeout(resolve, 1_000)))
      .getDefinitions();
    await expect(
      invokeResolver(handler, { key: 'slow', accountId: 'u', projectKey: 'ABC', projectId: '1' }),
    ).rejects.toThrow(/invocation time limit/);
  });
});

describe('runScheduledTrigger', () => {
  it('calls the trigger with Forge’s request shape and returns its response', async () => {
    const calls: unknown[] = [];
    const response = await runScheduledTrigger(async (request, context) => {
      calls.push({ request, context });
      return { statusCode: 200 };
    });
    expect(response).toEqual({ statusCode: 200 });
    expect(calls).toEqual([
      {
        request: { context: { cloudId: 'local-cloud', moduleKey: 'release-gate-check' }, contextToken: 'local' },
        context: { installContext: runtime.installContext },
      },
    ]);
  });
});
