import { z } from 'zod';
import { requireReleaseManager } from '../services/permissions';
import { createRollback } from '../services/rollback-create';
import { defineResolver } from './define';
import { reason, versionId } from './schemas';

export const releaseRollbackResolver = defineResolver({
  key: 'release/rollback',
  payload: z.strictObject({ versionId, reason }),
  project: 'context',
  role: 'developer',
  run: async (deps, ctx, payload) => {
    await requireReleaseManager(ctx, 'roll prod back to a release');
    return createRollback(deps, ctx, payload);
  },
});
