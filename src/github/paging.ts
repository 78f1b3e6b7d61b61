/**
 * GitHub pages list endpoints with a Link header:
 * `<https://api.github.com/…&page=2>; rel="next", <…&page=5>; rel="last"`.
 * @see https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */

/**
 * The page number the `rel="next"` link points at, or null on the last page. Only the number is
 * taken: the client builds the next URL itself, so the token is never sent to a host named by a header.
 */
export function nextPage(link: string | null): number | null {
  return pageOf(link, 'next');
}

/** The page number the `rel="last"` link points at, or null when the answer names no last page. */
export function lastPage(link: string | null): number | null {
  return pageOf(link, 'last');
}

function pageOf(link: string | null, rel: 'next' | 'last'): number | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?([^";]*)"?/.exec(part.trim());
    if (!match || !(match[2] ?? '').split(/\s+/).includes(rel)) continue;
    try {
      const page = Number(new URL(match[1] ?? '').searchParams.get('page'));
      return Number.isInteger(page) && page > 0 ? page : null;
    } catch {
      return null;
    }
  }
  return null;
}
