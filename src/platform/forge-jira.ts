/**
 * The `RequestJira` port over Forge's product fetch. Paths come already encoded from our `route`
 * tag (src/jira/route.ts), so they are handed over with `assumeTrustedRoute` rather than re-tagged.
 * @see https://developer.atlassian.com/platform/forge/apis-reference/fetch-api-product.requestjira/
 */
import { asApp, asUser, assumeTrustedRoute } from '@forge/api';
import type { RequestJira } from '../jira/route';
import { toStandardResponse } from './forge-response';

/** Jira as the app: scheduled triggers, queue consumers and the app's own writes. */
export function jiraTransportAsApp(): RequestJira {
  return async (path, init) => toStandardResponse(await asApp().requestJira(assumeTrustedRoute(path), init));
}

/** Jira as the user of the current resolver invocation (Forge knows who; only resolvers have one). */
export function jiraTransportAsUser(): RequestJira {
  return async (path, init) => toStandardResponse(await asUser().requestJira(assumeTrustedRoute(path), init));
}
