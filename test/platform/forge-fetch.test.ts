/**
 * forgeFetch (the Fetch the Kosli and GitHub adapters use) over the REAL @forge/api `fetch`,
 * through the local runtime's egress rules.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeHttpService, json, jsonBody } from '../../sandbox/fakes/http-fake';
import { installForgeRuntime } from '../../sandbox/forge-runtime';
import { AppError } from '../../src/errors';

const kosli = new FakeHttpService('kosli').route('PUT', '/api/v2/attestations/{org}/{flow}', (req) =>
  json(201, {
    auth: req.headers.authorization ?? null,
    type: req.headers['content-type'] ?? null,
    body: jsonBody(req) ?? null,
  }),
);
const runtime = await installForgeRuntime({
  jiraBaseUrl: 'http://127.0.0.1:9',
  egress: { 'https://app.kosli.com': await kosli.listen() },
});
const { forgeFetch } = await import('../../src/platform/forge-fetch');

afterAll(async () => {
  runtime.uninstall();
  await kosli.close();
});

describe('forgeFetch', () => {
  it('reaches an egress-listed host with method, headers and body, and returns a standard Response', async () => {
    const response = await forgeFetch('https://app.kosli.com/api/v2/attestations/acme/releases', {
      method: 'PUT',
      headers: new Headers({ authorization: 'Bearer t0ken', 'content-type': 'application/json' }),
      body: JSON.stringify({ is_compliant: true }),
    });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, await response.json()]).toEqual([
      201,
      { auth: 'Bearer t0ken', type: 'application/json', body: { is_compliant: true } },
    ]);
  });

  it('gets 403 from a host missing from the manifest egress list', async () => {
    const response = await forgeFetch('https://kosli.example.com/api/v2/environments/acme');
    expect(response.status).toBe(403);
  });

  it('refuses a body Forge fetch cannot send', async () => {
    await expect(
      forgeFetch('https://app.kosli.com/x', { method: 'POST', body: new Blob(['x']) }),
    ).rejects.toBeInstanceOf(AppError);
  });
});
