/**
 * requestJira and Forge `fetch` through the local runtime, with the REAL @forge/api: requests reach
 * loopback fakes; asUser carries the invocation's account; egress follows the manifest.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeHttpService, json, jsonBody, type FakeRequest } from '../../sandbox/fakes/http-fake';
import { installForgeRuntime, invokeResolver } from '../../sandbox/forge-runtime';

const jira = new FakeHttpService('jira');
const github = new FakeHttpService('github');
const seen: FakeRequest[] = [];
const remember = (req: FakeRequest) => {
  seen.push(req);
  return json(200, { path: req.path, query: req.query.toString(), body: jsonBody(req) ?? null });
};
jira.route('GET', '/rest/api/3/version/{id}', remember).route('PUT', '/rest/api/3/version/{id}', remember);
github.route('GET', '/repos/{owner}/{repo}/actions/runs', remember);

const realFetch = globalThis.fetch;
const jiraUrl = await jira.listen();
const githubUrl = await github.listen();
// allowedEgress is left to its default: the repository's manifest.yml.
const runtime = await installForgeRuntime({ jiraBaseUrl: jiraUrl, egress: { 'https://api.github.com': githubUrl } });
const { default: api, route, fetch: forgeFetch } = await import('@forge/api');
const Resolver = (await import('@forge/resolver')).default;

afterAll(async () => {
  runtime.uninstall();
  await Promise.all([jira.close(), github.close()]);
});

beforeEach(() => {
  seen.length = 0;
});

describe('requestJira', () => {
  it('asApp() reaches the Jira base URL with path, query, method and body, and no user header', async () => {
    const response = await api.asApp().requestJira(route`/rest/api/3/version/${'10001'}?expand=${'approvers'}`);
    expect(await response.json()).toEqual({ path: '/rest/api/3/version/10001', query: 'expand=approvers', body: null });
    await api.asApp().requestJira(route`/rest/api/3/version/10001`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ released: true }),
    });
    expect(seen.map((r) => [r.method, r.headers['x-fake-account-id']])).toEqual([
      ['GET', undefined],
      ['PUT', undefined],
    ]);
    expect(seen[1] && jsonBody(seen[1])).toEqual({ released: true });
  });

  it('asUser() inside a resolver carries that invocation’s account, even when invocations overlap', async () => {
    const handler = new Resolver()
      .define('whoami', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const response = await api.asUser().requestJira(route`/rest/api/3/version/1`);
        return response.status;
      })
      .getDefinitions();
    const call = (accountId: string) =>
      invokeResolver(handler, { key: 'whoami', accountId, projectKey: 'ABC', projectId: '10000' });
    expect(await Promise.all([call('user-a'), call('user-b'), call('user-c')])).toEqual([200, 200, 200]);
    expect(seen.map((r) => r.headers['x-fake-account-id']).sort()).toEqual(['user-a', 'user-b', 'user-c']);
  });

  it('asUser() outside a user invocation fails loudly (Forge has no user in triggers and consumers)', async () => {
    await expect(api.asUser().requestJira(route`/rest/api/3/version/1`)).rejects.toThrow(/outside a user invocation/);
    expect(seen).toEqual([]);
  });
});

describe('Forge fetch egress', () => {
  it('rewrites an allowed origin to its loopback target, keeping path and query', async () => {
    const response = await forgeFetch('https://api.github.com/repos/acme/shop/actions/runs?per_page=5');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/repos/acme/shop/actions/runs', query: 'per_page=5', body: null });
  });

  it('answers 403 for an origin the manifest does not list, and for plain http', async () => {
    expect((await forgeFetch('https://example.com/anything')).status).toBe(403);
    expect((await forgeFetch('http://api.github.com/repos/acme/shop/actions/runs')).status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('answers 502 for an origin the manifest allows but the runtime has no target for', async () => {
    expect(runtime.allowedEgress).toContain('https://app.us.kosli.com');
    expect((await forgeFetch('https://app.us.kosli.com/api/v2/environments/acme')).status).toBe(502);
  });

  it('follows a re-pointed egress map without re-importing @forge/api', async () => {
    const other = new FakeHttpService('github-2').route('GET', '/rate_limit', () => json(200, { from: 'second' }));
    const otherUrl = await other.listen();
    try {
      runtime.egress['https://api.github.com'] = otherUrl;
      expect(await (await forgeFetch('https://api.github.com/rate_limit')).json()).toEqual({ from: 'second' });
    } finally {
      runtime.egress['https://api.github.com'] = githubUrl;
      await other.close();
    }
  });

  it('leaves the global fetch alone: only Forge’s fetch is routed', () => {
    expect(globalThis.fetch).toBe(realFetch);
  });
});

describe('installation', () => {
  it('refuses a second runtime while one is installed', async () => {
    await expect(installForgeRuntime({ jiraBaseUrl: jiraUrl, egress: {} })).rejects.toThrow(/already installed/);
  });

  it('refuses to install after @forge/api was imported (its fetch would bypass egress)', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = [
      "await import('@forge/api');",
      "const { installForgeRuntime } = await import('./sandbox/forge-runtime/index.ts');",
      "await installForgeRuntime({ jiraBaseUrl: 'http://127.0.0.1:9', egress: {}, allowedEgress: [] }).then(",
      "  () => process.stdout.write('installed'), (e) => process.stdout.write(e.message));",
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root },
    );
    expect(stdout).toMatch(/@forge\/api was imported before installForgeRuntime/);
  });
});
