import { AppError } from '../errors';
import type { ReleaseRecord } from '../store/records';
import type { Deps } from './deps';

/** The project's release record, or NOT_FOUND when the version is not one this app manages for it. */
export async function loadRelease(deps: Deps, projectKey: string, versionId: string): Promise<ReleaseRecord> {
  const record = await deps.store.releases.get(projectKey, versionId);
  if (!record)
    throw new AppError(
      'NOT_FOUND',
      `Release ${versionId} is not a release of project ${projectKey} managed by this app.`,
    );
  return record;
}
