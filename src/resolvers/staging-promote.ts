import { requireReleaseManager } from '../services/permissions';
import { promoteToStaging } from '../services/promote';
import { defineResolver } from './define';
import { noPayload } from './schemas';

export const stagingPromoteResolver = defineResolver({
  key: 'staging/promote',
  payload: noPayload,
  project: 'context',
  role: 'developer',
  run: async (deps, ctx) => {
    await requireReleaseManager(ctx);
    return promoteToStaging(deps, ctx);
  },
});
