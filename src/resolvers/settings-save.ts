import { z } from 'zod';
import { saveSettings } from '../services/settings';
import { defineResolver } from './define';
import { projectKey } from './schemas';

export const settingsSaveResolver = defineResolver({
  key: 'settings/save',
  // The configuration is validated field by field by the service, so each error lands next to its field.
  payload: z.strictObject({ projectKey, config: z.unknown() }),
  project: 'payload',
  run: (deps, ctx, payload) => saveSettings(deps, ctx, payload.config),
});
