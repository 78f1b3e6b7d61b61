/**
 * Every resolver, keyed by its contract key. Typed as a complete map, so a key added to the
 * contract without a resolver fails the type-check.
 */
import type { ResolverKey } from '../contract';
import { candidateRefreshResolver } from './candidate-refresh';
import type { ResolverDefinition } from './define';
import { projectOverviewResolver } from './project-overview';
import { releaseDecideResolver } from './release-decide';
import { releaseExportResolver } from './release-export';
import { releaseGetResolver } from './release-get';
import { releaseRetryResolver } from './release-retry';
import { stagingPromoteResolver } from './staging-promote';

export const RESOLVERS: Partial<{ [K in ResolverKey]: ResolverDefinition<K> }> = {
  'project/overview': projectOverviewResolver,
  'staging/promote': stagingPromoteResolver,
  'candidate/refresh': candidateRefreshResolver,
  'release/get': releaseGetResolver,
  'release/decide': releaseDecideResolver,
  'release/retry': releaseRetryResolver,
  'release/export': releaseExportResolver,
};
