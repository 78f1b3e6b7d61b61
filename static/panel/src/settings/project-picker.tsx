import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ProjectChoice } from '../../../../src/contract';

/**
 * The project to configure, picked from Jira's projects (the admin page has no project of its own).
 * The list shows the first 50 by key; the filter asks Jira for the ones whose key or name contains it.
 */
export function ProjectPicker({
  projects,
  more,
  current,
  searching,
  onSearch,
  onPick,
}: {
  projects: ProjectChoice[];
  more: boolean;
  current: string | null;
  searching: boolean;
  onSearch: (query: string) => void;
  onPick: (projectKey: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState(
    () => (projects.some((p) => p.key === current) ? current : projects[0]?.key) ?? '',
  );
  const shown = projects.some((p) => p.key === chosen) ? chosen : (projects[0]?.key ?? '');

  const load = (event: FormEvent) => {
    event.preventDefault();
    if (shown) onPick(shown);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter filters here; it must not load the selected project.
    if (event.key === 'Enter') {
      event.preventDefault();
      onSearch(query.trim());
    }
  };

  return (
    <form className="project-picker" onSubmit={load} aria-label="Project">
      <div className="field">
        <label htmlFor="project-filter">Find a project (key or name)</label>
        <div className="inline-controls">
          <input
            id="project-filter"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onKeyDown}
            autoComplete="off"
          />
          <button type="button" className="button" onClick={() => onSearch(query.trim())} disabled={searching}>
            {searching ? 'Finding…' : 'Find projects'}
          </button>
        </div>
      </div>
      <div className="field">
        <label htmlFor="project-select">Jira project</label>
        {projects.length === 0 ? (
          <p id="project-select" className="subtle" role="status">
            No Jira project matches. Try part of another key or name.
          </p>
        ) : (
          <select id="project-select" value={shown} onChange={(event) => setChosen(event.target.value)}>
            {projects.map((project) => (
              <option key={project.key} value={project.key}>
                {project.key} — {project.name}
                {project.configured ? ' (configured)' : ' (not configured yet)'}
              </option>
            ))}
          </select>
        )}
      </div>
      <button type="submit" className="button button-primary" disabled={projects.length === 0}>
        Load
      </button>
      {more && (
        <p className="subtle project-picker-more">
          Showing the first {projects.length} projects by key: find a project to see others.
        </p>
      )}
    </form>
  );
}
