/**
 * The GitHub REST adapter: dispatches the deploy workflow and follows its run, expands commit
 * ranges into commits, moves tags. Every request goes through the shared retrying transport over an
 * injected `fetch`; every response is validated before use; errors are AppErrors that name the call
 * and never carry the token.
 */
import { AppError, isAppError } from '../errors';
import { limiter } from '../http/bounded';
import {
  absentOn404,
  type UpstreamCall,
  type Fetch,
  readJson,
  realSleep,
  sendWithRetry,
  type TransportOptions,
} from '../http/transport';
import type { CommitInfo } from '../release/types';
import { lastPage, nextPage } from './paging';
import { withGitHubRateLimits } from './rate-limit';
import {
  commitListSchema,
  compareSchema,
  dispatchResponseSchema,
  gitRefSchema,
  repositorySchema,
  type WireCommit,
  type WireWorkflowRun,
  workflowRunSchema,
  workflowRunsSchema,
  workflowSchema,
} from './schemas';
import type { Comparison, GitHubClient, GitHubConnection, WorkflowRun } from './types';

/** The REST version we are written against (the dispatch run details work under it too). */
export const GITHUB_API_VERSION = '2022-11-28';
const USER_AGENT = 'kosli-release-gate';
/** GitHub's maximum page size. */
const PER_PAGE = 100;
/** Bounds on paging, so a misbehaving server cannot keep us looping. */
const MAX_RUN_PAGES = 10;
const MAX_COMPARE_PAGES = 100;
/**
 * Commit pages asked at once once the first page names the last one. GitHub asks integrators to
 * avoid concurrent requests; a small bound keeps clear of its secondary limits (whose 403/429 with
 * Retry-After the transport honours) while a 5,000-commit range takes 7 rounds instead of 51.
 */
const PAGE_CONCURRENCY = 8;
/** How far back of our clock to look for a run dispatched without run details (clock skew). */
const CORRELATION_LOOKBACK_MS = 2 * 60_000;

export interface GitHubClientOptions extends TransportOptions {
  /** Clock in ms (tests pass a fixed one). */
  now?: () => number;
  /** When dispatch answers 204, how many times to look for the new run, and the step between looks (grows linearly). */
  correlation?: { attempts: number; delayMs: number };
}

const OP = {
  dispatch: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
  runs: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
  run: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
  commits: 'GET /repos/{owner}/{repo}/commits',
  compare: 'GET /repos/{owner}/{repo}/compare/{basehead}',
  getRef: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
  updateRef: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  createRef: 'POST /repos/{owner}/{repo}/git/refs',
  repo: 'GET /repos/{owner}/{repo}',
  workflow: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}',
} as const;

type Call = Pick<UpstreamCall, 'operation' | 'idempotent' | 'notFound'>;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The `created` search qualifier wants whole seconds; accept any ISO time from the caller. */
function normaliseSince(since: string): string {
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new AppError('INVALID_INPUT', `"${since}" is not an ISO date-time.`);
  return isoSeconds(ms);
}

/** The request id as a whole token of the title, so "req-1" never matches "req-12". */
function titleMentions(title: string, requestId: string): boolean {
  const escaped = requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.:-])${escaped}($|[^A-Za-z0-9_.:-])`).test(title);
}

function toRun(run: WireWorkflowRun): WorkflowRun {
  return {
    id: run.id,
    // GitHub documents status as nullable; a run without one has not been queued yet.
    status: run.status ?? 'requested',
    conclusion: run.conclusion,
    htmlUrl: run.html_url,
    displayTitle: run.display_title,
    createdAt: run.created_at,
  };
}

function commitDate(commit: WireCommit): string {
  // The schema guarantees one of the two dates.
  return commit.commit.author?.date ?? commit.commit.committer?.date ?? '';
}

function toCommitInfo(commit: WireCommit): CommitInfo {
  return {
    sha: commit.sha,
    title: (commit.commit.message.split('\n', 1)[0] ?? '').trim(),
    author: commit.commit.author?.name || commit.author?.login || 'unknown',
    authorEmail: commit.commit.author?.email || null,
    date: commitDate(commit),
    url: commit.html_url ?? null,
  };
}

export function createGitHubClient(
  connection: GitHubConnection,
  fetch: Fetch,
  options: GitHubClientOptions = {},
): GitHubClient {
  const baseUrl = connection.baseUrl.replace(/\/+$/, '');
  const repoName = `${connection.owner}/${connection.repo}`;
  const repoPath = `/repos/${encodeURIComponent(connection.owner)}/${encodeURIComponent(connection.repo)}`;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const correlation = options.correlation ?? { attempts: 4, delayMs: 750 };
  const send = withGitHubRateLimits(fetch, now);
  const headers = {
    authorization: `Bearer ${connection.token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': GITHUB_API_VERSION,
    'user-agent': USER_AGENT,
  };
  const notFound = {
    repo: `GitHub repository ${repoName} not found, or the token cannot see it.`,
    workflow: (workflow: string) => `GitHub workflow '${workflow}' not found in ${repoName}.`,
    run: (runId: number) => `GitHub workflow run ${runId} not found in ${repoName}.`,
    commit: (ref: string) => `GitHub commit or branch '${ref}' not found in ${repoName}.`,
    compare: (base: string, head: string) =>
      `GitHub cannot compare ${base.slice(0, 12)}...${head.slice(0, 12)} in ${repoName}: a commit is missing or the histories are unrelated.`,
  };

  function context(call: Call): UpstreamCall {
    return { system: 'github', secrets: [connection.token], ...call };
  }

  async function request(
    method: string,
    path: string,
    call: Call,
    query?: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    const search = query ? `?${new URLSearchParams(query).toString()}` : '';
    const url = `${baseUrl}${repoPath}${path}${search}`;
    const init: RequestInit = {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    return sendWithRetry((signal) => send(url, { ...init, signal }), context(call), options);
  }

  /** A page of a commit listing, and how many pages the listing has (null while GitHub does not say). */
  interface ListedPage {
    commits: WireCommit[];
    pages: number | null;
  }

  // One bound for the whole client: ten apps listed at once still make at most PAGE_CONCURRENCY requests.
  const paging = limiter(PAGE_CONCURRENCY);

  async function listCommitsPage(
    query: Record<string, string>,
    page: number,
    ref: string,
  ): Promise<{ commits: WireCommit[]; more: boolean; last: number | null }> {
    const call = { operation: OP.commits, idempotent: true, notFound: notFound.commit(ref) };
    const response = await paging(() =>
      request('GET', '/commits', call, { ...query, per_page: String(PER_PAGE), page: String(page) }),
    );
    const commits = await readJson(response, commitListSchema, context(call));
    const link = response.headers.get('link');
    return { commits, more: nextPage(link) !== null && commits.length > 0, last: lastPage(link) };
  }

  /**
   * The listing's pages in order, at most `maxPages`. After the first page names the last one, the
   * next pages are fetched PAGE_CONCURRENCY at a time; the caller stops reading (and so fetching
   * further rounds) once it has what it needs.
   */
  async function* commitPages(
    query: Record<string, string>,
    ref: string,
    maxPages: number,
  ): AsyncGenerator<ListedPage> {
    const first = await listCommitsPage(query, 1, ref);
    if (!first.more) {
      yield { commits: first.commits, pages: 1 };
      return;
    }
    if (first.last === null) {
      // No rel="last": follow rel="next" one page at a time, the total unknown until the end.
      yield { commits: first.commits, pages: null };
      for (let page = 2; page <= maxPages; page++) {
        const next = await listCommitsPage(query, page, ref);
        yield { commits: next.commits, pages: next.more ? null : page };
        if (!next.more) return;
      }
      return;
    }
    const last = Math.min(first.last, maxPages);
    yield { commits: first.commits, pages: last };
    for (let from = 2; from <= last; from += PAGE_CONCURRENCY) {
      const round = Array.from({ length: Math.min(PAGE_CONCURRENCY, last - from + 1) }, (_, i) =>
        listCommitsPage(query, from + i, ref),
      );
      for (const page of await Promise.all(round)) {
        yield { commits: page.commits, pages: last };
        if (page.commits.length === 0) return;
      }
    }
  }

  async function compareAll(base: string, head: string): Promise<Comparison<WireCommit>> {
    const call = { operation: OP.compare, idempotent: true, notFound: notFound.compare(base, head) };
    const basehead = `${encodeURIComponent(base)}...${encodeURIComponent(head)}`;
    const commits: WireCommit[] = [];
    // Unpaged, compare stops at 250 commits; paged, it returns all of them, oldest first.
    for (let page = 1; page <= MAX_COMPARE_PAGES; page++) {
      const response = await request('GET', `/compare/${basehead}`, call, {
        per_page: String(PER_PAGE),
        page: String(page),
      });
      const body = await readJson(response, compareSchema, context(call));
      commits.push(...body.commits);
      if (commits.length >= body.total_commits || body.commits.length === 0) {
        return { status: body.status, aheadBy: body.ahead_by, behindBy: body.behind_by, commits };
      }
    }
    throw new AppError(
      'UPSTREAM_INVALID_RESPONSE',
      `GitHub ${OP.compare} kept paging past ${MAX_COMPARE_PAGES * PER_PAGE} commits.`,
      {
        system: 'github',
        operation: OP.compare,
      },
    );
  }

  const client: GitHubClient = {
    /** @see https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event */
    async dispatchWorkflow({ workflow, ref, inputs, requestId }) {
      // A dispatch is not idempotent: a 5xx or timeout surfaces as maybeApplied, and the caller
      // looks for the run (findDispatchedRun) before dispatching again.
      const call = { operation: OP.dispatch, idempotent: false, notFound: notFound.workflow(workflow) };
      const path = `/actions/workflows/${encodeURIComponent(workflow)}/dispatches`;
      const since = isoSeconds(now() - CORRELATION_LOOKBACK_MS);
      let response: Response;
      try {
        response = await request('POST', path, call, undefined, { ref, inputs, return_run_details: true });
      } catch (error) {
        // GitHub Enterprise Server versions without run details reject the unknown key.
        const unsupported =
          isAppError(error) &&
          (error.status === 400 || error.status === 422) &&
          error.message.includes('return_run_details');
        if (!unsupported) throw error;
        response = await request('POST', path, call, undefined, { ref, inputs });
      }
      if (response.status === 200) {
        const body = await readJson(response, dispatchResponseSchema, context(call));
        return { runId: body.workflow_run_id, htmlUrl: body.html_url };
      }
      await response.body?.cancel();
      for (let attempt = 1; attempt <= correlation.attempts; attempt++) {
        // The run appears a moment after the 204.
        if (attempt > 1) await sleep(correlation.delayMs * (attempt - 1));
        const run = await client.findDispatchedRun({ workflow, requestId, since });
        if (run) return { runId: run.id, htmlUrl: run.htmlUrl };
      }
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `GitHub accepted the dispatch of '${workflow}' in ${repoName}, but its run (request ${requestId}) has not appeared yet; the next attempt looks for it before dispatching again.`,
        { system: 'github', operation: OP.runs, maybeApplied: true },
      );
    },

    /** @see https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow */
    async findDispatchedRun({ workflow, requestId, since }) {
      const call = { operation: OP.runs, idempotent: true, notFound: notFound.workflow(workflow) };
      const query = { event: 'workflow_dispatch', created: `>=${normaliseSince(since)}`, per_page: String(PER_PAGE) };
      for (let page = 1; page <= MAX_RUN_PAGES; page++) {
        const response = await request('GET', `/actions/workflows/${encodeURIComponent(workflow)}/runs`, call, {
          ...query,
          page: String(page),
        });
        const body = await readJson(response, workflowRunsSchema, context(call));
        // Should a run ever be dispatched twice for one request, the first one is the one we follow.
        const matches = body.workflow_runs
          .filter((run) => titleMentions(run.display_title, requestId))
          .sort((a, b) => a.id - b.id);
        if (matches[0]) return toRun(matches[0]);
        if (nextPage(response.headers.get('link')) === null || body.workflow_runs.length === 0) return null;
      }
      return null;
    },

    /** @see https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run */
    async getRun(runId) {
      const call = { operation: OP.run, idempotent: true, notFound: notFound.run(runId) };
      const response = await request('GET', `/actions/runs/${runId}`, call);
      return toRun(await readJson(response, workflowRunSchema, context(call)));
    },

    /**
     * When `base` is not met (it does not touch `path` itself), the walk is cut to base..head with a
     * compare, so base's own history never shows up as new commits.
     * @see https://docs.github.com/rest/commits/commits#list-commits
     */
    async commitsTouchingPath({ head, base, path, since, limit, onPage }) {
      const query: Record<string, string> = { sha: head, path };
      if (since !== null) query.since = normaliseSince(since);
      const walked: WireCommit[] = [];
      let baseFound = false;
      let truncated = false;
      // One page past the limit: prod's own commit is listed too (`since` is inclusive).
      let read = 0;
      walk: for await (const { commits, pages } of commitPages(query, head, Math.ceil(limit / PER_PAGE) + 1)) {
        // Awaited before the next round is fetched: the caller may stop the listing here by throwing.
        await onPage?.({ read: ++read, total: pages });
        for (const commit of commits) {
          if (commit.sha === base) {
            baseFound = true;
            break walk;
          }
          if (walked.length >= limit) {
            truncated = true;
            break walk;
          }
          walked.push(commit);
        }
      }
      let kept = walked;
      if (base !== null && !baseFound && walked.length > 0) {
        const inRange = new Set((await compareAll(base, head)).commits.map((commit) => commit.sha));
        kept = walked.filter((commit) => inRange.has(commit.sha));
      }
      return { commits: kept.reverse().map(toCommitInfo), baseFound, truncated };
    },

    /** @see https://docs.github.com/rest/commits/commits#list-commits */
    async commitsInPeriod({ ref, since, until, limit }) {
      normaliseSince(until);
      const untilMs = Date.parse(until);
      // GitHub takes whole seconds: ask up to the next second and cut at the exact end below.
      const query = { sha: ref, since: normaliseSince(since), until: isoSeconds(Math.ceil(untilMs / 1000) * 1000) };
      const found: WireCommit[] = [];
      let truncated = false;
      paging: for await (const { commits } of commitPages(query, ref, Math.ceil(limit / PER_PAGE) + 1)) {
        for (const commit of commits) {
          // GitHub's `until` is inclusive; the period is [since, until).
          if (Date.parse(commit.commit.committer?.date ?? commitDate(commit)) >= untilMs) continue;
          if (found.length >= limit) {
            truncated = true;
            break paging;
          }
          found.push(commit);
        }
      }
      return { commits: found.reverse().map(toCommitInfo), truncated };
    },

    /** @see https://docs.github.com/rest/commits/commits#compare-two-commits */
    async compare(base, head) {
      const result = await compareAll(base, head);
      return {
        status: result.status,
        aheadBy: result.aheadBy,
        behindBy: result.behindBy,
        commits: result.commits.map(toCommitInfo),
      };
    },

    /**
     * The sha the tag ref points at, or null when there is no such tag. For an annotated tag this is
     * the tag object's sha; the app and its workflow only write lightweight tags.
     * @see https://docs.github.com/rest/git/refs#get-a-reference
     */
    async getTag(tag) {
      const call = { operation: OP.getRef, idempotent: true };
      return absentOn404(async () => {
        const response = await request('GET', `/git/ref/tags/${encodeURIComponent(tag)}`, call);
        return (await readJson(response, gitRefSchema, context(call))).object.sha;
      }, null);
    },

    /** @see https://docs.github.com/rest/git/refs#update-a-reference */
    async setTag(tag, sha) {
      const current = await client.getTag(tag);
      if (current === sha) return;
      const update = async (): Promise<void> => {
        const call = {
          operation: OP.updateRef,
          idempotent: true,
          notFound: `GitHub tag '${tag}' not found in ${repoName}.`,
        };
        // `force` must be the JSON boolean true: the string "true" is refused with 422.
        const response = await request('PATCH', `/git/refs/tags/${encodeURIComponent(tag)}`, call, undefined, {
          sha,
          force: true,
        });
        await readJson(response, gitRefSchema, context(call));
      };
      if (current !== null) return update();
      // A create that was applied but not acknowledged comes back as 422 "Reference already exists"
      // when repeated, and the move then happens through the update: so retrying it is harmless.
      const call = { operation: OP.createRef, idempotent: true, notFound: notFound.repo };
      try {
        const response = await request('POST', '/git/refs', call, undefined, { ref: `refs/tags/${tag}`, sha });
        await readJson(response, gitRefSchema, context(call));
      } catch (error) {
        if (isAppError(error) && error.status === 422 && /already exists/i.test(error.message)) return update();
        throw error;
      }
    },

    /** @see https://docs.github.com/rest/repos/repos#get-a-repository */
    async repositoryExists() {
      const call = { operation: OP.repo, idempotent: true, notFound: notFound.repo };
      return absentOn404(async () => {
        await readJson(await request('GET', '', call), repositorySchema, context(call));
        return true;
      }, false);
    },

    /**
     * True when the workflow exists and is active (a disabled workflow cannot be dispatched).
     * @see https://docs.github.com/rest/actions/workflows#get-a-workflow
     */
    async workflowExists(workflow) {
      const call = { operation: OP.workflow, idempotent: true, notFound: notFound.workflow(workflow) };
      return absentOn404(async () => {
        const response = await request('GET', `/actions/workflows/${encodeURIComponent(workflow)}`, call);
        return (await readJson(response, workflowSchema, context(call))).state === 'active';
      }, false);
    },

    /**
     * Best effort, because GitHub shows only part of what a token may do:
     * - `permissions` on the repository is the *user's* role (push, maintain or admin can dispatch);
     * - a classic PAT or OAuth token also lists its scopes in `x-oauth-scopes`: it needs `repo`
     *   (`public_repo` suffices on a public repository);
     * - a fine-grained PAT shows no scopes: its "Actions: write" is not visible, so the role decides;
     * - a GitHub App installation token shows no `permissions`: we answer true, and a dispatch the
     *   installation may not make fails with a clear UPSTREAM_AUTH (403).
     * @see https://docs.github.com/rest/repos/repos#get-a-repository
     */
    async canDispatch() {
      const call = { operation: OP.repo, idempotent: true, notFound: notFound.repo };
      const response = await request('GET', '', call);
      const repository = await readJson(response, repositorySchema, context(call));
      const scopesHeader = response.headers.get('x-oauth-scopes');
      if (scopesHeader !== null) {
        const scopes = scopesHeader.split(',').map((scope) => scope.trim());
        if (!scopes.includes('repo') && !(scopes.includes('public_repo') && !repository.private)) return false;
      }
      const permissions = repository.permissions;
      if (!permissions) return true;
      return permissions.push || permissions.admin || permissions.maintain === true;
    },
  };
  return client;
}
