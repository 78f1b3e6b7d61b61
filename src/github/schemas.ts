/**
 * Runtime schemas of the GitHub REST responses the client reads: only the fields it uses (the rest
 * is stripped), checked at the boundary so nothing downstream sees unvalidated JSON.
 * Shapes follow the GitHub REST OpenAPI description (@octokit/openapi, api.github.com).
 */
import { z } from 'zod';

const RUN_STATUSES = ['requested', 'queued', 'pending', 'waiting', 'in_progress', 'completed'] as const;
const RUN_CONCLUSIONS = [
  'success',
  'failure',
  'cancelled',
  'timed_out',
  'action_required',
  'neutral',
  'skipped',
  'stale',
  'startup_failure',
] as const;

/** 200 of POST …/dispatches with `return_run_details: true`. */
export const dispatchResponseSchema = z.object({
  workflow_run_id: z.number().int().positive(),
  html_url: z.string(),
});

export const workflowRunSchema = z.object({
  id: z.number().int().positive(),
  display_title: z.string(),
  status: z.enum(RUN_STATUSES).nullable(),
  conclusion: z.enum(RUN_CONCLUSIONS).nullable(),
  html_url: z.string(),
  created_at: z.string(),
});
export type WireWorkflowRun = z.output<typeof workflowRunSchema>;

export const workflowRunsSchema = z.object({
  total_count: z.number().int().nonnegative(),
  workflow_runs: z.array(workflowRunSchema),
});

const gitUserSchema = z
  .object({ name: z.string().optional(), email: z.string().optional(), date: z.string().optional() })
  .nullable();

export const commitSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  html_url: z.string().nullable().optional(),
  commit: z
    .object({
      message: z.string(),
      author: gitUserSchema,
      committer: gitUserSchema,
    })
    .refine(
      (commit) => commit.author?.date !== undefined || commit.committer?.date !== undefined,
      'a commit needs an author or committer date',
    ),
  /** The GitHub account of the author, when the e-mail maps to one. */
  author: z.object({ login: z.string() }).nullable().optional(),
});
export type WireCommit = z.output<typeof commitSchema>;

export const commitListSchema = z.array(commitSchema);

export const compareSchema = z.object({
  status: z.enum(['diverged', 'ahead', 'behind', 'identical']),
  ahead_by: z.number().int().nonnegative(),
  behind_by: z.number().int().nonnegative(),
  total_commits: z.number().int().nonnegative(),
  commits: z.array(commitSchema),
});

export const gitRefSchema = z.object({
  ref: z.string(),
  object: z.object({ type: z.string(), sha: z.string().regex(/^[0-9a-f]{40}$/) }),
});

export const repositorySchema = z.object({
  full_name: z.string(),
  private: z.boolean(),
  /** Present when the token acts for a user (PATs); absent for GitHub App installation tokens. */
  permissions: z.object({ admin: z.boolean(), push: z.boolean(), maintain: z.boolean().optional() }).optional(),
});

export const workflowSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  state: z.string(),
});
