/** Payload building blocks shared by the resolvers' schemas. */
import { z } from 'zod';

export const versionId = z.string().regex(/^\d{1,18}$/, 'A Jira version id is a number');
export const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'A Jira project key, e.g. OPS');
export const contentHash = z.string().regex(/^[a-f0-9]{64}$/, 'A content hash is 64 hex characters');
export const noPayload = z.strictObject({});
export const issueKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,254}-\d{1,18}$/, 'A Jira issue key, e.g. OPS-12');
export const appName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'An app name as configured');
/** Why: a rollback or an emergency release must say it (kept in Kosli, Jira and the audit). */
export const reason = z.string().max(2000, 'At most 2,000 characters');
/** A "Load more" request: the cursor the previous page gave (opaque; the service checks it) and a page size. */
export const pageRequest = z.strictObject({
  versionId,
  cursor: z.string().min(1, 'A cursor from the previous page').max(4000, 'A cursor from the previous page'),
  limit: z.number().int().min(1, 'At least 1').max(100, 'At most 100').optional(),
});
