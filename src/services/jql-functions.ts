/**
 * The jira:jqlFunction handler's use case: validates what Jira sends, reads the release records and
 * answers with a JQL fragment or a sentence. Nothing upstream is called, so it answers well within
 * the function's time limit and Jira can store the answer as a precomputation.
 * @see https://developer.atlassian.com/cloud/jira/platform/jql-functions/
 */
import { z } from 'zod';
import { answerJql, type JqlAnswer } from '../release/jql-functions';
import type { Deps } from './deps';

const invocation = z.object({
  precomputationId: z.string().optional(),
  clause: z.object({
    functionName: z.string().min(1),
    operator: z.string(),
    arguments: z.array(z.string()).default([]),
  }),
});

export async function answerJqlFunction(deps: Deps, input: unknown): Promise<JqlAnswer> {
  const parsed = invocation.safeParse(input);
  if (!parsed.success) return { error: 'Kosli Release Gate could not read this JQL function call.' };
  const records = await deps.store.releases.all();
  const keys = await Promise.all(records.map((r) => deps.store.keys.issueKeys(r)));
  return answerJql(
    parsed.data.clause,
    records.map((r, i) => ({
      projectKey: r.projectKey,
      issueKeys: keys[i] ?? [],
      deploy: r.deploy,
      released: r.released,
      inStaging: r.stagingRecordedHash === r.candidate.contentHash,
    })),
  );
}
