import { issuePage } from '../services/release-lists';
import { defineResolver } from './define';
import { pageRequest } from './schemas';

export const releaseIssuesResolver = defineResolver({
  key: 'release/issues',
  payload: pageRequest,
  project: 'context',
  run: (deps, ctx, payload) => issuePage(deps, ctx, payload.versionId, payload.cursor, payload.limit),
});
