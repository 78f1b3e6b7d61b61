import { useRef, useState } from 'react';
import { call } from '../api';
import type { ResultOf, SettingsView } from '../../../../src/contract';
import { ErrorState, Loading, Notice } from '../components/states';
import { useLoad } from '../use-load';
import { ChecksSection } from './checks-section';
import { ConfigForm } from './config-form';
import { Forbidden } from './forbidden';
import { ProjectPicker } from './project-picker';
import { SecretsSection } from './secrets-section';

const LAST_PROJECT = 'kosli-release-gate:last-project';

/** The admin page: the Jira admin picks a project from Jira's list, then edits its configuration and secrets. */
export function SettingsPage() {
  const [projectKey, setProjectKey] = useState<string | null>(() => remembered());
  const [query, setQuery] = useState('');
  const projects = useLoad(() => call('projects/list', { query }), [query]);
  // The last list stays on screen while a filter is asked for, so the picker keeps what was typed.
  const listed = useRef<ResultOf<'projects/list'> | null>(null);
  if (projects.state.status === 'ready') listed.current = projects.state.data;

  const pick = (key: string) => {
    remember(key);
    setProjectKey(key);
  };

  if (projects.state.status === 'failed' && projects.state.error.code === 'FORBIDDEN') {
    return (
      <main className="page settings">
        <h1>Kosli Release Gate settings</h1>
        <Forbidden />
      </main>
    );
  }
  return (
    <main className="page settings">
      <div className="page-header">
        <h1>Kosli Release Gate settings</h1>
        <p className="subtle">Per Jira project: where Kosli and GitHub are, which apps to release and who approves.</p>
      </div>
      {projects.state.status === 'failed' ? (
        <ErrorState
          title="Jira's projects could not be listed"
          error={projects.state.error}
          onRetry={projects.reload}
        />
      ) : listed.current === null ? (
        <Loading label="Listing Jira's projects…" />
      ) : (
        <ProjectPicker
          projects={listed.current.projects}
          more={listed.current.more}
          current={projectKey}
          searching={projects.state.status === 'loading'}
          onSearch={setQuery}
          onPick={pick}
        />
      )}
      {projectKey ? (
        <ProjectSettings key={projectKey} projectKey={projectKey} />
      ) : (
        <p className="subtle">Pick a project to see its settings.</p>
      )}
    </main>
  );
}

function ProjectSettings({ projectKey }: { projectKey: string }) {
  const { state, reload, replace } = useLoad(() => call('settings/get', { projectKey }), [projectKey]);
  if (state.status === 'loading') return <Loading label={`Loading the settings of ${projectKey}…`} />;
  if (state.status === 'failed') {
    if (state.error.code === 'FORBIDDEN') return <Forbidden />;
    if (state.error.code === 'NOT_FOUND') {
      return (
        <Notice appearance="warning" title={`No settings for ${projectKey}`}>
          <p>{state.error.message}</p>
          <p>Check the project key above and load again.</p>
        </Notice>
      );
    }
    return (
      <ErrorState title={`The settings of ${projectKey} could not be loaded`} error={state.error} onRetry={reload} />
    );
  }
  return <SettingsEditor view={state.data} onChange={replace} />;
}

function SettingsEditor({ view, onChange }: { view: SettingsView; onChange: (view: SettingsView) => void }) {
  return (
    <>
      {!view.saved && (
        <Notice appearance="info" title={`${view.projectKey} has no saved settings yet`}>
          <p>The form shows the defaults, named after the original release scripts. Review them, then save.</p>
        </Notice>
      )}
      <ConfigForm projectKey={view.projectKey} config={view.config} approvers={view.approvers} onSaved={onChange} />
      <SecretsSection projectKey={view.projectKey} secrets={view.secrets} onChange={onChange} />
      <ChecksSection projectKey={view.projectKey} />
    </>
  );
}

// The admin page has no project in its context: remember the last one for the next visit.
function remembered(): string | null {
  try {
    return window.localStorage.getItem(LAST_PROJECT);
  } catch {
    return null;
  }
}

function remember(key: string): void {
  try {
    window.localStorage.setItem(LAST_PROJECT, key);
  } catch {
    // Storage may be blocked in the iframe; the picker still works without it.
  }
}
