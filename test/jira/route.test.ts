import { describe, expect, it } from 'vitest';
import { route, UnsafeRouteError } from '../../src/jira/route';

describe('route', () => {
  it('percent-encodes path and query interpolations', () => {
    expect(route`/rest/api/3/version/${'10042'}?expand=approvers`).toBe('/rest/api/3/version/10042?expand=approvers');
    expect(route`/rest/api/3/issue/${'A B/C?d'}`).toBe('/rest/api/3/issue/A%20B%2FC%3Fd');
    expect(route`/rest/api/3/user?accountId=${'557058:ab&c=d'}`).toBe('/rest/api/3/user?accountId=557058%3Aab%26c%3Dd');
    expect(route`/rest/api/3/project/${'ABC'}/version?startAt=${0}&maxResults=${50}`).toBe(
      '/rest/api/3/project/ABC/version?startAt=0&maxResults=50',
    );
  });

  it.each(['..', '../admin', 'a/../b', '.%2e', '%2E%2e', '.', ''])('rejects the path parameter %j', (value) => {
    expect(() => route`/rest/api/3/version/${value}`).toThrow(UnsafeRouteError);
  });

  it('allows dots that are not dot-segments, and anything in the query', () => {
    expect(route`/rest/api/3/project/${'v1.2'}`).toBe('/rest/api/3/project/v1.2');
    expect(route`/rest/api/3/user?accountId=${'..'}`).toBe('/rest/api/3/user?accountId=..');
  });
});
