import { z } from 'zod';
import { requireReleaseManager } from '../services/permissions';
import { refreshCandidate } from '../services/refresh-candidate';
import { defineResolver } from './define';
import { appName } from './schemas';

export const candidateRefreshResolver = defineResolver({
  key: 'candidate/refresh',
  payload: z.strictObject({ apps: z.array(appName).min(1, 'Choose at least one app').max(20).optional() }),
  project: 'context',
  role: 'developer',
  run: async (deps, ctx, payload) => {
    await requireReleaseManager(ctx);
    return refreshCandidate(deps, ctx, payload.apps === undefined ? {} : { apps: payload.apps });
  },
});
