import { z } from 'zod';
import { searchPeople } from '../services/settings';
import { defineResolver } from './define';
import { projectKey } from './schemas';

export const usersSearchResolver = defineResolver({
  key: 'users/search',
  payload: z.strictObject({
    projectKey,
    query: z.string().trim().min(1, 'Type part of a name or an e-mail').max(100, 'At most 100 characters'),
  }),
  project: 'payload',
  run: (deps, ctx, payload) => searchPeople(deps, ctx, payload.query),
});
