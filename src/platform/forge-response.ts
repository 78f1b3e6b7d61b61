/**
 * @forge/api types its responses with its own `Response` interface; the app's ports use the standard
 * `Response`. On the Forge Node runtime (and the local runtime) the object already is one; anything
 * else is copied into one, so callers never depend on which.
 */
import type { APIResponse } from '@forge/api';

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export async function toStandardResponse(response: APIResponse): Promise<Response> {
  if (response instanceof Response) return response;
  const headers = new Headers();
  response.headers.forEach((value, name) => headers.append(name, value));
  const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
