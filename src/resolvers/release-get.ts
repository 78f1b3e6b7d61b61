import { z } from 'zod';
import { releaseView } from '../services/release-view';
import { defineResolver } from './define';
import { versionId } from './schemas';

export const releaseGetResolver = defineResolver({
  key: 'release/get',
  payload: z.strictObject({ versionId }),
  project: 'context',
  run: (deps, ctx, payload) => releaseView(deps, ctx, payload.versionId),
});
