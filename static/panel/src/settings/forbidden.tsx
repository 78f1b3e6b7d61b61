import { Notice } from '../components/states';

/** What a non-admin sees: the server checks Jira's permissions on every settings call. */
export function Forbidden() {
  return (
    <Notice appearance="error" title="Only Jira administrators can change these settings">
      <p>Ask a Jira administrator to configure Kosli Release Gate for this project.</p>
    </Notice>
  );
}
