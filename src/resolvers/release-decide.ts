import { z } from 'zod';
import { decide } from '../services/decide';
import { releaseView } from '../services/release-view';
import { defineResolver } from './define';
import { contentHash, versionId } from './schemas';

export const releaseDecideResolver = defineResolver({
  key: 'release/decide',
  payload: z.strictObject({
    versionId,
    decision: z.enum(['approved', 'declined']),
    reason: z.string().max(2000, 'A reason is at most 2000 characters').optional(),
    contentHash,
  }),
  project: 'context',
  role: 'approver',
  run: async (deps, ctx, payload) => {
    await decide(deps, ctx, payload);
    return releaseView(deps, ctx, payload.versionId);
  },
});
