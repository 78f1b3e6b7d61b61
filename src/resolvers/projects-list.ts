import { z } from 'zod';
import { listProjects } from '../services/settings';
import { defineResolver } from './define';

export const projectsListResolver = defineResolver({
  key: 'projects/list',
  payload: z.strictObject({ query: z.string().trim().max(100, 'At most 100 characters') }),
  project: 'site',
  role: 'admin',
  run: (deps, ctx, payload) => listProjects(deps, ctx, payload.query),
});
