import { z } from 'zod';
import { approveAsEmergency } from '../services/emergency-approve';
import { releaseView } from '../services/release-view';
import { defineResolver } from './define';
import { contentHash, reason, versionId } from './schemas';

export const releaseEmergencyResolver = defineResolver({
  key: 'release/emergency',
  payload: z.strictObject({ versionId, contentHash, reason }),
  project: 'context',
  role: 'approver',
  run: async (deps, ctx, payload) => {
    await approveAsEmergency(deps, ctx, payload);
    return releaseView(deps, ctx, payload.versionId);
  },
});
