/**
 * The fake GitHub's world, as plain in-memory data: one repository with its commits, refs,
 * workflows and workflow runs. Tests, the sandbox and the benchmark seed it with the methods below;
 * the HTTP layer (./github-fake.ts) only translates requests into these calls and results into GitHub's
 * JSON. Everything is deterministic except run timestamps, which follow `now` (real time by default,
 * so a client looking for runs `created>=` its own clock finds them).
 */
import { createHash } from 'node:crypto';
import { parseWorkflowFile, renderRunName, type WorkflowInputSpec } from './workflow-file';

/** A workflow run's `status`, as GitHub's REST API documents it (workflow-run schema). */
export type RunStatus = 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';
/** A completed run's `conclusion` (same schema). */
export type RunConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'action_required'
  | 'neutral'
  | 'skipped'
  | 'stale'
  | 'startup_failure';

export interface FakeCommit {
  sha: string;
  parents: string[];
  message: string;
  author: { name: string; email: string };
  /** ISO time; author and committer date are the same in the fake. */
  date: string;
  /** Paths the commit touches, relative to the repository root. */
  files: string[];
}

export interface FakeWorkflow {
  id: number;
  /** The file name, e.g. "kosli-release-gate-deploy.yml". */
  file: string;
  name: string;
  state: 'active' | 'disabled_manually';
  runName: string | null;
  /** Null when the file has no workflow_dispatch trigger. */
  inputs: WorkflowInputSpec[] | null;
  createdAt: string;
}

export interface FakeRun {
  id: number;
  workflowId: number;
  workflowFile: string;
  runNumber: number;
  event: 'workflow_dispatch';
  status: RunStatus;
  conclusion: RunConclusion | null;
  displayTitle: string;
  /** The inputs after defaults were applied. */
  inputs: Record<string, string>;
  /** The branch or tag name the run was dispatched on, and the commit it resolved to. */
  ref: string;
  headSha: string;
  createdAt: string;
  updatedAt: string;
  htmlUrl: string;
  /** Set by `failNextRun`: the run ends with this instead of running the executor. */
  forcedConclusion: RunConclusion | null;
}

/** Runs a dispatched workflow and tells how it concluded (the sandbox plugs in real git and Kosli here). */
export type RunExecutor = (run: FakeRun, world: GitHubWorld) => RunConclusion | Promise<RunConclusion>;

export type DispatchMode =
  /** github.com since Feb 2026: 200 + run id when `return_run_details` is true, else 204. */
  | 'run-details'
  /** The older API: always 204, the run must be found by listing runs. */
  | 'no-content'
  /** GitHub Enterprise Server without the feature: 422 when `return_run_details` is sent, 204 otherwise. */
  | 'reject-run-details';

export type DispatchOutcome = { ok: true; run: FakeRun } | { ok: false; status: 403 | 404 | 422; message: string };

export type RefWriteOutcome = { ok: true; sha: string } | { ok: false; status: 403 | 422; message: string };

/** A rate-limit answer queued for the next requests (the server's guard sends it). */
export interface RateLimitAnswer {
  status: 403 | 429;
  /** Secondary limit: `retry-after` seconds. */
  retryAfterSeconds?: number;
  /** Primary limit: `x-ratelimit-remaining: 0` with a reset this many seconds ahead. */
  resetInSeconds?: number;
}

export interface GitHubWorldOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** The token the fake accepts; null accepts any request, authenticated or not. */
  token?: string | null;
  /** Base of html_url links (runs, commits). */
  htmlBaseUrl?: string;
  /** Clock for runs and refs. */
  now?: () => Date;
  /** Date of the first commit added without an explicit date; later ones follow a minute apart. */
  firstCommitDate?: string;
}

export interface AddCommitInput {
  message: string;
  files: string[];
  author?: { name: string; email: string };
  date?: string;
  /** Parent commit(s); defaults to the head of `branch`; null makes a root commit. */
  parent?: string | string[] | null;
  /** The branch moved to the new commit (default: the default branch); null moves none. */
  branch?: string | null;
  /** The commit's sha when a real repository made it (the sandbox's git); otherwise derived from the content. */
  sha?: string;
}

export class GitHubWorld {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  token: string | null;
  readonly htmlBaseUrl: string;
  readonly now: () => Date;
  /** Reported as `private` and `visibility`; decides whether a `public_repo` scope suffices. */
  privateRepo = false;
  /** The authenticated user's role, as GET /repos/{o}/{r} reports it. */
  permissions = { admin: false, maintain: false, push: true, triage: true, pull: true };
  /** Sent as `x-oauth-scopes` (a classic PAT); null for fine-grained PATs and App tokens. */
  oauthScopes: string | null = null;
  dispatchMode: DispatchMode = 'run-details';
  /** What a run does when it runs: by default it succeeds; the simulation plugs in the deploy workflow's steps. */
  executor: RunExecutor = () => 'success';
  /** When set, every dispatched run starts after half this delay and settles after all of it. */
  settleAfterMs: number | null = null;
  /**
   * How long a dispatched run stays out of the run listings (ms). GitHub lists a run seconds after
   * the dispatch; the run itself (GET /actions/runs/{id}) is readable at once.
   */
  runListingDelayMs = 0;

  /** Whether a run shows in `GET …/workflows/{id}/runs` yet. */
  listed(run: FakeRun): boolean {
    return this.now().getTime() - Date.parse(run.createdAt) >= this.runListingDelayMs;
  }

  readonly commits = new Map<string, FakeCommit>();
  /** "heads/main" / "tags/running-prod-backend" → sha. */
  readonly refs = new Map<string, string>();
  readonly workflows = new Map<string, FakeWorkflow>();
  readonly runs: FakeRun[] = [];
  readonly rateLimitQueue: RateLimitAnswer[] = [];

  private readonly completedListeners = new Set<(run: FakeRun) => void | Promise<void>>();
  private readonly forcedConclusions: RunConclusion[] = [];
  private latestCommitMs: number;
  /** Insertion order and time (ms) per sha, so history walks need no date parsing. */
  private readonly commitOrder = new Map<string, { index: number; ms: number }>();
  /** Commits never change once added, so a history walk from one sha can be kept. */
  private readonly logCache = new Map<string, FakeCommit[]>();
  private nextWorkflowId = 161_335;
  private nextRunId = 30_433_642;

  constructor(options: GitHubWorldOptions = {}) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'shop';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.token = options.token === undefined ? 'ghp_fake_token_for_tests' : options.token;
    this.htmlBaseUrl = (options.htmlBaseUrl ?? 'https://github.com').replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
    this.latestCommitMs = Date.parse(options.firstCommitDate ?? '2025-01-06T09:00:00Z') - 60_000;
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  get htmlUrl(): string {
    return `${this.htmlBaseUrl}/${this.owner}/${this.repo}`;
  }

  // ---- commits and refs ----

  /** Adds a commit (sha1 of its content, so the same seed gives the same shas) and returns its sha. */
  addCommit(input: AddCommitInput): string {
    const branch = input.branch === undefined ? this.defaultBranch : input.branch;
    const head = branch === null ? undefined : this.refs.get(`heads/${branch}`);
    const parents =
      input.parent === undefined ? (head ? [head] : []) : input.parent === null ? [] : [input.parent].flat();
    for (const parent of parents) if (!this.commits.has(parent)) throw new Error(`Unknown parent commit ${parent}`);
    const date = new Date(input.date ?? this.latestCommitMs + 60_000).toISOString();
    const author = input.author ?? { name: 'Dev Eloper', email: 'dev@example.com' };
    const sha =
      input.sha ??
      createHash('sha1')
        .update(JSON.stringify([parents, input.message, author, date, input.files]))
        .digest('hex');
    if (!this.commits.has(sha)) {
      const ms = Date.parse(date);
      this.commits.set(sha, { sha, parents, message: input.message, author, date, files: [...input.files] });
      this.commitOrder.set(sha, { index: this.commitOrder.size, ms });
      this.latestCommitMs = Math.max(this.latestCommitMs, ms);
    }
    if (branch !== null) this.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  /** Sets a ref ("heads/x", "tags/x") to a commit, creating it if needed. */
  setRef(ref: string, sha: string): void {
    if (!this.commits.has(sha)) throw new Error(`Unknown commit ${sha}`);
    this.refs.set(ref.replace(/^refs\//, ''), sha);
  }

  getRef(ref: string): string | undefined {
    return this.refs.get(ref.replace(/^refs\//, ''));
  }

  /** A full sha, a unique sha prefix (7+), a branch or a tag → sha; undefined when nothing matches. */
  resolve(ref: string): string | undefined {
    if (this.commits.has(ref)) return ref;
    const named =
      this.refs.get(`heads/${ref}`) ?? this.refs.get(`tags/${ref}`) ?? this.refs.get(ref.replace(/^refs\//, ''));
    if (named) return named;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const matches = [...this.commits.keys()].filter((sha) => sha.startsWith(ref));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** Every commit reachable from `sha` (itself included). */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** `git log <sha>`: reachable commits, newest first (by date, then most recently added). */
  log(sha: string): FakeCommit[] {
    const cached = this.logCache.get(sha);
    if (cached) return cached;
    const key = (commit: FakeCommit) => this.commitOrder.get(commit.sha) ?? { index: 0, ms: 0 };
    const log = [...this.ancestors(sha)]
      .map((ancestor) => this.commits.get(ancestor))
      .filter((commit): commit is FakeCommit => commit !== undefined)
      .sort((a, b) => key(b).ms - key(a).ms || key(b).index - key(a).index);
    // Bounded: the sandbox asks about a handful of heads, a benchmark may ask about many.
    if (this.logCache.size >= 64) this.logCache.clear();
    this.logCache.set(sha, log);
    return log;
  }

  /** `git log base..head`, oldest first, plus the counts and merge base GitHub's compare reports. */
  compare(base: string, head: string): { ahead: FakeCommit[]; behindBy: number; mergeBase: FakeCommit | undefined } {
    const fromBase = this.ancestors(base);
    const fromHead = this.ancestors(head);
    const headLog = this.log(head);
    const ahead = headLog.filter((commit) => !fromBase.has(commit.sha)).reverse();
    const behindBy = [...fromBase].filter((sha) => !fromHead.has(sha)).length;
    const mergeBase = headLog.find((commit) => fromBase.has(commit.sha));
    return { ahead, behindBy, mergeBase };
  }

  /** Moves or creates a ref the way the git refs API does (force false = fast-forward only). */
  writeRef(ref: string, sha: string, mode: { create: boolean; force: boolean }): RefWriteOutcome {
    if (!this.canPush()) return { ok: false, status: 403, message: 'Resource not accessible by personal access token' };
    const key = ref.replace(/^refs\//, '');
    if (!this.commits.has(sha)) return { ok: false, status: 422, message: 'Object does not exist' };
    const current = this.refs.get(key);
    if (mode.create && current !== undefined) return { ok: false, status: 422, message: 'Reference already exists' };
    if (!mode.create && current === undefined) return { ok: false, status: 422, message: 'Reference does not exist' };
    if (!mode.create && !mode.force && current !== undefined && !this.ancestors(sha).has(current)) {
      return { ok: false, status: 422, message: 'Update is not a fast forward' };
    }
    this.refs.set(key, sha);
    return { ok: true, sha };
  }

  canPush(): boolean {
    return this.permissions.push || this.permissions.admin || this.permissions.maintain;
  }

  // ---- workflows and runs ----

  /** Registers a workflow file (its dispatch inputs are read from the YAML, like GitHub does). */
  registerWorkflow(file: string, yamlText: string): FakeWorkflow {
    const parsed = parseWorkflowFile(yamlText);
    const existing = this.workflows.get(file);
    const workflow: FakeWorkflow = {
      id: existing?.id ?? this.nextWorkflowId++,
      file,
      name: parsed.name ?? `.github/workflows/${file}`,
      state: 'active',
      runName: parsed.runName,
      inputs: parsed.dispatchInputs,
      createdAt: existing?.createdAt ?? this.now().toISOString(),
    };
    this.workflows.set(file, workflow);
    return workflow;
  }

  /** By file name or numeric id, as the REST API accepts either. */
  findWorkflow(idOrFile: string): FakeWorkflow | undefined {
    return (
      this.workflows.get(idOrFile) ?? [...this.workflows.values()].find((workflow) => String(workflow.id) === idOrFile)
    );
  }

  /** The next dispatched run ends with this conclusion instead of running the executor. */
  failNextRun(conclusion: RunConclusion = 'failure'): void {
    this.forcedConclusions.push(conclusion);
  }

  /** Called after each run completes (the sandbox posts Kosli snapshots here). Returns an unsubscribe. */
  onRunCompleted(listener: (run: FakeRun) => void | Promise<void>): () => void {
    this.completedListeners.add(listener);
    return () => this.completedListeners.delete(listener);
  }

  /** What POST …/dispatches does, with GitHub's validation of the ref and the inputs. */
  dispatch(idOrFile: string, ref: string, given: Record<string, string>): DispatchOutcome {
    const workflow = this.findWorkflow(idOrFile);
    if (!workflow) return { ok: false, status: 404, message: 'Not Found' };
    if (!this.canPush()) return { ok: false, status: 403, message: 'Resource not accessible by personal access token' };
    if (workflow.inputs === null)
      return { ok: false, status: 422, message: "Workflow does not have 'workflow_dispatch' trigger" };
    if (workflow.state !== 'active')
      return { ok: false, status: 422, message: 'Cannot trigger a workflow_dispatch on a disabled workflow' };
    const headSha =
      this.refs.get(`heads/${ref}`) ?? this.refs.get(`tags/${ref}`) ?? this.refs.get(ref.replace(/^refs\//, ''));
    if (headSha === undefined) return { ok: false, status: 422, message: `No ref found for: ${ref}` };
    const declared = new Map(workflow.inputs.map((input) => [input.name, input]));
    const unexpected = Object.keys(given).filter((name) => !declared.has(name));
    if (unexpected.length > 0)
      return { ok: false, status: 422, message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}` };
    const inputs: Record<string, string> = {};
    for (const spec of workflow.inputs) {
      const value = given[spec.name] ?? spec.default;
      if (value === undefined) {
        if (spec.required) return { ok: false, status: 422, message: `Required input '${spec.name}' not provided` };
        continue;
      }
      if (spec.type === 'choice' && !spec.options.includes(value)) {
        return {
          ok: false,
          status: 422,
          message: `Provided value '${value}' for input '${spec.name}' not in the list of allowed values`,
        };
      }
      inputs[spec.name] = value;
    }
    const refName = ref.replace(/^refs\/(heads|tags)\//, '');
    const id = this.nextRunId++;
    const created = this.now().toISOString();
    const run: FakeRun = {
      id,
      workflowId: workflow.id,
      workflowFile: workflow.file,
      runNumber: this.runs.filter((other) => other.workflowId === workflow.id).length + 1,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      displayTitle:
        workflow.runName === null
          ? workflow.name
          : renderRunName(workflow.runName, { inputs, refName, actor: 'kosli-release-gate' }),
      inputs,
      ref: refName,
      headSha,
      createdAt: created,
      updatedAt: created,
      htmlUrl: `${this.htmlUrl}/actions/runs/${id}`,
      forcedConclusion: this.forcedConclusions.shift() ?? null,
    };
    this.runs.push(run);
    if (this.settleAfterMs !== null) this.scheduleSettle(run, this.settleAfterMs);
    return { ok: true, run };
  }

  private scheduleSettle(run: FakeRun, ms: number): void {
    setTimeout(() => this.startRun(run), ms / 2).unref();
    setTimeout(() => void this.settleRun(run), ms).unref();
  }

  private startRun(run: FakeRun): void {
    if (run.status !== 'queued') return;
    run.status = 'in_progress';
    run.updatedAt = this.now().toISOString();
  }

  /** Moves every queued run to in_progress. */
  startRuns(): void {
    for (const run of this.runs) this.startRun(run);
  }

  /** Completes every queued or in-progress run (running the executor) and returns them. */
  async settleRuns(): Promise<FakeRun[]> {
    const pending = this.runs.filter((run) => run.status !== 'completed');
    for (const run of pending) await this.settleRun(run);
    return pending;
  }

  private async settleRun(run: FakeRun): Promise<void> {
    if (run.status === 'completed') return;
    this.startRun(run);
    let conclusion: RunConclusion;
    try {
      conclusion = run.forcedConclusion ?? (await this.executor(run, this));
    } catch {
      conclusion = 'failure';
    }
    run.status = 'completed';
    run.conclusion = conclusion;
    run.updatedAt = this.now().toISOString();
    for (const listener of this.completedListeners) await listener(run);
  }

  // ---- rate limits ----

  /** The next `count` requests are answered with this rate-limit response. */
  rateLimitNext(count: number, answer: RateLimitAnswer): void {
    for (let i = 0; i < count; i++) this.rateLimitQueue.push(answer);
  }
}
