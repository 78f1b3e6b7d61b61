import { z } from 'zod';
import { checkConnection } from '../services/connection-check';
import { defineResolver } from './define';
import { projectKey } from './schemas';

export const settingsCheckResolver = defineResolver({
  key: 'settings/check',
  payload: z.strictObject({ projectKey }),
  project: 'payload',
  run: (deps, ctx) => checkConnection(deps, ctx),
});
