import { decisionPage } from '../services/release-lists';
import { defineResolver } from './define';
import { pageRequest } from './schemas';

export const releaseDecisionsResolver = defineResolver({
  key: 'release/decisions',
  payload: pageRequest,
  project: 'context',
  run: (deps, ctx, payload) => decisionPage(deps, ctx, payload.versionId, payload.cursor, payload.limit),
});
