/**
 * A `RequestJira` that sends the adapter's routes to a fake Jira over loopback HTTP: what Forge's
 * `requestJira` does in production. `asUser` plays `api.asUser()` (the fake answers as that account);
 * without it the request acts as the app. `token` exercises the Authorization path of the fake.
 */
import { ACCOUNT_HEADER } from './jira-fake';

/** The shape of Forge's `requestJira`: a path with its query, and a fetch-like init. */
export type LoopbackRequestJira = (
  path: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<Response>;

export interface FakeJiraTransportOptions {
  asUser?: string;
  token?: string;
}

export function createFakeJiraTransport(baseUrl: string, options: FakeJiraTransportOptions = {}): LoopbackRequestJira {
  return (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (options.asUser !== undefined) headers[ACCOUNT_HEADER] = options.asUser;
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    return fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body, signal: init.signal });
  };
}
