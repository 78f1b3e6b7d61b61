import { requireReleaseManager } from '../services/permissions';
import { refreshCandidate } from '../services/refresh-candidate';
import { defineResolver } from './define';
import { noPayload } from './schemas';

export const candidateRefreshResolver = defineResolver({
  key: 'candidate/refresh',
  payload: noPayload,
  project: 'context',
  role: 'developer',
  run: async (deps, ctx) => {
    await requireReleaseManager(ctx);
    return refreshCandidate(deps, ctx);
  },
});
