/**
 * GET /rest/api/3/user/search on the fake Jira: people whose display name or e-mail starts with the
 * query (any word of the name), as Jira's user picker matches, at most `maxResults` (default 50).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get
 */
import { json, type FakeHttpService, type FakeRequest } from '../http-fake';
import { jiraError, userWire } from './wire';
import type { JiraWorld, WorldUser } from './world';

function matches(user: WorldUser, query: string): boolean {
  const words = [...user.displayName.toLowerCase().split(/\s+/), user.emailAddress?.toLowerCase() ?? ''];
  return words.some((word) => word.startsWith(query));
}

export function routeUserSearch(
  service: FakeHttpService,
  world: JiraWorld,
  baseUrl: (req: FakeRequest) => string,
): void {
  service.route('GET', '/rest/api/3/user/search', (req) => {
    const query = (req.query.get('query') ?? '').trim().toLowerCase();
    const accountId = req.query.get('accountId');
    if (query === '' && !accountId)
      return jiraError(400, ['One of the query parameters query or accountId is required.']);
    const max = Math.min(Number(req.query.get('maxResults') ?? '50') || 50, 1000);
    const found = world.allUsers().filter((user) => (accountId ? user.accountId === accountId : matches(user, query)));
    return json(
      200,
      found.slice(0, max).map((user) => userWire(baseUrl(req), user)),
    );
  });
}
