/**
 * GitHub signals a primary rate limit with 403 (or 429) plus `x-ratelimit-remaining: 0` and an
 * `x-ratelimit-reset` epoch, and a secondary limit with 403/429 plus `retry-after` (or only a
 * "secondary rate limit" message). The shared transport understands one signal, 429 + Retry-After,
 * so this wrapper translates GitHub's signals into it at the edge instead of teaching the transport
 * GitHub's dialect: the transport then waits when the wait is short and otherwise fails with
 * UPSTREAM_RATE_LIMITED (transient), never with a misleading "permission" error.
 * @see https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
import type { Fetch } from '../http/transport';

/** GitHub's advice when a secondary limit gives no header: wait at least a minute. */
const SECONDARY_LIMIT_WAIT_SECONDS = 60;

async function mentionsRateLimit(response: Response): Promise<boolean> {
  try {
    return /rate limit/i.test(await response.clone().text());
  } catch {
    return false;
  }
}

export function withGitHubRateLimits(fetch: Fetch, now: () => number = Date.now): Fetch {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (response.status !== 403 && response.status !== 429) return response;
    const retryAfter = await retryAfterSeconds(response, now);
    if (retryAfter === undefined) return response;
    if (response.status === 429 && response.headers.get('retry-after') !== null) return response;
    const headers = new Headers(response.headers);
    headers.set('retry-after', retryAfter);
    return new Response(await response.text(), { status: 429, statusText: 'Too Many Requests', headers });
  };
}

/** How long GitHub asks us to wait, in seconds; undefined when the response is not a rate limit. */
async function retryAfterSeconds(response: Response, now: () => number): Promise<string | undefined> {
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null) return retryAfter;
  const reset = Number(response.headers.get('x-ratelimit-reset'));
  if (response.headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    // +1 s: the reset epoch is whole seconds and our clock may run slightly behind GitHub's.
    return String(Math.max(1, Math.ceil(reset - now() / 1000) + 1));
  }
  // A 403 without a rate-limit signal is a permission problem; a bare 429 gets the transport's backoff.
  if (response.status === 403 && (await mentionsRateLimit(response))) return String(SECONDARY_LIMIT_WAIT_SECONDS);
  return undefined;
}
