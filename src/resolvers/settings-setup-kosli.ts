import { z } from 'zod';
import { setupKosli } from '../services/kosli-setup';
import { defineResolver } from './define';
import { projectKey } from './schemas';

export const settingsSetupKosliResolver = defineResolver({
  key: 'settings/setup-kosli',
  payload: z.strictObject({ projectKey }),
  project: 'payload',
  run: (deps, ctx) => setupKosli(deps, ctx),
});
