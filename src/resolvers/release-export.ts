import { z } from 'zod';
import { exportRelease } from '../services/export-release';
import { defineResolver } from './define';
import { versionId } from './schemas';

export const releaseExportResolver = defineResolver({
  key: 'release/export',
  payload: z.strictObject({ versionId, format: z.enum(['notes', 'audit']) }),
  project: 'context',
  run: (deps, ctx, payload) => exportRelease(deps, ctx, payload.versionId, payload.format),
});
