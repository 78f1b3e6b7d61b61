import { useState, type FormEvent } from 'react';
import { call } from '../api';
import type { SettingsView } from '../../../../src/contract';
import { ErrorState, Loading, Notice } from '../components/states';
import { useLoad } from '../use-load';
import { ChecksSection } from './checks-section';
import { ConfigForm } from './config-form';
import { Forbidden } from './forbidden';
import { SecretsSection } from './secrets-section';

const LAST_PROJECT = 'kosli-release-gate:last-project';

/** The admin page: the Jira admin picks a project, then edits its configuration and secrets. */
export function SettingsPage() {
  const [typed, setTyped] = useState(() => remembered() ?? '');
  const [projectKey, setProjectKey] = useState<string | null>(() => remembered());
  const [problem, setProblem] = useState<string | null>(null);

  const load = (event: FormEvent) => {
    event.preventDefault();
    const key = typed.trim().toUpperCase();
    if (!/^[A-Z][A-Z0-9_]{0,9}$/.test(key)) {
      setProblem('Enter a Jira project key, e.g. OPS.');
      return;
    }
    setProblem(null);
    remember(key);
    setProjectKey(key);
  };

  return (
    <main className="page settings">
      <div className="page-header">
        <h1>Kosli Release Gate settings</h1>
        <p className="subtle">Per Jira project: where Kosli and GitHub are, which apps to release and who approves.</p>
      </div>
      <form className="project-picker" onSubmit={load} noValidate aria-label="Project">
        <div className="field">
          <label htmlFor="project-key">Jira project key</label>
          <input
            id="project-key"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            placeholder="OPS"
            autoComplete="off"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'project-key-error' : undefined}
          />
          {problem && (
            <p id="project-key-error" className="field-error">
              {problem}
            </p>
          )}
        </div>
        <button type="submit" className="button button-primary">
          Load
        </button>
      </form>
      {projectKey ? <ProjectSettings key={projectKey} projectKey={projectKey} /> : <p className="subtle">Load a project to see its settings.</p>}
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
    return <ErrorState title={`The settings of ${projectKey} could not be loaded`} error={state.error} onRetry={reload} />;
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
