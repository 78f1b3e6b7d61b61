/**
 * The fake Jira Cloud: the REST v3 endpoints the app calls, served from a JiraWorld with Jira's
 * status codes, error bodies, paging and permission answers. Route patterns are the OpenAPI path
 * templates, so the contract suite can match each logged request to its operation.
 *
 * Who calls: the local Forge runtime sets `x-fake-account-id` on `asUser()` requests; without it
 * the request acts as the app (`asApp()`), which holds every project permission by default, and
 * Make bulk changes (bulk-edit-api.ts).
 */
import { createHash } from 'node:crypto';
import { FakeHttpService, type FakeRequest, type FakeResponse, json, jsonBody } from '../http-fake';
import { registerBulkEditApi } from './bulk-edit-api';
import { registerDeploymentsApi } from './deployments-api';
import { parseJql, runJql, JqlError } from './jql';
import { isKnownPermission, JIRA_PERMISSIONS } from './permissions';
import {
  type IssueFieldName,
  ISSUE_FIELDS,
  issueWire,
  jiraError,
  projectWire,
  relatedWorkWire,
  userWire,
  versionWire,
} from './wire';
import { routeProjectSearch } from './project-search';
import { routeUserSearch } from './user-search';
import { JiraWorld, type WorldIssue, type WorldProject, type WorldVersion } from './world';

export const ACCOUNT_HEADER = 'x-fake-account-id';

/** Jira caps page sizes silently; clients must read `maxResults` back. */
export const VERSION_PAGE_CAP = 50;
export const SEARCH_PAGE_CAP = 100;
/** search/jql returns up to 5,000 issues per page when only ids or keys are requested. */
export const SEARCH_ID_PAGE_CAP = 5000;

export interface JiraFakeOptions {
  /** When set, every request must carry `Authorization: Bearer <token>` (401 otherwise). */
  token?: string;
  /** The fake's clock (ms since epoch), for the burst limiter and `overdue`. */
  now?: () => number;
  /** Lower page-size caps, to prove a client reads `maxResults` back (defaults: the caps above). */
  pageCaps?: { versions?: number; search?: number };
}

export interface JiraFake {
  service: FakeHttpService;
  world: JiraWorld;
}

const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';
const NOT_AUTHENTICATED = 'You are not authenticated. Authentication required to perform this operation.';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const VERSION_PROPERTIES = new Set([
  'approvers',
  'archived',
  'description',
  'driver',
  'expand',
  'id',
  'issuesStatusForFixVersion',
  'moveUnfixedIssuesTo',
  'name',
  'operations',
  'overdue',
  'project',
  'projectId',
  'releaseDate',
  'released',
  'self',
  'startDate',
  'userReleaseDate',
  'userStartDate',
]);
const SEARCH_PROPERTIES = new Set([
  'expand',
  'fields',
  'fieldsByKeys',
  'jql',
  'maxResults',
  'nextPageToken',
  'properties',
  'reconcileIssues',
]);
const ORDER_BY = /^[+-]?(description|name|releaseDate|sequence|startDate)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function baseUrl(req: FakeRequest): string {
  return `http://${header(req, 'host') ?? '127.0.0.1'}`;
}

/** Parses a non-negative integer query parameter; undefined when absent, NaN when malformed. */
function intParam(req: FakeRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

function boolParam(req: FakeRequest, name: string): boolean | undefined | 'invalid' {
  const raw = req.query.get(name);
  if (raw === null) return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return 'invalid';
}

function expands(req: FakeRequest): Set<string> {
  return new Set(
    (req.query.get('expand') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

function tokenHash(jql: string): string {
  return createHash('sha256').update(jql).digest('hex').slice(0, 16);
}

/** A Forge app's Bearer token, or an API token as the Basic password (`email:api-token`), as scripts send it. */
function authenticated(authorization: string | undefined, token: string): boolean {
  if (authorization === `Bearer ${token}`) return true;
  const basic = /^Basic (.+)$/.exec(authorization ?? '');
  return (
    basic !== null &&
    Buffer.from(basic[1] ?? '', 'base64')
      .toString('utf8')
      .split(':')
      .slice(1)
      .join(':') === token
  );
}

export function createJiraFake(world: JiraWorld = new JiraWorld(), options: JiraFakeOptions = {}): JiraFake {
  const service = new FakeHttpService('jira');
  const now = options.now ?? Date.now;
  if (options.now) world.clock = options.now;
  const recent: number[] = [];
  const today = (): string => new Date(now()).toISOString().slice(0, 10);

  const principal = (req: FakeRequest): string => header(req, ACCOUNT_HEADER) ?? world.appAccountId;
  const canBrowse = (req: FakeRequest, project: WorldProject): boolean =>
    world.holds(principal(req), 'BROWSE_PROJECTS', project.key);
  const holdsIn = (req: FakeRequest, project: WorldProject, ...permissions: string[]): boolean =>
    permissions.every((p) => world.holds(principal(req), p, project.key));
  const bulkEdits = registerBulkEditApi(service, world, now, principal);

  // Jira's rate-limit headers on every answer, as real responses carry them: the burst limit per
  // endpoint (X-RateLimit-*) and the hourly points quota of a Forge app (Beta-RateLimit*).
  const quota = { points: 100_100, windowSeconds: 3600 };
  let quotaWindowStart = 0;
  let quotaUsed = 0;
  service.decorate = () => {
    const t = Math.floor(now() / 1000);
    if (t >= quotaWindowStart + quota.windowSeconds) {
      quotaWindowStart = t;
      quotaUsed = 0;
    }
    quotaUsed++;
    const burst = world.burstLimit?.perSecond ?? 350;
    return {
      'x-ratelimit-limit': String(burst),
      'x-ratelimit-remaining': String(Math.max(0, burst - recent.length)),
      'beta-ratelimit-policy': `"tenant-app-quota";q=${quota.points};w=${quota.windowSeconds}`,
      'beta-ratelimit': `"tenant-app-quota";r=${Math.max(0, quota.points - quotaUsed)};t=${quotaWindowStart + quota.windowSeconds - t}`,
    };
  };

  service.unrouted = () => jiraError(404, ['null for uri: the resource does not exist.']);

  service.guard = (req) => {
    // Bulk edit tasks run on in Jira between requests: whatever this request reads sees their edits so far.
    bulkEdits.advanceAll();
    if (options.token !== undefined && !authenticated(header(req, 'authorization'), options.token)) {
      return jiraError(401, [NOT_AUTHENTICATED]);
    }
    const asUser = header(req, ACCOUNT_HEADER);
    if (asUser !== undefined && !world.user(asUser)?.active) return jiraError(401, [NOT_AUTHENTICATED]);
    const limit = world.burstLimit;
    if (limit) {
      const t = now();
      while (recent.length > 0 && (recent[0] ?? 0) <= t - 1000) recent.shift();
      if (recent.length >= limit.perSecond) {
        return {
          status: 429,
          body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
          headers: {
            'retry-after': String(limit.retryAfterSeconds),
            'ratelimit-reason': 'jira-burst-based',
            'x-ratelimit-limit': String(limit.perSecond),
            'x-ratelimit-remaining': '0',
            // "the request timestamp plus the Retry-After period … in the format yyyy-MM-ddTHH:mmZ" (Jira's rate-limiting docs).
            'x-ratelimit-reset': `${new Date(t + limit.retryAfterSeconds * 1000).toISOString().slice(0, 16)}Z`,
          },
        };
      }
      recent.push(t);
    }
    return undefined;
  };

  /** The project a `{projectIdOrKey}` names, if the caller may see it (Jira hides the rest as 404). */
  const visibleProject = (req: FakeRequest, idOrKey: string): WorldProject | undefined => {
    const project = world.project(idOrKey);
    return project && canBrowse(req, project) ? project : undefined;
  };
  const visibleVersion = (
    req: FakeRequest,
    id: string,
  ): { version: WorldVersion; project: WorldProject } | undefined => {
    const version = world.version(id);
    const project = version ? world.project(version.projectId) : undefined;
    return version && project && canBrowse(req, project) ? { version, project } : undefined;
  };
  /** A version as Jira sends it, with the expansions asked for (`approvers`, `issuesstatus`). */
  const versionJson = (
    req: FakeRequest,
    version: WorldVersion,
    expand: ReadonlySet<string> = new Set(),
  ): Record<string, unknown> =>
    versionWire(baseUrl(req), world, version, {
      approvers: expand.has('approvers'),
      issuesStatus: expand.has('issuesstatus'),
      today: today(),
    });
  const versionNotFound = (id: string): FakeResponse => jiraError(404, [`Could not find version for id '${id}'`]);
  const projectNotFound = (idOrKey: string): FakeResponse =>
    jiraError(404, [`No project could be found with ${/^\d+$/.test(idOrKey) ? 'id' : 'key'} '${idOrKey}'.`]);

  // Registered before /project/{projectIdOrKey}, which would otherwise take "search" for a key.
  routeProjectSearch(service, world, baseUrl, canBrowse);

  service.route('GET', '/rest/api/3/project/{projectIdOrKey}', (req) => {
    const key = req.params.projectIdOrKey ?? '';
    const project = visibleProject(req, key);
    return project ? json(200, projectWire(baseUrl(req), project)) : projectNotFound(key);
  });

  service.route('GET', '/rest/api/3/project/{projectIdOrKey}/version', (req) => {
    const key = req.params.projectIdOrKey ?? '';
    const project = visibleProject(req, key);
    if (!project) return projectNotFound(key);
    const startAt = intParam(req, 'startAt') ?? 0;
    const requested = intParam(req, 'maxResults') ?? 50;
    if (Number.isNaN(startAt) || Number.isNaN(requested))
      return jiraError(400, ['startAt and maxResults must be non-negative integers.']);
    const statuses = (req.query.get('status') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const badStatus = statuses.find((s) => !['released', 'unreleased', 'archived'].includes(s));
    if (badStatus)
      return jiraError(400, [`Invalid status '${badStatus}'. Valid values are released, unreleased and archived.`]);
    const orderBy = req.query.get('orderBy') ?? 'sequence';
    if (!ORDER_BY.test(orderBy)) return jiraError(400, [`Invalid orderBy '${orderBy}'.`]);
    const text = (req.query.get('query') ?? '').toLowerCase();

    const matching = world.versionsOf(project.id).filter((v) => {
      const status = v.archived ? 'archived' : v.released ? 'released' : 'unreleased';
      if (statuses.length > 0 && !statuses.includes(status)) return false;
      return text === '' || v.name.toLowerCase().includes(text) || (v.description ?? '').toLowerCase().includes(text);
    });
    sortVersions(matching, orderBy);

    const maxResults = Math.min(Math.max(requested, 1), options.pageCaps?.versions ?? VERSION_PAGE_CAP);
    const values = matching.slice(startAt, startAt + maxResults);
    const isLast = startAt + values.length >= matching.length;
    const base = baseUrl(req);
    const pageUrl = (at: number): string => {
      const params = new URLSearchParams(req.query);
      params.set('startAt', String(at));
      params.set('maxResults', String(maxResults));
      return `${base}${req.path}?${params.toString()}`;
    };
    const expand = expands(req);
    return json(200, {
      self: pageUrl(startAt),
      ...(isLast ? {} : { nextPage: pageUrl(startAt + values.length) }),
      maxResults,
      startAt,
      total: matching.length,
      isLast,
      values: values.map((v) => versionJson(req, v, expand)),
    });
  });

  // The unpaged list a script calls next to the paged one (jira.js `getProjectVersions`): every version, in sequence.
  service.route('GET', '/rest/api/3/project/{projectIdOrKey}/versions', (req) => {
    const key = req.params.projectIdOrKey ?? '';
    const project = visibleProject(req, key);
    if (!project) return projectNotFound(key);
    const expand = expands(req);
    return json(
      200,
      world.versionsOf(project.id).map((v) => versionJson(req, v, expand)),
    );
  });

  service.route('GET', '/rest/api/3/version/{id}', (req) => {
    const id = req.params.id ?? '';
    const found = visibleVersion(req, id);
    if (!found) return versionNotFound(id);
    return json(200, versionJson(req, found.version, expands(req)));
  });

  service.route('POST', '/rest/api/3/version', (req) => {
    const body = jsonBody(req);
    if (!isRecord(body) || Object.keys(body).some((k) => !VERSION_PROPERTIES.has(k)))
      return jiraError(400, [INVALID_PAYLOAD]);
    if (body.projectId === undefined && body.project === undefined) {
      return jiraError(400, [], { project: 'Project must be specified to create a version.' });
    }
    if (body.projectId !== undefined && !Number.isInteger(body.projectId)) return jiraError(400, [INVALID_PAYLOAD]);
    const projectRef = body.projectId !== undefined ? String(body.projectId) : String(body.project);
    const project = world.project(projectRef);
    if (!project || !canBrowse(req, project)) return projectNotFound(projectRef);
    if (!holdsIn(req, project, 'ADMINISTER_PROJECTS')) {
      return jiraError(404, ['You must have global or project administrator permissions in order to create versions.']);
    }
    const fieldErrors = validateVersionFields(body, project, undefined, world);
    if (typeof body.name !== 'string' || body.name.trim() === '')
      fieldErrors.name ??= 'You must specify a valid version name';
    if (Object.keys(fieldErrors).length > 0) return jiraError(400, [], fieldErrors);
    // `released` is "not applicable when creating"; readOnly properties (approvers, id, self…) are ignored.
    const version = world.addVersion({
      project: project.key,
      name: String(body.name),
      description: typeof body.description === 'string' ? body.description : null,
      archived: body.archived === true,
      releaseDate: typeof body.releaseDate === 'string' ? body.releaseDate : null,
      startDate: typeof body.startDate === 'string' ? body.startDate : null,
    });
    return json(201, versionJson(req, version));
  });

  service.route('PUT', '/rest/api/3/version/{id}', (req) => {
    const id = req.params.id ?? '';
    const found = visibleVersion(req, id);
    if (!found) return versionNotFound(id);
    const { version, project } = found;
    const body = jsonBody(req);
    if (!isRecord(body) || Object.keys(body).some((k) => !VERSION_PROPERTIES.has(k)))
      return jiraError(400, [INVALID_PAYLOAD]);
    if (!holdsIn(req, project, 'ADMINISTER_PROJECTS')) {
      return jiraError(400, ['You must have global or project administrator permissions in order to edit versions.']);
    }
    const fieldErrors = validateVersionFields(body, project, version, world);
    if (body.name !== undefined && (typeof body.name !== 'string' || body.name.trim() === ''))
      fieldErrors.name ??= 'You must specify a valid version name';
    if (body.released !== undefined && typeof body.released !== 'boolean')
      fieldErrors.released = 'Released must be true or false.';
    if (body.archived !== undefined && typeof body.archived !== 'boolean')
      fieldErrors.archived = 'Archived must be true or false.';
    let moveTo: WorldVersion | undefined;
    if (body.moveUnfixedIssuesTo !== undefined) {
      // The field holds the target version's self URL.
      const targetId =
        typeof body.moveUnfixedIssuesTo === 'string'
          ? /\/version\/(\d+)$/.exec(body.moveUnfixedIssuesTo)?.[1]
          : undefined;
      moveTo = targetId === undefined ? undefined : world.version(targetId);
      if (!moveTo || moveTo.projectId !== project.id || moveTo.id === version.id) {
        fieldErrors.moveUnfixedIssuesTo = 'The version to move unfixed issues to is not valid.';
      }
    }
    if (Object.keys(fieldErrors).length > 0) return jiraError(400, [], fieldErrors);

    if (typeof body.name === 'string') version.name = body.name;
    if (typeof body.description === 'string') version.description = body.description;
    if (typeof body.startDate === 'string') version.startDate = body.startDate;
    if (typeof body.archived === 'boolean') version.archived = body.archived;
    const releasing = body.released === true && !version.released;
    if (body.released === false) version.released = false;
    // A request to release an already released version is ignored, release date included.
    if (typeof body.releaseDate === 'string' && !(body.released === true && version.released))
      version.releaseDate = body.releaseDate;
    if (releasing) {
      version.released = true;
      version.releaseDate ??= today();
      if (moveTo) moveUnfixedIssues(world, version, moveTo);
    }
    return json(200, versionJson(req, version));
  });

  service.route('GET', '/rest/api/3/version/{id}/relatedwork', (req) => {
    const id = req.params.id ?? '';
    const found = visibleVersion(req, id);
    if (!found) return versionNotFound(id);
    return json(200, found.version.relatedWork.map(relatedWorkWire));
  });

  service.route('POST', '/rest/api/3/version/{id}/relatedwork', (req) => {
    const id = req.params.id ?? '';
    const found = visibleVersion(req, id);
    if (!found) return versionNotFound(id);
    const body = jsonBody(req);
    if (
      !isRecord(body) ||
      Object.keys(body).some((k) => !['category', 'title', 'url', 'relatedWorkId', 'issueId'].includes(k))
    ) {
      return jiraError(400, [INVALID_PAYLOAD]);
    }
    if (!holdsIn(req, found.project, 'RESOLVE_ISSUES', 'EDIT_ISSUES')) {
      return jiraError(403, [
        'You need the Resolve issues and Edit issues permissions to add related work to this version.',
      ]);
    }
    const errors: Record<string, string> = {};
    if (typeof body.category !== 'string' || body.category.trim() === '') errors.category = 'Category is required.';
    if (typeof body.url !== 'string' || !isHttpUrl(body.url)) errors.url = 'A valid URL is required for generic links.';
    if (body.title !== undefined && (typeof body.title !== 'string' || body.title.length > 255))
      errors.title = 'The title must be text of at most 255 characters.';
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
    const item = world.addRelatedWork(found.version.id, {
      category: String(body.category),
      title: typeof body.title === 'string' ? body.title : null,
      url: String(body.url),
    });
    return json(201, relatedWorkWire(item));
  });

  /** Enhanced search, shared by the POST (body) and GET (query) forms of `/rest/api/3/search/jql`. */
  const search = (
    req: FakeRequest,
    input: {
      jql: string;
      fields: string[] | undefined;
      maxResults: number | undefined;
      nextPageToken: string | undefined;
    },
  ): FakeResponse => {
    const { jql } = input;
    const fields = requestedFields(input.fields ?? ['id']);

    let offset = 0;
    if (input.nextPageToken !== undefined) {
      const decoded = readPageToken(input.nextPageToken, jql);
      if (decoded === undefined) return jiraError(400, ['The provided next page token is invalid or expired.']);
      offset = decoded;
    }
    let issues: WorldIssue[];
    try {
      issues = runJql(
        world,
        parseJql(jql),
        (issue) => {
          const project = world.project(issue.projectId);
          return project !== undefined && canBrowse(req, project);
        },
        world.searchableIssues(),
      );
    } catch (error) {
      if (error instanceof JqlError) return jiraError(400, error.messages);
      throw error;
    }
    const cap = fields.size === 0 ? SEARCH_ID_PAGE_CAP : (options.pageCaps?.search ?? SEARCH_PAGE_CAP);
    const pageSize = Math.min(Math.max(input.maxResults ?? 50, 1), cap);
    const page = issues.slice(offset, offset + pageSize);
    const isLast = offset + page.length >= issues.length;
    const base = baseUrl(req);
    return json(200, {
      issues: page.map((issue) => issueWire(base, world, issue, fields)),
      // Absent, not null, on the last page: the quirk real Jira has (JRACLOUD-92184).
      ...(isLast ? {} : { nextPageToken: pageToken(jql, offset + page.length) }),
      isLast,
    });
  };

  service.route('POST', '/rest/api/3/search/jql', (req) => {
    const body = jsonBody(req);
    if (!isRecord(body) || Object.keys(body).some((k) => !SEARCH_PROPERTIES.has(k)))
      return jiraError(400, [INVALID_PAYLOAD]);
    if (body.fields !== undefined && !(Array.isArray(body.fields) && body.fields.every((f) => typeof f === 'string')))
      return jiraError(400, [INVALID_PAYLOAD]);
    if (body.maxResults !== undefined && !(Number.isInteger(body.maxResults) && Number(body.maxResults) >= 0))
      return jiraError(400, [INVALID_PAYLOAD]);
    if (body.nextPageToken !== undefined && typeof body.nextPageToken !== 'string')
      return jiraError(400, [INVALID_PAYLOAD]);
    return search(req, {
      jql: typeof body.jql === 'string' ? body.jql : '',
      fields: Array.isArray(body.fields) ? body.fields.map(String) : undefined,
      maxResults: body.maxResults === undefined ? undefined : Number(body.maxResults),
      nextPageToken: typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined,
    });
  });

  // The same search with its parameters in the query; `fields` is repeated or comma-separated (OpenAPI: array, form).
  service.route('GET', '/rest/api/3/search/jql', (req) => {
    const rawMax = req.query.get('maxResults');
    const maxResults = rawMax === null ? undefined : Number(rawMax);
    if (maxResults !== undefined && !(Number.isInteger(maxResults) && maxResults >= 0))
      return jiraError(400, ["The value of 'maxResults' must be a non-negative integer."]);
    const fields = req.query
      .getAll('fields')
      .flatMap((f) => f.split(','))
      .map((f) => f.trim())
      .filter((f) => f !== '');
    return search(req, {
      jql: req.query.get('jql') ?? '',
      fields: fields.length > 0 ? fields : undefined,
      maxResults,
      nextPageToken: req.query.get('nextPageToken') ?? undefined,
    });
  });

  service.route('PUT', '/rest/api/3/issue/{issueIdOrKey}', (req) => {
    const ref = req.params.issueIdOrKey ?? '';
    const issue = world.issueByIdOrKey(ref);
    const project = issue ? world.project(issue.projectId) : undefined;
    if (!issue || !project || !canBrowse(req, project))
      return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    const flag: Record<string, boolean | undefined> = {};
    for (const name of ['notifyUsers', 'overrideScreenSecurity', 'overrideEditableFlag', 'returnIssue']) {
      const value = boolParam(req, name);
      if (value === 'invalid') return jiraError(400, [`The value of ${name} must be true or false.`]);
      flag[name] = value;
    }
    const isProjectAdmin = holdsIn(req, project, 'ADMINISTER_PROJECTS');
    if (flag.notifyUsers === false && !isProjectAdmin) {
      return jiraError(403, [
        'To discard the user notification either admin or project admin permissions are required.',
      ]);
    }
    if ((flag.overrideScreenSecurity || flag.overrideEditableFlag) && !isProjectAdmin) {
      return jiraError(403, [
        'Only connect app users with admin permissions can override screen security and the editable flag.',
      ]);
    }
    const body = jsonBody(req);
    if (!isRecord(body)) return jiraError(400, [INVALID_PAYLOAD]);
    if (!holdsIn(req, project, 'EDIT_ISSUES'))
      return jiraError(400, ['You do not have permission to edit issues in this project.']);
    const result = applyIssueEdit(world, issue, project, body, holdsIn(req, project, 'RESOLVE_ISSUES'));
    if (result) return result;
    if (flag.returnIssue) return json(200, issueWire(baseUrl(req), world, issue, new Set(ISSUE_FIELDS)));
    return { status: 204 };
  });

  service.route('GET', '/rest/api/3/user', (req) => {
    const accountId = req.query.get('accountId') ?? '';
    const user = world.user(accountId);
    if (!user) return jiraError(404, ['Specified user does not exist or you do not have required permissions']);
    return json(200, userWire(baseUrl(req), user));
  });

  routeUserSearch(service, world, baseUrl);

  service.route('GET', '/rest/api/3/mypermissions', (req) => {
    const raw = req.query.get('permissions');
    if (raw === null || raw.trim() === '') return jiraError(400, ['The permissions query parameter is required.']);
    const keys = raw
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const unknown = keys.filter((k) => !isKnownPermission(k));
    if (unknown.length > 0)
      return jiraError(
        400,
        unknown.map((k) => `Permission '${k}' does not exist.`),
      );
    const projectRef = req.query.get('projectKey') ?? req.query.get('projectId');
    let projectKey: string | undefined;
    if (projectRef !== null) {
      const project = visibleProject(req, projectRef);
      if (!project) return projectNotFound(projectRef);
      projectKey = project.key;
    }
    const who = principal(req);
    const permissions: Record<string, unknown> = {};
    for (const key of keys) {
      const info = JIRA_PERMISSIONS[key];
      if (!info) continue;
      permissions[key] = {
        id: info.id,
        key,
        name: info.name,
        type: info.type,
        description: info.description,
        havePermission: world.holds(who, key, projectKey),
      };
    }
    return json(200, { permissions });
  });

  registerDeploymentsApi(service, world, now);
  return { service, world };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Checks the fields create and update share; returns Jira's per-field errors. */
function validateVersionFields(
  body: Record<string, unknown>,
  project: WorldProject,
  self: WorldVersion | undefined,
  world: JiraWorld,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (typeof body.name === 'string') {
    if (body.name.length > 255) errors.name = 'The version name must not exceed 255 characters.';
    const twin = world.versionNamed(project.id, body.name.trim());
    if (twin && twin.id !== self?.id) errors.name = 'A version with this name already exists in this project.';
  }
  if (body.description !== undefined) {
    if (typeof body.description !== 'string') errors.description = 'The description must be text.';
    else if (Buffer.byteLength(body.description, 'utf8') > 16384)
      errors.description = 'The description must not exceed 16,384 bytes.';
  }
  for (const field of ['releaseDate', 'startDate'] as const) {
    if (body[field] !== undefined && !isIsoDate(body[field]))
      errors[field] = 'Invalid date format. Please enter the date in the format "yyyy-MM-dd".';
  }
  return errors;
}

function sortVersions(versions: WorldVersion[], orderBy: string): void {
  const descending = orderBy.startsWith('-');
  const field = orderBy.replace(/^[+-]/, '');
  if (field === 'sequence') {
    if (descending) versions.reverse();
    return;
  }
  const value = (v: WorldVersion): string | null =>
    field === 'name'
      ? v.name
      : field === 'description'
        ? v.description
        : field === 'releaseDate'
          ? v.releaseDate
          : v.startDate;
  versions.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    // Versions without the date (or text) come last, whatever the direction.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (descending ? -1 : 1) * x.localeCompare(y);
  });
}

function moveUnfixedIssues(world: JiraWorld, from: WorldVersion, to: WorldVersion): void {
  for (const issue of world.allIssues()) {
    if (issue.statusCategory === 'done' || !issue.fixVersionIds.includes(from.id)) continue;
    const kept = issue.fixVersionIds.filter((id) => id !== from.id);
    world.setFixVersions(issue, kept.includes(to.id) ? kept : [...kept, to.id]);
  }
}

/** search/jql `fields`: names (or comma lists), `*all`, `*navigable`, `-name` to exclude; `id`/`key` add nothing. */
function requestedFields(items: readonly string[]): Set<IssueFieldName> {
  const fields = new Set<IssueFieldName>();
  const excluded = new Set<string>();
  for (const name of items.flatMap((item) => item.split(',')).map((s) => s.trim())) {
    if (name === '*all' || name === '*navigable') ISSUE_FIELDS.forEach((f) => fields.add(f));
    else if (name.startsWith('-')) excluded.add(name.slice(1));
    else {
      const known = ISSUE_FIELDS.find((f) => f === name);
      if (known) fields.add(known);
    }
  }
  for (const name of excluded) {
    const known = ISSUE_FIELDS.find((f) => f === name);
    if (known) fields.delete(known);
  }
  return fields;
}

function pageToken(jql: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: tokenHash(jql), o: offset })).toString('base64url');
}

function readPageToken(token: string, jql: string): number | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!isRecord(decoded) || decoded.q !== tokenHash(jql) || !Number.isInteger(decoded.o)) return undefined;
    return Number(decoded.o);
  } catch {
    return undefined;
  }
}

/**
 * Applies `fields` / `update` to the issue, all or nothing. Only fixVersions can be edited (the app
 * touches nothing else), and not in a status that forbids edits (Jira then has no edit screen);
 * `fields.fixVersions` REPLACES the list, as in Jira, while `update` adds and removes. Returns the
 * error response, or undefined when applied.
 */
function applyIssueEdit(
  world: JiraWorld,
  issue: WorldIssue,
  project: WorldProject,
  body: Record<string, unknown>,
  canResolve: boolean,
): FakeResponse | undefined {
  if (Object.keys(body).some((k) => !['fields', 'update', 'historyMetadata', 'properties', 'transition'].includes(k)))
    return jiraError(400, [INVALID_PAYLOAD]);
  const fields = body.fields === undefined ? {} : body.fields;
  const update = body.update === undefined ? {} : body.update;
  if (!isRecord(fields) || !isRecord(update)) return jiraError(400, [INVALID_PAYLOAD]);
  if (Object.keys(fields).length === 0 && Object.keys(update).length === 0) return undefined;

  const errors: Record<string, string> = {};
  const unsettable = (field: string): string =>
    `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
  for (const field of [...Object.keys(fields), ...Object.keys(update)]) {
    if (field !== 'fixVersions' || !canResolve || !world.editable(issue)) errors[field] = unsettable(field);
  }
  if (Object.hasOwn(fields, 'fixVersions') && Object.hasOwn(update, 'fixVersions')) {
    errors.fixVersions = "Field 'fixVersions' cannot be set in both 'fields' and 'update'.";
  }
  if (Object.keys(errors).length > 0) return jiraError(400, [], errors);

  const resolve = (ref: unknown): WorldVersion | string => {
    if (!isRecord(ref)) return 'Each version must be an object with an id or a name.';
    const byId = typeof ref.id === 'string' || typeof ref.id === 'number' ? world.version(String(ref.id)) : undefined;
    const byName = typeof ref.name === 'string' ? world.versionNamed(project.id, ref.name) : undefined;
    const version = byId ?? byName;
    if (ref.id === undefined && ref.name === undefined) return "Could not find valid 'id' or 'name' in version object.";
    if (!version || version.projectId !== project.id) {
      return ref.id !== undefined
        ? `Version id '${String(ref.id)}' is not valid`
        : `Version name '${String(ref.name)}' is not valid`;
    }
    return version;
  };

  let next = [...issue.fixVersionIds];
  const apply = (op: 'add' | 'remove' | 'set', value: unknown): string | undefined => {
    const refs = op === 'set' ? value : [value];
    if (!Array.isArray(refs)) return "The 'set' operation on fixVersions takes an array of versions.";
    const versions: WorldVersion[] = [];
    for (const ref of refs) {
      const resolved = resolve(ref);
      if (typeof resolved === 'string') return resolved;
      versions.push(resolved);
    }
    if (op === 'set') next = versions.map((v) => v.id);
    else if (op === 'remove') next = next.filter((id) => !versions.some((v) => v.id === id));
    else for (const v of versions) if (!next.includes(v.id)) next.push(v.id);
    return undefined;
  };

  let problem: string | undefined;
  if (Object.hasOwn(fields, 'fixVersions')) {
    problem = apply('set', fields.fixVersions);
  } else {
    const ops = update.fixVersions;
    if (!Array.isArray(ops)) problem = 'The update of fixVersions must be a list of operations.';
    else {
      for (const op of ops) {
        const names = isRecord(op) ? Object.keys(op) : [];
        const name = names[0];
        if (!isRecord(op) || names.length !== 1 || (name !== 'add' && name !== 'remove' && name !== 'set')) {
          problem = "Each fixVersions operation must be exactly one of 'add', 'remove' or 'set'.";
          break;
        }
        problem = apply(name, op[name]);
        if (problem) break;
      }
    }
  }
  if (problem) return jiraError(400, [], { fixVersions: problem });
  world.setFixVersions(issue, next);
  return undefined;
}
