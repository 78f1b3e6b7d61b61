/** Payload building blocks shared by the resolvers' schemas. */
import { z } from 'zod';

export const versionId = z.string().regex(/^\d{1,18}$/, 'A Jira version id is a number');
export const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'A Jira project key, e.g. OPS');
export const contentHash = z.string().regex(/^[a-f0-9]{64}$/, 'A content hash is 64 hex characters');
export const noPayload = z.strictObject({});
export const issueKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,254}-\d{1,18}$/, 'A Jira issue key, e.g. OPS-12');
