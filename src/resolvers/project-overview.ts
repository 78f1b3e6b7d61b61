import { projectOverview } from '../services/project-overview';
import { defineResolver } from './define';
import { noPayload } from './schemas';

export const projectOverviewResolver = defineResolver({
  key: 'project/overview',
  payload: noPayload,
  project: 'context',
  run: (deps, ctx) => projectOverview(deps, ctx),
});
