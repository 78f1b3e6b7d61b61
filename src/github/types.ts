/**
 * What the app needs from GitHub REST. `createGitHubClient` in ./client.ts implements it over an
 * injected `fetch`, sending `X-GitHub-Api-Version`.
 */
import type { CommitInfo } from '../release/types';

export interface GitHubConnection {
  /** https://api.github.com in production. */
  baseUrl: string;
  owner: string;
  repo: string;
  token: string;
}

export type RunStatus = 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';
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

export interface WorkflowRun {
  id: number;
  status: RunStatus;
  conclusion: RunConclusion | null;
  htmlUrl: string;
  displayTitle: string;
  createdAt: string;
}

export interface DispatchResult {
  runId: number;
  htmlUrl: string | null;
}

/** Pages of one listing read so far, and how many it has (null while GitHub does not say). */
export interface PageProgress {
  read: number;
  total: number | null;
}

/** base...head: how they relate, and the commits head has that base has not. */
export interface Comparison<Commit> {
  status: 'ahead' | 'behind' | 'diverged' | 'identical';
  aheadBy: number;
  behindBy: number;
  commits: Commit[];
}

export interface GitHubClient {
  /**
   * workflow_dispatch with `return_run_details: true` (200 + run id). On 204 (servers without run
   * details) the run is found by `requestId`, which the workflow puts in its run-name.
   * A 5xx/timeout is NOT retried: the caller must look for the run first (`findDispatchedRun`).
   */
  dispatchWorkflow(input: {
    workflow: string;
    ref: string;
    inputs: Record<string, string>;
    requestId: string;
  }): Promise<DispatchResult>;
  /** The run whose display title contains `requestId`, created at or after `since` (ISO), if any. */
  findDispatchedRun(input: { workflow: string; requestId: string; since: string }): Promise<WorkflowRun | null>;
  getRun(runId: number): Promise<WorkflowRun>;
  /**
   * Commits reachable from `head` that touch `path`, newest first walking back, stopping at `base`
   * (exclusive) or after `limit` commits. `baseFound` tells whether `base` was met on the way.
   * `onPage` hears of each page read and the listing's page count once GitHub names it (the first
   * page's Link rel="last"); it is awaited before more pages are fetched, and what it throws ends the listing.
   */
  commitsTouchingPath(input: {
    head: string;
    base: string | null;
    path: string;
    since: string | null;
    limit: number;
    onPage?: (progress: PageProgress) => void | Promise<void>;
  }): Promise<{ commits: CommitInfo[]; baseFound: boolean; truncated: boolean }>;
  /** Commits on `ref` in [since, until), oldest first (for the compliance report). */
  commitsInPeriod(input: {
    ref: string;
    since: string;
    until: string;
    limit: number;
  }): Promise<{ commits: CommitInfo[]; truncated: boolean }>;
  /** base...head: status and all commits (paged). */
  compare(base: string, head: string): Promise<Comparison<CommitInfo>>;
  getTag(tag: string): Promise<string | null>;
  /** Creates the tag ref or moves it with force: true (a JSON boolean). */
  setTag(tag: string, sha: string): Promise<void>;
  repositoryExists(): Promise<boolean>;
  workflowExists(workflow: string): Promise<boolean>;
  /** Whether the token may dispatch workflows (repository permissions push/admin). */
  canDispatch(): Promise<boolean>;
}
