/**
 * The Jira permissions the fake knows, with the ids and types real Jira reports in
 * `GET /rest/api/3/mypermissions`: every built-in key the Jira OpenAPI document lists (the
 * "Built-in permissions" of `GET /rest/api/3/permissionscheme`), plus the global ones. Asking for
 * any other key is a 400, as in Jira.
 *
 * unverified: the ids of EDIT_WORKFLOW, EDIT_ISSUE_LAYOUT, MANAGE_SPRINTS_PERMISSION and
 * SERVICEDESK_AGENT (Jira gives them string ids outside the classic numeric range).
 */

export interface PermissionInfo {
  id: string;
  name: string;
  type: 'GLOBAL' | 'PROJECT';
  description: string;
}

const global = (id: string, name: string, description: string): PermissionInfo => ({
  id,
  name,
  type: 'GLOBAL',
  description,
});
const project = (id: string, name: string, description: string): PermissionInfo => ({
  id,
  name,
  type: 'PROJECT',
  description,
});

export const JIRA_PERMISSIONS: Readonly<Record<string, PermissionInfo>> = {
  ADMINISTER: global(
    '0',
    'Administer Jira',
    'Create and administer projects, issue types, fields, workflows, and schemes for all projects.',
  ),
  SYSTEM_ADMIN: global(
    '44',
    'Jira System Administrators',
    'Ability to perform most administration functions (excluding Import & Export, SMTP Configuration, etc.).',
  ),
  USER_PICKER: global('27', 'Browse users and groups', 'View and select users or groups from the user picker.'),
  CREATE_SHARED_OBJECTS: global('22', 'Share dashboards and filters', 'Share dashboards and filters with other users.'),
  MANAGE_GROUP_FILTER_SUBSCRIPTIONS: global(
    '24',
    'Manage group filter subscriptions',
    'Create and delete group filter subscriptions.',
  ),
  BULK_CHANGE: global('33', 'Make bulk changes', 'Modify collections of issues at once.'),

  ADMINISTER_PROJECTS: project('23', 'Administer Projects', 'Ability to administer a project in Jira.'),
  EDIT_WORKFLOW: project('EDIT_WORKFLOW', 'Edit Workflows', 'Ability to edit a workflow.'),
  EDIT_ISSUE_LAYOUT: project('EDIT_ISSUE_LAYOUT', 'Edit Issue Layout', 'Ability to edit the issue layout.'),
  BROWSE_PROJECTS: project('10', 'Browse Projects', 'Ability to browse projects and the issues within them.'),
  MANAGE_SPRINTS_PERMISSION: project('MANAGE_SPRINTS_PERMISSION', 'Manage sprints', 'Ability to manage sprints.'),
  SERVICEDESK_AGENT: project(
    'SERVICEDESK_AGENT',
    'Service Desk Agent',
    'Ability to act as an agent on service desk requests.',
  ),
  VIEW_DEV_TOOLS: project(
    '29',
    'View Development Tools',
    'Allows users in a software project to view development-related information on the issue.',
  ),
  VIEW_READONLY_WORKFLOW: project(
    '45',
    'View Read-Only Workflow',
    'Users with this permission may view a read-only version of a workflow.',
  ),

  ASSIGNABLE_USER: project('17', 'Assignable User', 'Users with this permission may be assigned to issues.'),
  ASSIGN_ISSUES: project('13', 'Assign Issues', 'Ability to assign issues to other people.'),
  CLOSE_ISSUES: project('18', 'Close Issues', 'Ability to close issues.'),
  CREATE_ISSUES: project('11', 'Create Issues', 'Ability to create issues.'),
  DELETE_ISSUES: project('16', 'Delete Issues', 'Ability to delete issues.'),
  EDIT_ISSUES: project('12', 'Edit Issues', 'Ability to edit issues.'),
  LINK_ISSUES: project('21', 'Link Issues', 'Ability to link issues together and create linked issues.'),
  MODIFY_REPORTER: project(
    '30',
    'Modify Reporter',
    'Ability to modify the reporter when creating or editing an issue.',
  ),
  MOVE_ISSUES: project(
    '25',
    'Move Issues',
    'Ability to move issues between projects or between workflows of the same project.',
  ),
  RESOLVE_ISSUES: project(
    '14',
    'Resolve Issues',
    'Ability to resolve and reopen issues. This includes the ability to set a fix version.',
  ),
  SCHEDULE_ISSUES: project('28', 'Schedule Issues', "Ability to view or edit an issue's due date."),
  SET_ISSUE_SECURITY: project(
    '26',
    'Set Issue Security',
    'Ability to set the level of security on an issue so that only people in that security level can see the issue.',
  ),
  TRANSITION_ISSUES: project('46', 'Transition Issues', 'Ability to transition issues.'),

  MANAGE_WATCHERS: project('32', 'Manage Watchers', 'Ability to manage the watchers of an issue.'),
  VIEW_VOTERS_AND_WATCHERS: project(
    '31',
    'View Voters and Watchers',
    'Ability to view the voters and watchers of an issue.',
  ),

  ADD_COMMENTS: project('15', 'Add Comments', 'Ability to comment on issues.'),
  DELETE_ALL_COMMENTS: project('36', 'Delete All Comments', 'Ability to delete all comments made on issues.'),
  DELETE_OWN_COMMENTS: project('37', 'Delete Own Comments', 'Ability to delete own comments made on issues.'),
  EDIT_ALL_COMMENTS: project('34', 'Edit All Comments', 'Ability to edit all comments made on issues.'),
  EDIT_OWN_COMMENTS: project('35', 'Edit Own Comments', 'Ability to edit own comments made on issues.'),

  CREATE_ATTACHMENTS: project('19', 'Create Attachments', 'Users with this permission may create attachments.'),
  DELETE_ALL_ATTACHMENTS: project(
    '38',
    'Delete All Attachments',
    'Users with this permission may delete all attachments.',
  ),
  DELETE_OWN_ATTACHMENTS: project(
    '39',
    'Delete Own Attachments',
    'Users with this permission may delete own attachments.',
  ),

  DELETE_ALL_WORKLOGS: project('43', 'Delete All Worklogs', 'Ability to delete all worklogs made on issues.'),
  DELETE_OWN_WORKLOGS: project('42', 'Delete Own Worklogs', 'Ability to delete own worklogs made on issues.'),
  EDIT_ALL_WORKLOGS: project('41', 'Edit All Worklogs', 'Ability to edit all worklogs made on issues.'),
  EDIT_OWN_WORKLOGS: project('40', 'Edit Own Worklogs', 'Ability to edit own worklogs made on issues.'),
  WORK_ON_ISSUES: project(
    '20',
    'Work On Issues',
    'Ability to log work done against an issue. Only useful if Time Tracking is turned on.',
  ),
};

export function isKnownPermission(key: string): boolean {
  return Object.hasOwn(JIRA_PERMISSIONS, key);
}
