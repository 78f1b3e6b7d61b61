/**
 * The Jira permissions the fake knows, with the ids and types real Jira reports in
 * `GET /rest/api/3/mypermissions`. Asking for any other key is a 400, as in Jira.
 */

export interface PermissionInfo {
  id: string;
  name: string;
  type: 'GLOBAL' | 'PROJECT';
  description: string;
}

export const JIRA_PERMISSIONS: Readonly<Record<string, PermissionInfo>> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.' },
  BULK_CHANGE: { id: '33', name: 'Make bulk changes', type: 'GLOBAL', description: 'Modify collections of issues at once.' },
  USER_PICKER: { id: '27', name: 'Browse users and groups', type: 'GLOBAL', description: 'View and select users or groups from the user picker.' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT', description: 'Ability to administer a project in Jira.' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  ASSIGN_ISSUES: { id: '13', name: 'Assign Issues', type: 'PROJECT', description: 'Ability to assign issues to other people.' },
  RESOLVE_ISSUES: { id: '14', name: 'Resolve Issues', type: 'PROJECT', description: 'Ability to resolve and reopen issues. This includes the ability to set a fix version.' },
  ADD_COMMENTS: { id: '15', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  LINK_ISSUES: { id: '21', name: 'Link Issues', type: 'PROJECT', description: 'Ability to link issues together and create linked issues.' },
  SCHEDULE_ISSUES: { id: '28', name: 'Schedule Issues', type: 'PROJECT', description: 'Ability to view or edit an issue\'s due date.' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', type: 'PROJECT', description: 'Ability to transition issues.' },
};

export function isKnownPermission(key: string): boolean {
  return Object.hasOwn(JIRA_PERMISSIONS, key);
}
