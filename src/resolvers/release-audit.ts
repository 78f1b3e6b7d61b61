import { auditPage } from '../services/release-lists';
import { defineResolver } from './define';
import { pageRequest } from './schemas';

export const releaseAuditResolver = defineResolver({
  key: 'release/audit',
  payload: pageRequest,
  project: 'context',
  run: (deps, ctx, payload) => auditPage(deps, ctx, payload.versionId, payload.cursor, payload.limit),
});
