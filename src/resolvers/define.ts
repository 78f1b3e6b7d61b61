/**
 * How a resolver is declared: its key from the shared contract, a zod schema for its payload (typed
 * by the contract, so the two cannot drift) and a function from the validated payload to the result.
 */
import type { z } from 'zod';
import type { PayloadOf, ResolverKey, ResultOf } from '../contract';
import type { CallContext, Deps } from '../services/deps';

export type CallerRole = 'viewer' | 'developer' | 'approver' | 'admin';

export interface ResolverDefinition<K extends ResolverKey> {
  key: K;
  payload: z.ZodType<PayloadOf<K>>;
  /**
   * Where the project comes from: the project page's Forge context, or (settings, whose admin page
   * has no project) the payload's projectKey after an admin check, or none at all for a call about
   * the site (the settings page's project list), whose context then names no project.
   */
  project: 'context' | 'payload' | 'site';
  /**
   * Who the call is for, as the logs name it: the permission the resolver checks (the check itself
   * happens in the service). Defaults to `admin` for the settings (payload project), else `viewer`.
   */
  role?: CallerRole;
  run(deps: Deps, ctx: CallContext, payload: PayloadOf<K>): Promise<ResultOf<K>>;
}

export function defineResolver<K extends ResolverKey>(definition: ResolverDefinition<K>): ResolverDefinition<K> {
  return definition;
}
