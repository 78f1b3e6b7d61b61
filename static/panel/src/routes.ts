/** The project page's routes, kept in Jira's URL through the Forge history. */
export type Route =
  | { name: 'overview' }
  | { name: 'release'; versionId: string }
  | { name: 'compliance' }
  | { name: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'overview' };
  if (path === '/compliance') return { name: 'compliance' };
  const release = /^\/release\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (release?.[1]) return { name: 'release', versionId: release[1] };
  return { name: 'not-found', path };
}

export function routePath(route: Exclude<Route, { name: 'not-found' }>): string {
  switch (route.name) {
    case 'overview':
      return '/';
    case 'compliance':
      return '/compliance';
    case 'release':
      return `/release/${encodeURIComponent(route.versionId)}`;
  }
}
