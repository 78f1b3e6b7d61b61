/**
 * The settings form's editable copy of a ProjectConfig: text where people type (numbers, the
 * approver list, a custom host), converted back on save. The resolver validates the result; the
 * only checks here are the ones the conversion itself needs.
 */
import type { FieldErrors, ProjectConfig } from '../../../../src/contract';

/** The Kosli regions offered in the host picker (the server accepts any https URL). */
export const KOSLI_REGIONS = { eu: 'https://app.kosli.com', us: 'https://app.us.kosli.com' } as const;

export type HostChoice = keyof typeof KOSLI_REGIONS | 'custom';
export type AppDraft = ProjectConfig['apps'][number];

export interface ConfigDraft {
  hostChoice: HostChoice;
  customHost: string;
  org: string;
  environments: ProjectConfig['kosli']['environments'];
  sourceFlow: string;
  releaseFlow: string;
  apps: AppDraft[];
  github: ProjectConfig['github'];
  approvers: string;
  includeJiraApprovers: boolean;
  ruleKind: 'all' | 'atLeast';
  ruleCount: string;
  noSelfApproval: boolean;
  namePattern: string;
  refreshOnSchedule: boolean;
  firstReleaseCommitLimit: string;
  /** Rollbacks: their own "at least N of these approvers" policy, or the project's. */
  rollbackOwnPolicy: boolean;
  rollbackApprovers: string;
  rollbackCount: string;
  rollbackReasonRequired: boolean;
  /** The emergency path (off by default). */
  emergencyEnabled: boolean;
  emergencyGroupName: string;
  emergencyApprovers: string;
}

export function toDraft(config: ProjectConfig): ConfigDraft {
  const region = config.kosli.host === KOSLI_REGIONS.eu ? 'eu' : config.kosli.host === KOSLI_REGIONS.us ? 'us' : null;
  return {
    hostChoice: region ?? 'custom',
    customHost: region ? '' : config.kosli.host,
    org: config.kosli.org,
    environments: { ...config.kosli.environments },
    sourceFlow: config.kosli.sourceFlow,
    releaseFlow: config.kosli.releaseFlow,
    apps: config.apps.map((app) => ({ ...app })),
    github: { ...config.github },
    approvers: config.approval.approvers.join('\n'),
    includeJiraApprovers: config.approval.includeJiraApprovers,
    ruleKind: config.approval.rule.kind,
    ruleCount: config.approval.rule.kind === 'atLeast' ? String(config.approval.rule.count) : '1',
    noSelfApproval: config.approval.noSelfApproval,
    namePattern: config.release.namePattern,
    refreshOnSchedule: config.release.refreshOnSchedule,
    firstReleaseCommitLimit: String(config.release.firstReleaseCommitLimit),
    rollbackOwnPolicy: Boolean(config.rollback?.approval),
    rollbackApprovers: config.rollback?.approval?.approvers.join(', ') ?? '',
    rollbackCount:
      config.rollback?.approval?.rule.kind === 'atLeast' ? String(config.rollback.approval.rule.count) : '1',
    rollbackReasonRequired: config.rollback?.reasonRequired ?? false,
    emergencyEnabled: config.emergency?.enabled ?? false,
    emergencyGroupName: config.emergency?.groupName ?? 'Emergency approvers',
    emergencyApprovers: config.emergency?.approvers.join(', ') ?? '',
  };
}

/** Account ids separated by commas or new lines. */
export function parseApprovers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

/** The config to send, or the fields that cannot even be converted. */
export function fromDraft(
  draft: ConfigDraft,
): { ok: true; config: ProjectConfig } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const count = wholeNumber(draft.ruleCount);
  const limit = wholeNumber(draft.firstReleaseCommitLimit);
  if (draft.ruleKind === 'atLeast' && count === null)
    errors['approval.rule.count'] = 'Enter a whole number of approvals';
  const rollbackCount = wholeNumber(draft.rollbackCount);
  if (draft.rollbackOwnPolicy && rollbackCount === null)
    errors['rollback.approval.rule.count'] = 'Enter a whole number of approvals';
  if (limit === null) errors['release.firstReleaseCommitLimit'] = 'Enter a whole number of commits';
  if (draft.hostChoice === 'custom' && !draft.customHost.trim())
    errors['kosli.host'] = 'Enter the URL of your Kosli host';
  if (Object.keys(errors).length > 0 || limit === null) return { ok: false, errors };
  return {
    ok: true,
    config: {
      kosli: {
        host: draft.hostChoice === 'custom' ? draft.customHost.trim() : KOSLI_REGIONS[draft.hostChoice],
        org: draft.org,
        environments: draft.environments,
        sourceFlow: draft.sourceFlow,
        releaseFlow: draft.releaseFlow,
      },
      apps: draft.apps,
      github: draft.github,
      approval: {
        approvers: parseApprovers(draft.approvers),
        includeJiraApprovers: draft.includeJiraApprovers,
        rule: draft.ruleKind === 'atLeast' && count !== null ? { kind: 'atLeast', count } : { kind: 'all' },
        noSelfApproval: draft.noSelfApproval,
      },
      release: {
        namePattern: draft.namePattern,
        refreshOnSchedule: draft.refreshOnSchedule,
        firstReleaseCommitLimit: limit,
      },
      ...gatePolicies(draft, rollbackCount),
    },
  };
}

/** Rollback and emergency settings, left out while they are the defaults (the project's policy, no emergency path). */
function gatePolicies(draft: ConfigDraft, rollbackCount: number | null): Pick<ProjectConfig, 'rollback' | 'emergency'> {
  const approval =
    draft.rollbackOwnPolicy && rollbackCount !== null
      ? {
          approvers: parseApprovers(draft.rollbackApprovers),
          includeJiraApprovers: false,
          rule: { kind: 'atLeast' as const, count: rollbackCount },
          noSelfApproval: false,
        }
      : null;
  const emergencyApprovers = parseApprovers(draft.emergencyApprovers);
  return {
    ...(approval || draft.rollbackReasonRequired
      ? { rollback: { approval, reasonRequired: draft.rollbackReasonRequired } }
      : {}),
    ...(draft.emergencyEnabled || emergencyApprovers.length > 0
      ? {
          emergency: {
            enabled: draft.emergencyEnabled,
            groupName: draft.emergencyGroupName,
            approvers: emergencyApprovers,
          },
        }
      : {}),
  };
}

const LABELS: Record<string, string> = {
  'kosli.host': 'Kosli host',
  'kosli.org': 'Kosli organisation',
  'kosli.environments': 'Environments',
  'kosli.environments.dev': 'Dev environment',
  'kosli.environments.staging': 'Staging environment',
  'kosli.environments.prod': 'Prod environment',
  'kosli.sourceFlow': 'Source flow',
  'kosli.releaseFlow': 'Release flow',
  apps: 'Apps',
  'github.owner': 'GitHub owner',
  'github.repo': 'GitHub repository',
  'github.ref': 'Git ref',
  'github.stagingWorkflow': 'Staging workflow',
  'github.prodWorkflow': 'Prod workflow',
  'github.tagPattern': 'Tag pattern',
  'approval.approvers': 'Approvers',
  'approval.rule': 'Approval rule',
  'approval.rule.count': 'Number of approvals',
  'rollback.approval.approvers': 'Rollback approvers',
  'rollback.approval.rule.count': 'Rollback approvals needed',
  'emergency.groupName': 'Emergency group name',
  'emergency.approvers': 'Emergency approvers',
  'release.namePattern': 'Release name pattern',
  'release.firstReleaseCommitLimit': 'First-release commit limit',
};

const APP_FIELDS: Record<string, string> = {
  name: 'name',
  path: 'path',
  buildFlow: 'build flow',
  templateName: 'template name',
};

/** "apps.1.path" → "App 2 path", for the error summary. */
export function fieldLabel(path: string): string {
  const app = /^apps\.(\d+)\.(\w+)$/.exec(path);
  if (app?.[1] && app[2]) return `App ${Number(app[1]) + 1} ${APP_FIELDS[app[2]] ?? app[2]}`;
  const approver = /^approval\.approvers\.(\d+)$/.exec(path);
  if (approver?.[1]) return `Approver ${Number(approver[1]) + 1}`;
  return LABELS[path] ?? 'Settings';
}
