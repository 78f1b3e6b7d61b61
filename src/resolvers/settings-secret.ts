import { z } from 'zod';
import { SECRET_NAMES } from '../contract';
import { setSecret } from '../services/settings';
import { defineResolver } from './define';
import { projectKey } from './schemas';

export const settingsSecretResolver = defineResolver({
  key: 'settings/secret',
  // The value's rules (length, no whitespace) are checked by the secret store, whose messages never repeat it.
  payload: z.strictObject({ projectKey, name: z.enum(SECRET_NAMES), value: z.string().nullable() }),
  project: 'payload',
  run: (deps, ctx, payload) => setSecret(deps, ctx, payload.name, payload.value),
});
