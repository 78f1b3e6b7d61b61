import { z } from 'zod';
import { requireReleaseManager } from '../services/permissions';
import { releaseView } from '../services/release-view';
import { retryRelease } from '../services/retry-release';
import { defineResolver } from './define';
import { versionId } from './schemas';

export const releaseRetryResolver = defineResolver({
  key: 'release/retry',
  payload: z.strictObject({ versionId }),
  project: 'context',
  role: 'developer',
  run: async (deps, ctx, payload) => {
    await requireReleaseManager(ctx, 'retry a failed deploy');
    await retryRelease(deps, ctx, payload.versionId);
    return releaseView(deps, ctx, payload.versionId);
  },
});
