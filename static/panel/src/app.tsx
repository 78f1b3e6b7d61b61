import { lazy, Suspense } from 'react';
import { ISSUE_CONTEXT, loadPanelContext, PROJECT_PAGE, SETTINGS_PAGE } from './forge';
import { ErrorState, Loading, Notice } from './components/states';
import { ProjectPage } from './project/project-page';
import { useLoad } from './use-load';

// The admin page is opened rarely and by few: keep it out of the project page's initial JS.
const SettingsPage = lazy(() =>
  import('./settings/settings-page').then((module) => ({ default: module.SettingsPage })),
);
const IssueContextPanel = lazy(() =>
  import('./issue/issue-context').then((module) => ({ default: module.IssueContextPanel })),
);

/** One bundle, two Forge modules: the project page (releases) and the admin page (settings). */
export function App() {
  const { state, reload } = useLoad(loadPanelContext, []);

  if (state.status === 'loading') return <Loading label="Loading Kosli Release Gate…" />;
  if (state.status === 'failed')
    return <ErrorState title="The app could not start" error={state.error} onRetry={reload} />;

  const { moduleKey, projectKey, siteUrl, issueKey } = state.data;
  if (moduleKey === ISSUE_CONTEXT && issueKey) {
    return (
      <Suspense fallback={<Loading label="Loading where this issue runs…" />}>
        <IssueContextPanel issueKey={issueKey} />
      </Suspense>
    );
  }
  if (moduleKey === SETTINGS_PAGE) {
    return (
      <Suspense fallback={<Loading label="Loading settings…" />}>
        <SettingsPage />
      </Suspense>
    );
  }
  if (moduleKey === PROJECT_PAGE && projectKey) return <ProjectPage projectKey={projectKey} siteUrl={siteUrl} />;
  return (
    <Notice appearance="error" title="This page is not part of Kosli Release Gate">
      <p>
        Open the app from a Jira project (Releases in the project sidebar) or from Jira settings → Apps → Kosli Release
        Gate.
      </p>
    </Notice>
  );
}
