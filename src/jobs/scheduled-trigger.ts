/**
 * The scheduledTrigger handler (every five minutes, no user). Forge expects a web-trigger-style
 * response; anything else is recorded as a failed invocation.
 */
import type { Deps } from '../services/deps';
import { linksFor, type SiteIdentity } from '../services/links';
import { scheduledCheck, type CheckReport } from '../services/scheduled-check';

export async function runScheduledCheck(
  deps: Deps,
): Promise<{ statusCode: number; body: string; reports: CheckReport[] }> {
  const site = (await deps.store.settings.site<SiteIdentity>()) ?? {
    siteUrl: '',
    appId: 'app',
    environmentId: 'env',
    projectType: 'software',
  };
  const reports = await scheduledCheck(deps, linksFor(site));
  return { statusCode: 200, body: JSON.stringify(reports), reports };
}
