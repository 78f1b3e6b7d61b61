/**
 * A `RequestJira` that sends the adapter's routes to a fake Jira over loopback HTTP: what Forge's
 * `requestJira` does in production. `asUser` plays `api.asUser()` (the fake answers as that account);
 * without it the request acts as the app. `token` exercises the Authorization path of the fake.
 */
import type { RequestJira } from '../../../src/jira/route';
import { ACCOUNT_HEADER } from './jira-fake';

export interface FakeJiraTransportOptions {
  asUser?: string;
  token?: string;
}

export function createFakeJiraTransport(baseUrl: string, options: FakeJiraTransportOptions = {}): RequestJira {
  return (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (options.asUser !== undefined) headers[ACCOUNT_HEADER] = options.asUser;
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    return fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body, signal: init.signal });
  };
}
