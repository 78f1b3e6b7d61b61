import { z } from 'zod';
import { exportRelease } from '../services/export-release';
import { defineResolver } from './define';
import { pageRequest, versionId } from './schemas';

export const releaseExportResolver = defineResolver({
  key: 'release/export',
  payload: z.strictObject({
    versionId,
    format: z.enum(['notes', 'audit']),
    cursor: pageRequest.shape.cursor.optional(),
  }),
  project: 'context',
  run: (deps, ctx, payload) => exportRelease(deps, ctx, payload.versionId, payload.format, payload.cursor),
});
