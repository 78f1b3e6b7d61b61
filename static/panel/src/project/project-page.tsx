import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { openHistory, type PanelHistory } from '../forge';
import { NavigateContext, RouteLink } from '../components/links';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { parseRoute, routePath } from '../routes';
import { useLoad } from '../use-load';
import { Overview } from './overview';
import { ReleasePage, SkipToDecision } from './release/release-page';

// Auditors' view, opened monthly: loaded on demand so the release pages stay light.
const ComplianceView = lazy(() =>
  import('./compliance/compliance-view').then((module) => ({ default: module.ComplianceView })),
);

export function ProjectPage({ projectKey, siteUrl }: { projectKey: string; siteUrl: string | null }) {
  const { state, reload } = useLoad(openHistory, []);
  if (state.status === 'loading') return <Loading label="Loading releases…" />;
  if (state.status === 'failed')
    return <ErrorState title="The page could not start" error={state.error} onRetry={reload} />;
  return <ProjectRoutes history={state.data} projectKey={projectKey} siteUrl={siteUrl} />;
}

function ProjectRoutes({
  history,
  projectKey,
  siteUrl,
}: {
  history: PanelHistory;
  projectKey: string;
  siteUrl: string | null;
}) {
  const [pathname, setPathname] = useState(history.pathname());
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => history.listen(setPathname), [history]);
  useEffect(() => {
    // After a navigation, move focus to the new content so keyboard and screen-reader users follow.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [pathname]);

  const navigate = useCallback((path: string) => history.push(path), [history]);
  const route = parseRoute(pathname);
  const section = route.name === 'compliance' ? 'compliance' : 'releases';

  return (
    <NavigateContext.Provider value={navigate}>
      <div className="page">
        {route.name === 'release' && <SkipToDecision />}
        <nav className="tabs" aria-label="Kosli Release Gate">
          <RouteLink to={routePath({ name: 'overview' })} className="tab" current={section === 'releases'}>
            Releases
          </RouteLink>
          <RouteLink to={routePath({ name: 'compliance' })} className="tab" current={section === 'compliance'}>
            Compliance report
          </RouteLink>
        </nav>
        <main ref={main} tabIndex={-1} className="page-main">
          {route.name === 'overview' && <Overview projectKey={projectKey} />}
          {route.name === 'release' && <ReleasePage key={route.versionId} versionId={route.versionId} />}
          {route.name === 'compliance' && (
            <Suspense fallback={<Loading label="Loading the compliance report…" />}>
              <ComplianceView siteUrl={siteUrl} />
            </Suspense>
          )}
          {route.name === 'not-found' && (
            <EmptyState title="There is nothing at this address">
              <p>
                <RouteLink to="/">Go to the releases overview</RouteLink>
              </p>
            </EmptyState>
          )}
        </main>
      </div>
    </NavigateContext.Provider>
  );
}
