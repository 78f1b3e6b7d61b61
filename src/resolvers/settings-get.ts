import { z } from 'zod';
import { getSettings } from '../services/settings';
import { defineResolver } from './define';
import { projectKey } from './schemas';

export const settingsGetResolver = defineResolver({
  key: 'settings/get',
  payload: z.strictObject({ projectKey }),
  project: 'payload',
  run: (deps, ctx) => getSettings(deps, ctx),
});
