/**
 * The fake GitHub REST API over a GitHubWorld: the endpoints the app calls, with GitHub's paging
 * (per_page ≤ 100, Link rel="next"/"last"), its validation errors (422), its 404 body, Bearer auth
 * (401 "Bad credentials") and its rate-limit answers. The contract suite checks every request and
 * response against the GitHub OpenAPI description.
 *
 *   const { service, world } = createGitHubFake();
 *   const sha = world.addCommit({ message: 'OPS-1 change', files: ['apps/backend/a.txt'] });
 *   registerShippedDeployWorkflow(world);
 *   const baseUrl = await service.listen();
 */
import { readFileSync } from 'node:fs';
import { FakeHttpService, type FakeRequest, type FakeResponse, json, jsonBody } from '../http-fake';
import {
  commitJson,
  diffEntries,
  errorBody,
  fullRepository,
  gitRefJson,
  runJson,
  workflowJson,
} from './representations';
import { type FakeCommit, type FakeWorkflow, GitHubWorld, type RateLimitAnswer } from './world';

export interface GitHubFake {
  service: FakeHttpService;
  world: GitHubWorld;
}

const REPO = '/repos/{owner}/{repo}';

/** The deploy workflow's file name, as users copy it into .github/workflows/. */
export const SHIPPED_DEPLOY_WORKFLOW = 'kosli-release-gate-deploy.yml';

/** Registers the deploy workflow the app ships (github/workflows/), as a user who copied it has it. */
export function registerShippedDeployWorkflow(world: GitHubWorld): FakeWorkflow {
  const file = new URL(`../../../github/workflows/${SHIPPED_DEPLOY_WORKFLOW}`, import.meta.url);
  return world.registerWorkflow(SHIPPED_DEPLOY_WORKFLOW, readFileSync(file, 'utf8'));
}
/** Compare without paging parameters returns at most this many commits (the newest ones). */
const UNPAGED_COMPARE_LIMIT = 250;

function notFound(message = 'Not Found'): FakeResponse {
  return json(404, errorBody(404, message));
}

function validationFailed(message: string): FakeResponse {
  return json(422, errorBody(422, message));
}

/** The origin the client called, so API links point back at this fake. */
function apiBase(req: FakeRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

function intParam(req: FakeRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  const value = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/** GitHub's page slicing and Link header (prev/next/last/first, in GitHub's order). */
function paginate<T>(req: FakeRequest, items: T[], defaultPerPage = 30): Page<T> {
  const perPage = Math.min(100, intParam(req, 'per_page', defaultPerPage));
  const page = intParam(req, 'page', 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number): string => {
    const query = new URLSearchParams(req.query);
    query.set('per_page', String(perPage));
    query.set('page', String(n));
    return `<${apiBase(req)}${req.path}?${query.toString()}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) parts.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) parts.push(`${link(1)}; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: parts.length > 0 ? { link: parts.join(', ') } : {},
  };
}

/** A `created` search qualifier: `>=T`, `>T`, `<=T`, `<T`, `A..B` (either side may be `*`), or a date/time. */
function createdFilter(raw: string): ((iso: string) => boolean) | null {
  const at = (text: string): number | null => {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  };
  const comparison = /^(>=|<=|>|<)(.+)$/.exec(raw);
  if (comparison) {
    const bound = at(comparison[2] ?? '');
    if (bound === null) return null;
    const op = comparison[1];
    return (iso) => {
      const t = Date.parse(iso);
      return op === '>=' ? t >= bound : op === '>' ? t > bound : op === '<=' ? t <= bound : t < bound;
    };
  }
  const range = /^(.+)\.\.(.+)$/.exec(raw);
  if (range) {
    const from = range[1] === '*' ? -Infinity : at(range[1] ?? '');
    const to = range[2] === '*' ? Infinity : at(range[2] ?? '');
    if (from === null || to === null) return null;
    return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
  }
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const exact = at(raw);
  if (exact === null) return null;
  return day ? (iso) => iso.startsWith(raw) : (iso) => Date.parse(iso) === exact;
}

function touches(commit: FakeCommit, path: string): boolean {
  const dir = path.replace(/\/+$/, '');
  return commit.files.some((file) => file === dir || file.startsWith(`${dir}/`));
}

function rateLimited(answer: RateLimitAnswer, nowMs: number): FakeResponse {
  const headers: Record<string, string> = {};
  let message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  if (answer.resetInSeconds !== undefined) {
    message = 'API rate limit exceeded for user ID 1.';
    Object.assign(headers, {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(Math.floor(nowMs / 1000) + answer.resetInSeconds),
      'x-ratelimit-resource': 'core',
    });
  }
  if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
  return json(answer.status, errorBody(answer.status, message), headers);
}

export function createGitHubFake(world: GitHubWorld = new GitHubWorld()): GitHubFake {
  const service = new FakeHttpService('github');

  // GitHub's rate-limit headers on every answer: the primary limit of an authenticated token
  // (5,000 an hour, resource "core"), counted per window.
  let windowStart = 0;
  let used = 0;
  service.decorate = () => {
    const now = Math.floor(world.now().getTime() / 1000);
    if (now >= windowStart + 3600) {
      windowStart = now;
      used = 0;
    }
    used++;
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(windowStart + 3600),
      'x-ratelimit-resource': 'core',
    };
  };
  service.unrouted = () => notFound();

  service.guard = (req) => {
    if (world.token !== null) {
      const header = req.headers.authorization;
      if (!header) return json(401, errorBody(401, 'Requires authentication'));
      const match = /^(?:Bearer|token)\s+(.+)$/i.exec(header);
      if (!match || match[1] !== world.token) return json(401, errorBody(401, 'Bad credentials'));
    }
    const limited = world.rateLimitQueue.shift();
    return limited ? rateLimited(limited, world.now().getTime()) : undefined;
  };

  /** Only the world's repository exists (names are case-insensitive, like GitHub's). */
  const repoRoute =
    (handler: (req: FakeRequest) => FakeResponse) =>
    (req: FakeRequest): FakeResponse => {
      const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
      if (!same(req.params.owner, world.owner) || !same(req.params.repo, world.repo)) return notFound();
      const response = handler(req);
      if (world.oauthScopes === null) return response;
      return { ...response, headers: { ...response.headers, 'x-oauth-scopes': world.oauthScopes } };
    };

  service.route(
    'GET',
    REPO,
    repoRoute((req) => json(200, fullRepository(apiBase(req), world, world.token !== null))),
  );

  service.route(
    'GET',
    `${REPO}/actions/workflows/{workflow_id}`,
    repoRoute((req) => {
      const workflow = world.findWorkflow(req.params.workflow_id ?? '');
      return workflow ? json(200, workflowJson(apiBase(req), world, workflow)) : notFound();
    }),
  );

  service.route(
    'POST',
    `${REPO}/actions/workflows/{workflow_id}/dispatches`,
    repoRoute((req) => {
      const body = jsonBody(req);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return json(400, errorBody(400, 'Problems parsing JSON'));
      const fields = new Map(Object.entries(body));
      const unknownKey = [...fields.keys()].find((key) => !['ref', 'inputs', 'return_run_details'].includes(key));
      const returnDetails = fields.get('return_run_details');
      if (fields.has('return_run_details') && world.dispatchMode === 'reject-run-details') {
        return validationFailed('Invalid request.\n\n"return_run_details" is not a permitted key.');
      }
      if (unknownKey !== undefined)
        return validationFailed(`Invalid request.\n\n"${unknownKey}" is not a permitted key.`);
      const ref = fields.get('ref');
      if (typeof ref !== 'string') return validationFailed('Invalid request.\n\n"ref" wasn\'t supplied.');
      if (returnDetails !== undefined && typeof returnDetails !== 'boolean') {
        return validationFailed(
          `Invalid request.\n\nFor 'properties/return_run_details', ${JSON.stringify(returnDetails)} is not a boolean.`,
        );
      }
      const rawInputs = fields.get('inputs') ?? {};
      if (typeof rawInputs !== 'object' || rawInputs === null || Array.isArray(rawInputs)) {
        return validationFailed("Invalid request.\n\nFor 'properties/inputs', it is not an object.");
      }
      const entries = Object.entries(rawInputs);
      if (entries.length > 25)
        return validationFailed(
          'Invalid request.\n\nNo more than 25 properties are allowed; ' + `${entries.length} were supplied.`,
        );
      const inputs: Record<string, string> = {};
      for (const [name, value] of entries) {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          return validationFailed(
            `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.`,
          );
        }
        inputs[name] = String(value);
      }
      const outcome = world.dispatch(req.params.workflow_id ?? '', ref, inputs);
      if (!outcome.ok)
        return outcome.status === 404 ? notFound() : json(outcome.status, errorBody(outcome.status, outcome.message));
      if (world.dispatchMode === 'run-details' && returnDetails === true) {
        return json(200, {
          workflow_run_id: outcome.run.id,
          run_url: `${apiBase(req)}/repos/${world.fullName}/actions/runs/${outcome.run.id}`,
          html_url: outcome.run.htmlUrl,
        });
      }
      return { status: 204 };
    }),
  );

  service.route(
    'GET',
    `${REPO}/actions/workflows/{workflow_id}/runs`,
    repoRoute((req) => {
      const workflow = world.findWorkflow(req.params.workflow_id ?? '');
      if (!workflow) return notFound();
      const created = req.query.get('created');
      const createdOk = created === null ? () => true : createdFilter(created);
      if (createdOk === null) return validationFailed(`Invalid created qualifier: ${created}`);
      const event = req.query.get('event');
      const status = req.query.get('status');
      const headSha = req.query.get('head_sha');
      const branch = req.query.get('branch');
      const runs = world.runs
        .filter((run) => run.workflowId === workflow.id && world.listed(run))
        .filter((run) => event === null || run.event === event)
        .filter((run) => status === null || run.status === status || run.conclusion === status)
        .filter((run) => headSha === null || run.headSha === headSha)
        .filter((run) => branch === null || run.ref === branch)
        .filter((run) => createdOk(run.createdAt))
        .sort((a, b) => b.id - a.id);
      const page = paginate(req, runs);
      return json(
        200,
        { total_count: runs.length, workflow_runs: page.items.map((run) => runJson(apiBase(req), world, run)) },
        page.headers,
      );
    }),
  );

  service.route(
    'GET',
    `${REPO}/actions/runs/{run_id}`,
    repoRoute((req) => {
      const run = world.runs.find((candidate) => String(candidate.id) === req.params.run_id);
      return run ? json(200, runJson(apiBase(req), world, run)) : notFound();
    }),
  );

  // A commit's history never changes (a new commit is a new head), so a listing can be kept.
  const listings = new Map<string, FakeCommit[]>();
  service.route(
    'GET',
    `${REPO}/commits`,
    repoRoute((req) => {
      if (world.commits.size === 0) return json(409, errorBody(409, 'Git Repository is empty.'));
      const from = req.query.get('sha') ?? world.defaultBranch;
      const head = world.resolve(from);
      if (head === undefined) return notFound(`No commit found for SHA: ${from}`);
      const since = req.query.get('since');
      const until = req.query.get('until');
      const sinceMs = since === null ? -Infinity : Date.parse(since);
      const untilMs = until === null ? Infinity : Date.parse(until);
      if (Number.isNaN(sinceMs) || Number.isNaN(untilMs))
        return json(400, errorBody(400, 'Invalid time in since or until'));
      const path = req.query.get('path');
      // Each page of one listing filters the same history: filtered once per listing, not per page
      // (a 5,000-commit range is 51 pages over a 50,000-commit history).
      const listing = `${head} ${path ?? ''} ${since ?? ''} ${until ?? ''}`;
      let commits = listings.get(listing);
      if (commits === undefined) {
        commits = world
          .log(head)
          .filter((commit) => path === null || path === '' || touches(commit, path))
          .filter(
            (commit) =>
              (since === null && until === null) ||
              (Date.parse(commit.date) >= sinceMs && Date.parse(commit.date) <= untilMs),
          );
        if (listings.size >= 64) listings.clear();
        listings.set(listing, commits);
      }
      const page = paginate(req, commits);
      return json(
        200,
        page.items.map((commit) => commitJson(apiBase(req), world, commit)),
        page.headers,
      );
    }),
  );

  service.route(
    'GET',
    `${REPO}/compare/{basehead}`,
    repoRoute((req) => {
      const [baseRef, headRef, extra] = (req.params.basehead ?? '').split('...');
      if (baseRef === undefined || headRef === undefined || extra !== undefined) return notFound();
      const base = world.resolve(baseRef);
      const head = world.resolve(headRef);
      const baseCommit = base === undefined ? undefined : world.commits.get(base);
      if (base === undefined || head === undefined || baseCommit === undefined) return notFound();
      const { ahead, behindBy, mergeBase } = world.compare(base, head);
      if (mergeBase === undefined) return notFound(`No common ancestor between ${baseRef} and ${headRef}.`);
      const paged = req.query.has('per_page') || req.query.has('page');
      const page = paged ? paginate(req, ahead) : { items: ahead.slice(-UNPAGED_COMPARE_LIMIT), headers: {} };
      const firstPage = !paged || intParam(req, 'page', 1) === 1;
      const api = apiBase(req);
      const status =
        ahead.length === 0 && behindBy === 0
          ? 'identical'
          : behindBy === 0
            ? 'ahead'
            : ahead.length === 0
              ? 'behind'
              : 'diverged';
      const url = `${api}/repos/${world.fullName}/compare/${req.params.basehead}`;
      return json(
        200,
        {
          url,
          html_url: `${world.htmlUrl}/compare/${req.params.basehead}`,
          permalink_url: `${world.htmlUrl}/compare/${world.owner}:${base.slice(0, 7)}...${world.owner}:${head.slice(0, 7)}`,
          diff_url: `${world.htmlUrl}/compare/${req.params.basehead}.diff`,
          patch_url: `${world.htmlUrl}/compare/${req.params.basehead}.patch`,
          base_commit: commitJson(api, world, baseCommit),
          merge_base_commit: commitJson(api, world, mergeBase),
          status,
          ahead_by: ahead.length,
          behind_by: behindBy,
          total_commits: ahead.length,
          commits: page.items.map((commit) => commitJson(api, world, commit)),
          // GitHub lists the changed files of the whole comparison on the first page only.
          ...(firstPage ? { files: diffEntries(api, world, ahead, head) } : {}),
        },
        page.headers,
      );
    }),
  );

  const readRef = (req: FakeRequest, ref: string): FakeResponse => {
    const sha = world.getRef(ref);
    return sha === undefined ? notFound() : json(200, gitRefJson(apiBase(req), world, ref, sha));
  };
  const moveRef = (req: FakeRequest, ref: string): FakeResponse => {
    const body = jsonBody(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return json(400, errorBody(400, 'Problems parsing JSON'));
    const fields = new Map(Object.entries(body));
    const sha = fields.get('sha');
    const force = fields.get('force') ?? false;
    if (typeof sha !== 'string') return validationFailed('Invalid request.\n\n"sha" wasn\'t supplied.');
    // The classic mistake (gh api -f force=true): GitHub refuses the string.
    if (typeof force !== 'boolean')
      return validationFailed(`Invalid request.\n\nFor 'properties/force', ${JSON.stringify(force)} is not a boolean.`);
    const outcome = world.writeRef(ref, sha, { create: false, force });
    if (!outcome.ok) return json(outcome.status, errorBody(outcome.status, outcome.message));
    return json(200, gitRefJson(apiBase(req), world, ref, sha));
  };

  for (const kind of ['tags', 'heads'] as const) {
    service.route(
      'GET',
      `${REPO}/git/ref/${kind}/{name}`,
      repoRoute((req) => readRef(req, `${kind}/${req.params.name ?? ''}`)),
    );
    service.route(
      'PATCH',
      `${REPO}/git/refs/${kind}/{name}`,
      repoRoute((req) => moveRef(req, `${kind}/${req.params.name ?? ''}`)),
    );
  }
  // `{ref}` is one path parameter spanning segments in GitHub's OpenAPI ("heads/feature-a"), so
  // clients that encode it as one segment (octokit sends `git/ref/tags%2Fx`) reach the same ref.
  const encodedRef = (handler: (req: FakeRequest, ref: string) => FakeResponse) =>
    repoRoute((req) => {
      const ref = req.params.ref ?? '';
      return /^(tags|heads)\/.+/.test(ref) ? handler(req, ref) : notFound();
    });
  service.route('GET', `${REPO}/git/ref/{ref}`, encodedRef(readRef));
  service.route('PATCH', `${REPO}/git/refs/{ref}`, encodedRef(moveRef));

  service.route(
    'POST',
    `${REPO}/git/refs`,
    repoRoute((req) => {
      const body = jsonBody(req);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return json(400, errorBody(400, 'Problems parsing JSON'));
      const fields = new Map(Object.entries(body));
      const ref = fields.get('ref');
      const sha = fields.get('sha');
      if (typeof ref !== 'string' || typeof sha !== 'string')
        return validationFailed('Invalid request.\n\n"ref" and "sha" are required.');
      if (!/^refs\/[^/]+\/.+/.test(ref)) return validationFailed('Reference name is invalid');
      const outcome = world.writeRef(ref, sha, { create: true, force: false });
      if (!outcome.ok) return json(outcome.status, errorBody(outcome.status, outcome.message));
      const key = ref.replace(/^refs\//, '');
      return json(201, gitRefJson(apiBase(req), world, key, sha), {
        location: `${apiBase(req)}/repos/${world.fullName}/git/${ref}`,
      });
    }),
  );

  return { service, world };
}
