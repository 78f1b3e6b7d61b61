/**
 * The panel's seam to the Forge host (context, in-app history, theming). Views never import
 * `@forge/bridge` themselves: resolver calls go through api.ts, everything else through here.
 */
import { router, view } from '@forge/bridge';
import { isRecord } from './api';

/** Module keys from manifest.yml: one bundle serves both. */
export const PROJECT_PAGE = 'release-gate';
export const SETTINGS_PAGE = 'release-gate-settings';
/** jira:issueContext "Where does this issue run?". */
export const ISSUE_CONTEXT = 'issue-where-running';

export interface PanelContext {
  moduleKey: string;
  /** The Jira project of a project page; null on the admin page. */
  projectKey: string | null;
  accountId: string | null;
  /** The Jira site, e.g. https://acme.atlassian.net, for links the resolvers do not build. */
  siteUrl: string | null;
  /** The issue of an issue module; null elsewhere. */
  issueKey: string | null;
}

export async function loadPanelContext(): Promise<PanelContext> {
  const context = await view.getContext();
  const project: unknown = context.extension['project'];
  const projectKey = isRecord(project) && typeof project['key'] === 'string' ? project['key'] : null;
  const issue: unknown = context.extension['issue'];
  const issueKey = isRecord(issue) && typeof issue['key'] === 'string' ? issue['key'] : null;
  return {
    moduleKey: context.moduleKey,
    projectKey,
    accountId: context.accountId ?? null,
    siteUrl: context.siteUrl || null,
    issueKey,
  };
}

/** In-app navigation: Jira keeps the path in its own URL, so routes survive reloads and can be shared. */
export interface PanelHistory {
  pathname(): string;
  push(path: string): void;
  listen(listener: (pathname: string) => void): () => void;
}

export async function openHistory(): Promise<PanelHistory> {
  const history = await view.createHistory();
  return {
    pathname: () => history.location.pathname,
    push: (path) => history.push(path),
    // Hosts built on history v4 pass the location, v5 passes { location }; accept both.
    listen: (listener) =>
      history.listen((update: unknown) => listener(pathnameOf(update) ?? history.location.pathname)),
  };
}

function pathnameOf(update: unknown): string | null {
  if (!isRecord(update)) return null;
  if (typeof update['pathname'] === 'string') return update['pathname'];
  const location = update['location'];
  return isRecord(location) && typeof location['pathname'] === 'string' ? location['pathname'] : null;
}

/** Follows Jira's light or dark theme through the design tokens the host injects. */
export async function enableTheme(): Promise<void> {
  await view.theme.enable();
}

/**
 * Opens a page outside Jira in a new tab through the host: Forge's sandboxed iframe has no
 * allow-popups, so a target=_blank link or window.open from the panel would be blocked.
 */
export function openExternal(url: string): Promise<void> {
  return router.open(url);
}
