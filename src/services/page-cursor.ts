/**
 * The cursor a paged list hands the panel for its next page ("Load more"). It wraps the position
 * (a KVS cursor, or an offset) with what it is a position in (`audit:<version>`, …), so a cursor
 * from another list or release, or one changed on the way, is refused as INVALID_INPUT before any
 * read rather than answered with some other page. KVS cursors may not be stable for long: they
 * live only between one page and the next (the panel never stores them).
 */
import { z } from 'zod';
import { AppError } from '../errors';

const envelope = z.strictObject({ scope: z.string(), at: z.union([z.string().min(1), z.number().int().min(0)]) });

export type PagePosition = z.infer<typeof envelope>['at'];

export function pageCursor(scope: string, at: PagePosition): string {
  return Buffer.from(JSON.stringify({ scope, at })).toString('base64url');
}

export function invalidCursor(): AppError {
  return new AppError(
    'INVALID_INPUT',
    'This "Load more" link is not valid for this list: reload the page and try again.',
    { details: { fields: { cursor: 'Not a cursor of this list' } } },
  );
}

/** The position a cursor holds, if it was made for `scope`; undefined for no cursor (the first page). */
function positionIn(scope: string, cursor: string | undefined): PagePosition | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  const parsed = envelope.safeParse(decoded);
  if (!parsed.success || parsed.data.scope !== scope) throw invalidCursor();
  return parsed.data.at;
}

/** The store cursor a log's cursor holds (undefined: the newest page). */
export function storeCursorIn(scope: string, cursor: string | undefined): string | undefined {
  const at = positionIn(scope, cursor);
  if (typeof at === 'number') throw invalidCursor();
  return at;
}

/** The offset a list's cursor holds (0: the first page). */
export function offsetIn(scope: string, cursor: string | undefined): number {
  const at = positionIn(scope, cursor) ?? 0;
  if (typeof at === 'string') throw invalidCursor();
  return at;
}
