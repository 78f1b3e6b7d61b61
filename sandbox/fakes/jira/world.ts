/**
 * The fake Jira's state: projects, users, issues, versions (with their native approvers and related
 * work) and who holds which permission. A plain in-memory model: the fake server reads and changes
 * it through the REST routes, while tests and the sandbox seed it and play the parts of Jira that no
 * REST call reaches (approvers deciding in Jira's own release UI).
 */
import { randomUUID } from 'node:crypto';
import type { StoredDeployment } from './deployments-api';
import { JIRA_PERMISSIONS } from './permissions';

export type ApproverStatus = 'PENDING' | 'APPROVED' | 'DECLINED';
/** Jira's status category keys; "undefined" is Jira's own name for "No Category". */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done' | 'undefined';

export interface WorldProject {
  id: string;
  key: string;
  name: string;
  description: string;
}

export interface WorldUser {
  accountId: string;
  accountType: 'atlassian' | 'app';
  displayName: string;
  /** Null when the user's privacy settings hide it: Jira then leaves the field out. */
  emailAddress: string | null;
  active: boolean;
}

export interface WorldApprover {
  accountId: string;
  status: ApproverStatus;
  description?: string;
  declineReason?: string;
}

export interface WorldRelatedWork {
  relatedWorkId: string;
  category: string;
  title: string | null;
  url: string;
}

export interface WorldVersion {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  archived: boolean;
  released: boolean;
  releaseDate: string | null;
  startDate: string | null;
  approvers: WorldApprover[];
  relatedWork: WorldRelatedWork[];
}

export interface WorldIssue {
  id: string;
  key: string;
  projectId: string;
  summary: string;
  type: string;
  status: string;
  statusCategory: StatusCategoryKey;
  fixVersionIds: string[];
}

/** A bulk edit of fix versions Jira accepted (see bulk-edit-api.ts): worked through over time. */
export interface WorldBulkTask {
  taskId: string;
  submittedBy: string;
  /** World clock (ms) at submission. */
  submittedAt: number;
  /** Issue ids or keys as submitted, in order; the first `done` of them are worked through. */
  issues: string[];
  option: 'ADD' | 'REMOVE' | 'REPLACE' | 'REMOVE_ALL';
  versionIds: string[];
  done: number;
  editedIds: number[];
  failed: Record<string, string[]>;
  invalidOrInaccessible: number;
  /** World clock (ms) of the last issue worked through. */
  updatedAt: number;
}

export interface BurstLimit {
  perSecond: number;
  retryAfterSeconds: number;
}

/** Grants under this project key hold in every project. */
export const EVERY_PROJECT = '*';

const KNOWN_STATUS_CATEGORIES: Readonly<Record<string, StatusCategoryKey>> = {
  'to do': 'new',
  backlog: 'new',
  open: 'new',
  'selected for development': 'new',
  'in progress': 'indeterminate',
  'in review': 'indeterminate',
  done: 'done',
  closed: 'done',
  resolved: 'done',
};

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;
const ISSUE_KEY = /^([A-Z][A-Z0-9_]{1,9})-([1-9]\d*)$/;

export class JiraWorld {
  /** The app's own Jira user: requests without `x-fake-account-id` act as it (Forge `asApp()`). */
  readonly appAccountId = '557058:kosli-release-gate-app';
  private readonly projects = new Map<string, WorldProject>();
  private readonly users = new Map<string, WorldUser>();
  private readonly issues = new Map<string, WorldIssue>();
  private readonly issuesById = new Map<string, WorldIssue>();
  private readonly versions = new Map<string, WorldVersion>();
  /** accountId → project key (or EVERY_PROJECT) → permission keys. */
  private readonly grants = new Map<string, Map<string, Set<string>>>();
  private readonly admins = new Set<string>();
  private readonly statusIds = new Map<string, string>();
  private readonly issueTypeIds = new Map<string, string>();
  private nextProjectId = 10000;
  private nextVersionId = 10000;
  private nextIssueId = 10000;
  private nextUserNumber = 1;
  burstLimit: BurstLimit | undefined;
  /**
   * How long Jira's search index lags an edit of an issue's fix versions (ms; 0 = at once). Real
   * Jira indexes asynchronously, so a search right after an edit may not see it yet.
   */
  searchLagMs = 0;
  /** The world's clock (ms since epoch), for the search lag. */
  clock: () => number = Date.now;
  /** Earlier fix-version states of edited issues, kept while the search index may still show them. */
  private readonly fixVersionHistory = new Map<string, { at: number; fixVersionIds: string[] }[]>();
  /**
   * How many issues a bulk edit task works through per second of the world's clock (Jira runs them
   * asynchronously; a task of 1,000 issues takes a few seconds). 0 holds every task where it is.
   */
  bulkEditIssuesPerSecond = 500;
  /**
   * Statuses (lower case) whose workflow property `jira.issue.editable` is false, as on Closed in
   * Jira's classic workflow: their issues refuse every edit. None by default.
   */
  readonly nonEditableStatuses = new Set<string>();
  /** Bulk edit tasks by id (bulk-edit-api.ts). */
  readonly bulkTasks = new Map<string, WorldBulkTask>();
  /** What the Deployments API received, by (pipeline, environment, sequence number): see deployments-api.ts. */
  readonly deployments = new Map<string, StoredDeployment>();

  constructor() {
    this.users.set(this.appAccountId, {
      accountId: this.appAccountId,
      accountType: 'app',
      displayName: 'Kosli Release Gate',
      emailAddress: null,
      active: true,
    });
    // Forge apps act through the atlassian-addons-project-access role, which holds the project
    // permissions in every project but no global ones…
    for (const [key, info] of Object.entries(JIRA_PERMISSIONS)) {
      if (info.type === 'PROJECT') this.grantPermission(this.appAccountId, EVERY_PROJECT, key);
    }
    // Except Make bulk changes, which a Jira admin grants the app (Global permissions): the sandbox
    // assumes that was done; revokePermission(appAccountId, EVERY_PROJECT, 'BULK_CHANGE') undoes it.
    this.grantPermission(this.appAccountId, EVERY_PROJECT, 'BULK_CHANGE');
  }

  addProject(input: { key: string; name?: string; id?: string; description?: string }): WorldProject {
    if (!PROJECT_KEY.test(input.key)) throw new Error(`Invalid Jira project key '${input.key}'`);
    if (this.projects.has(input.key)) throw new Error(`Project ${input.key} already exists`);
    const id = input.id ?? String(this.nextProjectId++);
    const project = {
      id,
      key: input.key,
      name: input.name ?? `${input.key} project`,
      description: input.description ?? '',
    };
    this.projects.set(project.key, project);
    return project;
  }

  /** By key or numeric id, as Jira's `{projectIdOrKey}` path parameter. */
  project(idOrKey: string): WorldProject | undefined {
    return this.projects.get(idOrKey) ?? [...this.projects.values()].find((p) => p.id === idOrKey);
  }

  /** Every project, in the order they were added. */
  allProjects(): WorldProject[] {
    return [...this.projects.values()];
  }

  /** Users can browse every project unless `browse: false` (Jira's default scheme grants it to all users). */
  addUser(input: {
    displayName: string;
    accountId?: string;
    emailAddress?: string | null;
    active?: boolean;
    browse?: boolean;
  }): WorldUser {
    const accountId =
      input.accountId ?? `712020:00000000-0000-4000-8000-${String(this.nextUserNumber++).padStart(12, '0')}`;
    if (this.users.has(accountId)) throw new Error(`User ${accountId} already exists`);
    const user: WorldUser = {
      accountId,
      accountType: 'atlassian',
      displayName: input.displayName,
      emailAddress: input.emailAddress ?? null,
      active: input.active ?? true,
    };
    this.users.set(accountId, user);
    if (input.browse ?? true) this.grantPermission(accountId, EVERY_PROJECT, 'BROWSE_PROJECTS');
    return user;
  }

  user(accountId: string): WorldUser | undefined {
    return this.users.get(accountId);
  }

  /** Every user, apps included (the user search returns them as Jira does; callers filter). */
  allUsers(): WorldUser[] {
    return [...this.users.values()];
  }

  /** Adds an issue to the project its key names (which must exist). Fix versions must belong to it. */
  addIssue(input: {
    key: string;
    summary?: string;
    type?: string;
    status?: string;
    statusCategory?: StatusCategoryKey;
    fixVersions?: readonly string[];
  }): WorldIssue {
    const match = ISSUE_KEY.exec(input.key);
    if (!match) throw new Error(`Invalid Jira issue key '${input.key}'`);
    const project = this.projects.get(match[1] ?? '');
    if (!project) throw new Error(`Add project ${match[1] ?? ''} before issue ${input.key}`);
    if (this.issues.has(input.key)) throw new Error(`Issue ${input.key} already exists`);
    const status = input.status ?? 'To Do';
    for (const versionId of input.fixVersions ?? []) {
      if (this.versions.get(versionId)?.projectId !== project.id)
        throw new Error(`Version ${versionId} is not in project ${project.key}`);
    }
    const issue: WorldIssue = {
      id: String(this.nextIssueId++),
      key: input.key,
      projectId: project.id,
      summary: input.summary ?? `Work on ${input.key}`,
      type: input.type ?? 'Story',
      status,
      statusCategory: input.statusCategory ?? KNOWN_STATUS_CATEGORIES[status.toLowerCase()] ?? 'undefined',
      fixVersionIds: [...(input.fixVersions ?? [])],
    };
    this.issues.set(issue.key, issue);
    this.issuesById.set(issue.id, issue);
    return issue;
  }

  issue(key: string): WorldIssue | undefined {
    return this.issues.get(key);
  }

  /** Whether the issue's workflow status allows edits (see nonEditableStatuses). */
  editable(issue: WorldIssue): boolean {
    return !this.nonEditableStatuses.has(issue.status.toLowerCase());
  }

  /** By key or numeric id, as Jira's `{issueIdOrKey}`. */
  issueByIdOrKey(idOrKey: string): WorldIssue | undefined {
    return this.issues.get(idOrKey.toUpperCase()) ?? this.issuesById.get(idOrKey);
  }

  /** Every issue, in creation order. */
  allIssues(): WorldIssue[] {
    return [...this.issues.values()];
  }

  /** Changes an issue's fix versions; search sees the change `searchLagMs` later. */
  setFixVersions(issue: WorldIssue, fixVersionIds: readonly string[]): void {
    if (this.searchLagMs > 0) {
      const now = this.clock();
      const history = (
        this.fixVersionHistory.get(issue.key) ?? [{ at: -Infinity, fixVersionIds: [...issue.fixVersionIds] }]
      ).filter((entry, i, all) => i === all.length - 1 || (all[i + 1]?.at ?? 0) > now - this.searchLagMs);
      history.push({ at: now, fixVersionIds: [...fixVersionIds] });
      this.fixVersionHistory.set(issue.key, history);
    }
    issue.fixVersionIds = [...fixVersionIds];
  }

  /** The issues as the search index has them now: edits younger than `searchLagMs` not yet seen. */
  searchableIssues(): WorldIssue[] {
    const seenUntil = this.clock() - this.searchLagMs;
    return this.allIssues().map((issue) => {
      const history = this.fixVersionHistory.get(issue.key);
      if (!history) return issue;
      const indexed = history.filter((entry) => entry.at <= seenUntil).at(-1) ?? history[0];
      return indexed ? { ...issue, fixVersionIds: indexed.fixVersionIds } : issue;
    });
  }

  addVersion(input: {
    project: string;
    name: string;
    description?: string | null;
    released?: boolean;
    archived?: boolean;
    releaseDate?: string | null;
    startDate?: string | null;
  }): WorldVersion {
    const project = this.project(input.project);
    if (!project) throw new Error(`No project ${input.project}`);
    if (this.versionNamed(project.id, input.name))
      throw new Error(`Version '${input.name}' already exists in ${project.key}`);
    const version: WorldVersion = {
      id: String(this.nextVersionId++),
      projectId: project.id,
      name: input.name,
      description: input.description ?? null,
      archived: input.archived ?? false,
      released: input.released ?? false,
      releaseDate: input.releaseDate ?? null,
      startDate: input.startDate ?? null,
      approvers: [],
      relatedWork: [],
    };
    this.versions.set(version.id, version);
    return version;
  }

  version(id: string): WorldVersion | undefined {
    return this.versions.get(id);
  }

  /** Every version, in creation order. */
  allVersions(): WorldVersion[] {
    return [...this.versions.values()];
  }

  versionNamed(projectId: string, name: string): WorldVersion | undefined {
    // Jira compares version names case-insensitively within a project.
    return [...this.versions.values()].find(
      (v) => v.projectId === projectId && v.name.toLowerCase() === name.toLowerCase(),
    );
  }

  /** The project's versions in sequence (creation) order. */
  versionsOf(projectIdOrKey: string): WorldVersion[] {
    const project = this.project(projectIdOrKey);
    return project ? [...this.versions.values()].filter((v) => v.projectId === project.id) : [];
  }

  /**
   * Adds the approver to the version or changes their decision, as Jira's release UI does.
   * No REST call can do this: `Version.approvers` is read-only in the API.
   */
  setApprover(versionId: string, accountId: string, status: ApproverStatus, declineReason?: string): WorldApprover {
    const version = this.versions.get(versionId);
    if (!version) throw new Error(`No version ${versionId}`);
    if (!this.users.has(accountId)) throw new Error(`No user ${accountId}`);
    const approver: WorldApprover = { accountId, status };
    if (status === 'DECLINED' && declineReason !== undefined) approver.declineReason = declineReason;
    const index = version.approvers.findIndex((a) => a.accountId === accountId);
    if (index >= 0) version.approvers[index] = approver;
    else version.approvers.push(approver);
    return approver;
  }

  relatedWorkOf(versionId: string): WorldRelatedWork[] {
    return this.versions.get(versionId)?.relatedWork ?? [];
  }

  addRelatedWork(versionId: string, input: { category: string; title: string | null; url: string }): WorldRelatedWork {
    const version = this.versions.get(versionId);
    if (!version) throw new Error(`No version ${versionId}`);
    const item = { relatedWorkId: randomUUID(), ...input };
    version.relatedWork.push(item);
    return item;
  }

  /** `projectKey` may be EVERY_PROJECT; global permissions ignore it. */
  grantPermission(accountId: string, projectKey: string, permission: string): void {
    if (!Object.hasOwn(JIRA_PERMISSIONS, permission)) throw new Error(`Unknown Jira permission ${permission}`);
    const byProject = this.grants.get(accountId) ?? new Map<string, Set<string>>();
    const key = JIRA_PERMISSIONS[permission]?.type === 'GLOBAL' ? EVERY_PROJECT : projectKey;
    const set = byProject.get(key) ?? new Set<string>();
    set.add(permission);
    byProject.set(key, set);
    this.grants.set(accountId, byProject);
  }

  revokePermission(accountId: string, projectKey: string, permission: string): void {
    const key = JIRA_PERMISSIONS[permission]?.type === 'GLOBAL' ? EVERY_PROJECT : projectKey;
    this.grants.get(accountId)?.get(key)?.delete(permission);
  }

  /** Jira administrators hold every permission in every project. */
  makeAdmin(accountId: string): void {
    this.admins.add(accountId);
  }

  /**
   * Whether the account holds the permission: in the project when one is given, otherwise (for a
   * project permission) in at least one project, which is how Jira answers mypermissions without context.
   */
  holds(accountId: string, permission: string, projectKey?: string): boolean {
    if (this.admins.has(accountId)) return true;
    const byProject = this.grants.get(accountId);
    if (!byProject) return false;
    if (byProject.get(EVERY_PROJECT)?.has(permission)) return true;
    if (JIRA_PERMISSIONS[permission]?.type === 'GLOBAL') return false;
    if (projectKey !== undefined) return byProject.get(projectKey)?.has(permission) ?? false;
    return [...byProject.values()].some((set) => set.has(permission));
  }

  /**
   * Requests beyond `perSecond` in any one-second window get 429 + Retry-After and
   * `RateLimit-Reason: jira-burst-based`. One bucket for the whole site: stricter than Jira's
   * per-endpoint buckets, which is the safe side for a client under test.
   */
  setBurstLimit(perSecond: number, retryAfterSeconds = 1): void {
    this.burstLimit = { perSecond, retryAfterSeconds };
  }

  clearBurstLimit(): void {
    this.burstLimit = undefined;
  }

  /** Stable ids for status and issue-type names, as Jira's own objects have. */
  statusId(name: string): string {
    return stableId(this.statusIds, name, 10000);
  }

  issueTypeId(name: string): string {
    return stableId(this.issueTypeIds, name, 10000);
  }
}

function stableId(ids: Map<string, string>, name: string, base: number): string {
  const existing = ids.get(name);
  if (existing) return existing;
  const id = String(base + ids.size);
  ids.set(name, id);
  return id;
}
