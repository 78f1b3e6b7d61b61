/**
 * GET /rest/api/3/project/search on the fake Jira: the projects the caller can browse whose key or
 * name contains the query (case insensitive), ordered by key or name, in pages of at most 100.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
 */
import { json, type FakeHttpService, type FakeRequest } from '../http-fake';
import { jiraError, projectWire } from './wire';
import type { JiraWorld, WorldProject } from './world';

const ORDERS: Record<string, (a: WorldProject, b: WorldProject) => number> = {
  key: (a, b) => a.key.localeCompare(b.key),
  name: (a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key),
};

export function routeProjectSearch(
  service: FakeHttpService,
  world: JiraWorld,
  baseUrl: (req: FakeRequest) => string,
  canBrowse: (req: FakeRequest, project: WorldProject) => boolean,
): void {
  service.route('GET', '/rest/api/3/project/search', (req) => {
    const startAt = Number(req.query.get('startAt') ?? '0');
    const requested = Number(req.query.get('maxResults') ?? '50');
    if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(requested) || requested < 0) {
      return jiraError(400, ['startAt and maxResults must be non-negative integers.']);
    }
    // Jira answers at most 100 a page, whatever was asked for.
    const maxResults = Math.min(requested, 100);
    const orderBy = req.query.get('orderBy') ?? 'key';
    const descending = orderBy.startsWith('-');
    const order = ORDERS[orderBy.replace(/^[+-]/, '')];
    if (!order) return jiraError(400, [`The orderBy value '${orderBy}' is not supported by this fake.`]);
    const query = (req.query.get('query') ?? '').trim().toLowerCase();
    const found = world
      .allProjects()
      .filter((project) => canBrowse(req, project))
      .filter(
        (project) =>
          query === '' || project.key.toLowerCase().includes(query) || project.name.toLowerCase().includes(query),
      )
      .sort((a, b) => (descending ? -order(a, b) : order(a, b)));
    const page = found.slice(startAt, startAt + maxResults);
    const isLast = startAt + page.length >= found.length;
    const self = `${baseUrl(req)}/rest/api/3/project/search?${req.query.toString()}`;
    const next = new URLSearchParams(req.query);
    next.set('startAt', String(startAt + maxResults));
    return json(200, {
      self,
      ...(isLast ? {} : { nextPage: `${baseUrl(req)}/rest/api/3/project/search?${next.toString()}` }),
      maxResults,
      startAt,
      total: found.length,
      isLast,
      values: page.map((project) => projectWire(baseUrl(req), project)),
    });
  });
}
