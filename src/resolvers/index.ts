/**
 * Every resolver, keyed by its contract key. Typed as a complete map, so a key added to the
 * contract without a resolver fails the type-check.
 */
import type { ResolverKey } from '../contract';
import { candidateRefreshResolver } from './candidate-refresh';
import type { ResolverDefinition } from './define';
import { issueContextResolver } from './issue-context';
import { projectOverviewResolver } from './project-overview';
import { projectsListResolver } from './projects-list';
import { releaseDecideResolver } from './release-decide';
import { releaseAuditResolver } from './release-audit';
import { releaseDecisionsResolver } from './release-decisions';
import { releaseExportResolver } from './release-export';
import { releaseIssuesResolver } from './release-issues';
import { releaseGetResolver } from './release-get';
import { releaseEmergencyResolver } from './release-emergency';
import { releaseRetryResolver } from './release-retry';
import { releaseRollbackResolver } from './release-rollback';
import { reportComplianceResolver } from './report-compliance';
import { settingsCheckResolver } from './settings-check';
import { settingsGetResolver } from './settings-get';
import { settingsSaveResolver } from './settings-save';
import { settingsSecretResolver } from './settings-secret';
import { settingsSetupKosliResolver } from './settings-setup-kosli';
import { stagingPromoteResolver } from './staging-promote';
import { usersSearchResolver } from './users-search';

export const RESOLVERS: { [K in ResolverKey]: ResolverDefinition<K> } = {
  'project/overview': projectOverviewResolver,
  'staging/promote': stagingPromoteResolver,
  'candidate/refresh': candidateRefreshResolver,
  'release/get': releaseGetResolver,
  'release/decide': releaseDecideResolver,
  'release/retry': releaseRetryResolver,
  'release/export': releaseExportResolver,
  'release/issues': releaseIssuesResolver,
  'release/decisions': releaseDecisionsResolver,
  'release/audit': releaseAuditResolver,
  'release/rollback': releaseRollbackResolver,
  'release/emergency': releaseEmergencyResolver,
  'settings/get': settingsGetResolver,
  'settings/save': settingsSaveResolver,
  'settings/secret': settingsSecretResolver,
  'settings/check': settingsCheckResolver,
  'settings/setup-kosli': settingsSetupKosliResolver,
  'report/compliance': reportComplianceResolver,
  'issue/context': issueContextResolver,
  'users/search': usersSearchResolver,
  'projects/list': projectsListResolver,
};
