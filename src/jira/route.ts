/**
 * Our own `route` template tag for Jira REST paths. Code outside the entry files may not import
 * `@forge/*`, so the adapter builds its paths here and the platform seam hands them to Forge's
 * `requestJira` (via `assumeTrustedRoute`), while tests send them to the fake Jira.
 *
 * Like Forge's `route`, it refuses path-manipulation attempts in path parameters; unlike it, it
 * percent-encodes every interpolation, so a key or id can never add a segment or a query.
 */

declare const jiraRouteBrand: unique symbol;

/** A Jira REST path (with its query) built by `route`, safe to send as-is. */
export type JiraRoute = string & { readonly [jiraRouteBrand]: true };

/**
 * The call the adapter makes: Forge's `api.asApp().requestJira` / `asUser().requestJira` in
 * production, a loopback fetch to the fake Jira in tests and the sandbox. `signal` carries the
 * transport's per-attempt timeout (Forge's RequestInit accepts it too).
 */
export type RequestJira = (
  route: JiraRoute,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<Response>;

/** The dot-segment spellings Forge's route refuses, raw and percent-encoded. */
const DOT_SEGMENT = /(\.|%2e)(\.|%2e)/i;

export class UnsafeRouteError extends Error {
  constructor() {
    super('Disallowing path manipulation attempt in a Jira route parameter.');
    this.name = 'UnsafeRouteError';
  }
}

function pathParameter(value: string): string {
  // "." and ".." would be resolved away by URL normalisation; "" would drop a segment.
  if (value === '' || value === '.' || DOT_SEGMENT.test(value)) throw new UnsafeRouteError();
  return encodeURIComponent(value);
}

/** Tagged template: `` route`/rest/api/3/version/${id}?expand=approvers` ``. */
export function route(template: TemplateStringsArray, ...parameters: ReadonlyArray<string | number>): JiraRoute {
  let inQuery = false;
  let result = '';
  template.forEach((fragment, index) => {
    if (fragment.includes('?') || fragment.includes('#')) inQuery = true;
    result += fragment;
    if (index >= parameters.length) return;
    const value = String(parameters[index]);
    result += inQuery ? encodeURIComponent(value) : pathParameter(value);
  });
  return brand(result);
}

// The only place a string becomes a JiraRoute; an overload does it without an `as` cast.
function brand(path: string): JiraRoute;
function brand(path: string): string {
  return path;
}
