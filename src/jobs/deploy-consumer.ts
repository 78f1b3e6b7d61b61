/**
 * The queue consumer: runs the deploy worker for one release with the long budget consumers get.
 * A locked release is fine (another worker is on it); errors are recorded in the release's state
 * by the worker itself, so nothing is thrown back for Forge to retry blindly.
 */
import { z } from 'zod';
import { AppError, toAppError } from '../errors';
import { advanceRelease } from '../services/deploy-worker';
import type { Deps } from '../services/deps';
import { linksFor, type SiteIdentity } from '../services/links';

const deployEvent = z.object({
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/),
  versionId: z.string().regex(/^\d{1,18}$/),
  reason: z.string().max(500),
});

export async function runDeployJob(deps: Deps, body: unknown): Promise<{ ok: boolean; state: string | null; error?: string }> {
  const event = deployEvent.safeParse(body);
  if (!event.success) return { ok: false, state: null, error: new AppError('INVALID_INPUT', 'Malformed deploy event').message };
  const record = await deps.store.getRelease(event.data.projectKey, event.data.versionId);
  if (!record) return { ok: false, state: null, error: `No release ${event.data.versionId} in ${event.data.projectKey}` };
  const site = (await deps.store.getSite<SiteIdentity>()) ?? { siteUrl: '', appId: 'app', environmentId: 'env', projectType: 'software' };
  try {
    const outcome = await advanceRelease(deps, { projectKey: record.projectKey, projectId: record.projectId, actor: 'deploy-worker', jiraAsUser: null, links: linksFor(site) }, record.versionId);
    return { ok: true, state: outcome.state?.kind ?? (outcome.ran ? null : 'locked') };
  } catch (error) {
    return { ok: false, state: null, error: toAppError(error).message };
  }
}
