/**
 * What the app needs from Jira Cloud REST v3. `createJiraClient` in ./client.ts implements it over an
 * injected `requestJira` (Forge's `asApp()`/`asUser()` in production, the fake Jira in tests).
 */
import type { JiraApprover } from '../release/types';

export interface JiraProject {
  id: string;
  key: string;
  name: string;
}

export interface JiraVersion {
  id: string;
  name: string;
  projectId: string;
  description: string;
  released: boolean;
  archived: boolean;
  releaseDate: string | null;
  approvers: JiraApprover[];
}

export interface RelatedWork {
  relatedWorkId: string;
  category: string;
  title: string | null;
  url: string | null;
}

export interface JiraIssue {
  key: string;
  summary: string;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done' | 'unknown';
  issueType: string;
  fixVersionIds: string[];
}

export interface JiraUser {
  accountId: string;
  displayName: string;
  /** Often hidden by the user's privacy settings. */
  emailAddress: string | null;
}

/**
 * A bulk edit task as Jira reports it: `running` while ENQUEUED, RUNNING or CANCEL_REQUESTED;
 * `complete` with its results; `ended` when it FAILED, was CANCELLED or is DEAD (results may be partial).
 */
export interface BulkTask {
  taskId: string;
  state: 'running' | 'complete' | 'ended';
  progressPercent: number;
  /** Ids (not keys: Jira reports ids) of the issues the task edited. */
  editedIssueIds: string[];
  /** Issue id → Jira's reasons, for issues the task could not edit. */
  failedIssues: Record<string, string[]>;
  /** Issues that do not exist or the caller cannot see: Jira counts them, without naming them. */
  invalidOrInaccessibleCount: number;
}

/** Jira's limit of issues in one bulk edit request. */
export const BULK_EDIT_MAX_ISSUES = 1000;

export interface JiraClient {
  getProject(projectIdOrKey: string): Promise<JiraProject>;
  /** The first `limit` (at most 100) projects whose key or name contains `query`, by key; `more` when there are others. */
  searchProjects(query: string, limit: number): Promise<{ projects: JiraProject[]; more: boolean }>;
  /** All unreleased versions of the project, every page, with approvers. */
  listUnreleasedVersions(projectIdOrKey: string): Promise<JiraVersion[]>;
  getVersion(versionId: string): Promise<JiraVersion>;
  createVersion(input: {
    projectId: string;
    name: string;
    description: string;
    startDate: string;
  }): Promise<JiraVersion>;
  updateVersionDescription(versionId: string, description: string): Promise<void>;
  /** Marks the version released on `releaseDate` (YYYY-MM-DD). Jira ignores a second release. */
  releaseVersion(versionId: string, releaseDate: string): Promise<void>;
  listRelatedWork(versionId: string): Promise<RelatedWork[]>;
  addRelatedWork(versionId: string, link: { category: string; title: string; url: string }): Promise<RelatedWork>;
  /** POST /rest/api/3/search/jql, every page via nextPageToken. */
  searchIssues(jql: string): Promise<JiraIssue[]>;
  /** The issues of these keys: one search per 100 keys, a few at once (a release page of 5,000 issues). */
  searchIssuesByKeys(keys: readonly string[]): Promise<JiraIssue[]>;
  /** update.fixVersions[].add — never overwrites the issue's other fix versions. */
  addFixVersion(issueKey: string, versionId: string): Promise<void>;
  /**
   * Submits a bulk edit that adds the fix version to up to BULK_EDIT_MAX_ISSUES issues (their other fix
   * versions kept) and returns the task's id: Jira edits them asynchronously. Needs the global Bulk change permission.
   */
  bulkAddFixVersion(issueKeys: readonly string[], versionId: string): Promise<string>;
  /** The bulk task's progress, and its results once it has ended. */
  bulkTask(taskId: string): Promise<BulkTask>;
  /** Keys of the issues with these ids (those the caller can see), by id. */
  issueKeysByIds(ids: readonly string[]): Promise<Map<string, string>>;
  getUser(accountId: string): Promise<JiraUser>;
  /** Active people whose name or e-mail starts with `query` (at most 20): the approver picker. */
  searchUsers(query: string): Promise<JiraUser[]>;
  /** Which of the permissions the calling principal holds (in the project when given). */
  myPermissions(permissions: readonly string[], projectKey?: string): Promise<Record<string, boolean>>;
}
