/**
 * How the fake Jira writes its world on the wire: the JSON shapes of Jira Cloud REST v3 (Version,
 * PageBean, IssueBean fields, User, Project, ErrorCollection), checked by the contract suite
 * against Atlassian's OpenAPI document.
 */
import type { FakeResponse } from '../http-fake';
import type {
  JiraWorld,
  StatusCategoryKey,
  WorldIssue,
  WorldProject,
  WorldRelatedWork,
  WorldUser,
  WorldVersion,
} from './world';

/** Jira's error body: `{ errorMessages: [...], errors: { field: message } }`. */
export function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}): FakeResponse {
  return { status, body: { errorMessages, errors } };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2010-07-06" → "6/Jul/2010", Jira's default Day/Month/Year format for user dates. */
function userDate(isoDate: string): string {
  const [year = '', month = '1', day = '1'] = isoDate.split('-');
  return `${Number(day)}/${MONTHS[Number(month) - 1] ?? ''}/${year}`;
}

export interface VersionWireOptions {
  approvers: boolean;
  issuesStatus: boolean;
  /** Today as YYYY-MM-DD, for `overdue`. */
  today: string;
}

export function versionWire(
  base: string,
  world: JiraWorld,
  version: WorldVersion,
  options: VersionWireOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = { self: `${base}/rest/api/3/version/${version.id}`, id: version.id };
  if (version.description !== null) out.description = version.description;
  out.name = version.name;
  out.archived = version.archived;
  out.released = version.released;
  if (version.startDate !== null) {
    out.startDate = version.startDate;
    out.userStartDate = userDate(version.startDate);
  }
  if (version.releaseDate !== null) {
    out.releaseDate = version.releaseDate;
    out.userReleaseDate = userDate(version.releaseDate);
    // Jira reports `overdue` only for unreleased versions with a release date.
    if (!version.released) out.overdue = version.releaseDate < options.today;
  }
  out.projectId = Number(version.projectId);
  if (options.approvers) {
    out.approvers = version.approvers.map((a) => ({
      accountId: a.accountId,
      status: a.status,
      ...(a.description === undefined ? {} : { description: a.description }),
      ...(a.declineReason === undefined ? {} : { declineReason: a.declineReason }),
    }));
  }
  if (options.issuesStatus) {
    const counts = { unmapped: 0, toDo: 0, inProgress: 0, done: 0 };
    for (const issue of world.allIssues()) {
      if (!issue.fixVersionIds.includes(version.id)) continue;
      if (issue.statusCategory === 'new') counts.toDo++;
      else if (issue.statusCategory === 'indeterminate') counts.inProgress++;
      else if (issue.statusCategory === 'done') counts.done++;
      else counts.unmapped++;
    }
    out.issuesStatusForFixVersion = counts;
  }
  return out;
}

/** The short version object Jira puts in an issue's `fixVersions` field. */
function fixVersionWire(base: string, version: WorldVersion): Record<string, unknown> {
  return {
    self: `${base}/rest/api/3/version/${version.id}`,
    id: version.id,
    ...(version.description === null ? {} : { description: version.description }),
    name: version.name,
    archived: version.archived,
    released: version.released,
    ...(version.releaseDate === null ? {} : { releaseDate: version.releaseDate }),
  };
}

const STATUS_CATEGORIES: Readonly<Record<StatusCategoryKey, { id: number; colorName: string; name: string }>> = {
  undefined: { id: 1, colorName: 'medium-gray', name: 'No Category' },
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  done: { id: 3, colorName: 'green', name: 'Done' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
};

export type IssueFieldName = 'summary' | 'status' | 'issuetype' | 'fixVersions' | 'project';
export const ISSUE_FIELDS: readonly IssueFieldName[] = ['summary', 'status', 'issuetype', 'fixVersions', 'project'];

export function issueWire(
  base: string,
  world: JiraWorld,
  issue: WorldIssue,
  fields: ReadonlySet<IssueFieldName>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${base}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
  };
  if (fields.size === 0) return out;
  const wire: Record<string, unknown> = {};
  if (fields.has('summary')) wire.summary = issue.summary;
  if (fields.has('status')) {
    const statusId = world.statusId(issue.status);
    const category = STATUS_CATEGORIES[issue.statusCategory];
    wire.status = {
      self: `${base}/rest/api/3/status/${statusId}`,
      description: '',
      iconUrl: `${base}/images/icons/statuses/generic.png`,
      name: issue.status,
      id: statusId,
      statusCategory: {
        self: `${base}/rest/api/3/statuscategory/${category.id}`,
        id: category.id,
        key: issue.statusCategory,
        colorName: category.colorName,
        name: category.name,
      },
    };
  }
  if (fields.has('issuetype')) {
    const typeId = world.issueTypeId(issue.type);
    const subtask = issue.type.toLowerCase() === 'subtask' || issue.type.toLowerCase() === 'sub-task';
    wire.issuetype = {
      self: `${base}/rest/api/3/issuetype/${typeId}`,
      id: typeId,
      description: '',
      iconUrl: `${base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10315?size=medium`,
      name: issue.type,
      subtask,
      avatarId: 10315,
      hierarchyLevel: subtask ? -1 : issue.type.toLowerCase() === 'epic' ? 1 : 0,
    };
  }
  if (fields.has('fixVersions')) {
    wire.fixVersions = issue.fixVersionIds.flatMap((id) => {
      const version = world.version(id);
      return version ? [fixVersionWire(base, version)] : [];
    });
  }
  if (fields.has('project')) {
    const project = world.project(issue.projectId);
    if (project) {
      wire.project = {
        self: `${base}/rest/api/3/project/${project.id}`,
        id: project.id,
        key: project.key,
        name: project.name,
        projectTypeKey: 'software',
        simplified: false,
      };
    }
  }
  out.fields = wire;
  return out;
}

function avatarUrls(base: string, kind: 'project' | 'user', id: string): Record<string, string> {
  const url =
    kind === 'project'
      ? `${base}/rest/api/3/universal_avatar/view/type/project/avatar/${id}`
      : `${base}/secure/useravatar?ownerId=${encodeURIComponent(id)}`;
  const sized = (size: string): string => `${url}${url.includes('?') ? '&' : '?'}size=${size}`;
  return { '48x48': url, '24x24': sized('small'), '16x16': sized('xsmall'), '32x32': sized('medium') };
}

export function projectWire(base: string, project: WorldProject): Record<string, unknown> {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${base}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
    description: project.description,
    name: project.name,
    avatarUrls: avatarUrls(base, 'project', project.id),
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
}

export function userWire(base: string, user: WorldUser): Record<string, unknown> {
  return {
    self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    accountType: user.accountType,
    // Jira leaves the field out, rather than sending null, when privacy settings hide it.
    ...(user.emailAddress === null ? {} : { emailAddress: user.emailAddress }),
    avatarUrls: avatarUrls(base, 'user', user.accountId),
    displayName: user.displayName,
    active: user.active,
    timeZone: 'Etc/UTC',
    locale: 'en_US',
  };
}

export function relatedWorkWire(item: WorldRelatedWork): Record<string, unknown> {
  return {
    relatedWorkId: item.relatedWorkId,
    category: item.category,
    ...(item.title === null ? {} : { title: item.title }),
    url: item.url,
  };
}
