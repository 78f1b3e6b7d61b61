import { z } from 'zod';
import { issueContext } from '../services/issue-context';
import { defineResolver } from './define';
import { issueKey } from './schemas';

export const issueContextResolver = defineResolver({
  key: 'issue/context',
  payload: z.strictObject({ issueKey }),
  project: 'context',
  run: (deps, ctx, payload) => issueContext(deps, ctx, payload.issueKey),
});
