/**
 * The data of the custom Kosli attestations the app records, in the original process's schemas
 * (reference/original/custom-attestation-types), built from plain data.
 */
import type { AppConfig } from './config';
import type { EmergencyMark } from './emergency';
import type { RollbackMark } from './rollback';
import type { EnvironmentSnapshot } from './types';

export interface RunningSoftwareEntry {
  fingerprint: string;
  flow_name: string;
  git_commit: string;
  name: string;
  template_reference_name: string;
}

/** `custom:running-sw`: what an environment runs, for the configured apps only. */
export function runningSoftware(snapshot: EnvironmentSnapshot, apps: readonly AppConfig[]): RunningSoftwareEntry[] {
  const names = new Set(apps.map((app) => app.name));
  return snapshot.artifacts
    .filter((artifact) => names.has(artifact.name))
    .map((artifact) => ({
      fingerprint: artifact.fingerprint,
      flow_name: artifact.flow ?? '',
      git_commit: artifact.commit ?? '',
      name: artifact.name,
      template_reference_name: artifact.templateName ?? '',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface ApprovalApprover {
  accountId: string;
  displayName: string;
  emailAddress: string;
  /** Jira's words; the original schema said REJECTED where Jira says DECLINED. */
  status: 'APPROVED' | 'PENDING' | 'DECLINED';
  /** The approver's comment, given with the approval in the app. */
  comment?: string;
}

/** What sets a release apart in review: a rollback (to which version, why) and an emergency approval. */
export interface ApprovalMarks {
  releaseKind: 'forward' | 'rollback';
  rollback?: { versionId: string; versionName: string; reason: string };
  emergency?: { approver: string; group: string; reason: string };
}

export function approvalMarks(
  release: { rollback?: RollbackMark | undefined; emergency?: EmergencyMark | undefined },
  name: (accountId: string) => string,
): ApprovalMarks {
  const { rollback, emergency } = release;
  return {
    releaseKind: rollback ? 'rollback' : 'forward',
    ...(rollback
      ? { rollback: { versionId: rollback.toVersionId, versionName: rollback.toVersionName, reason: rollback.reason } }
      : {}),
    ...(emergency
      ? { emergency: { approver: name(emergency.accountId), group: emergency.groupName, reason: emergency.reason } }
      : {}),
  };
}

/** `custom:approval-jira`: the approved version and who approved it, bound to the content hash. */
export function approvalAttestation(input: {
  version: { id: string; name: string; projectId: string; description: string };
  approvers: ApprovalApprover[];
  contentHash: string;
  releasePage: string;
  marks?: ApprovalMarks;
}): Record<string, unknown> {
  const projectId = Number(input.version.projectId);
  return {
    ...input.marks,
    id: input.version.id,
    name: input.version.name,
    description: input.version.description,
    ...(Number.isInteger(projectId) ? { projectId } : {}),
    released: false,
    archived: false,
    approvers: input.approvers,
    contentHash: input.contentHash,
    self: input.releasePage,
  };
}

/** The approval-jira type's schema, with DECLINED instead of the original's REJECTED. */
export const APPROVAL_JIRA_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    approvers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          accountId: { type: 'string', minLength: 1 },
          displayName: { type: 'string', minLength: 1 },
          emailAddress: { type: 'string' },
          status: { type: 'string', enum: ['APPROVED', 'PENDING', 'DECLINED'] },
          comment: { type: 'string' },
        },
        required: ['accountId', 'displayName', 'emailAddress', 'status'],
      },
    },
    contentHash: { type: 'string', pattern: '^[a-f0-9]{64}$' },
    archived: { type: 'boolean' },
    description: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    projectId: { type: 'integer' },
    released: { type: 'boolean' },
    self: { type: 'string', format: 'uri' },
    releaseKind: { type: 'string', enum: ['forward', 'rollback'] },
    rollback: {
      type: 'object',
      properties: {
        versionId: { type: 'string' },
        versionName: { type: 'string' },
        reason: { type: 'string', minLength: 1 },
      },
      required: ['versionId', 'versionName', 'reason'],
    },
    emergency: {
      type: 'object',
      properties: { approver: { type: 'string' }, group: { type: 'string' }, reason: { type: 'string', minLength: 1 } },
      required: ['approver', 'group', 'reason'],
    },
  },
  required: ['approvers'],
} as const;

export const APPROVAL_JIRA_RULES = ['(.approvers | length) > 0', '[.approvers[].status == "APPROVED"] | all'];

export const RUNNING_SW_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'array',
  items: {
    type: 'object',
    properties: {
      fingerprint: { type: 'string', pattern: '^[a-f0-9]{64}$' },
      flow_name: { type: 'string' },
      git_commit: { type: 'string', pattern: '^(|[a-f0-9]{40})$' },
      name: { type: 'string' },
      template_reference_name: { type: 'string' },
    },
    required: ['fingerprint', 'flow_name', 'git_commit', 'name', 'template_reference_name'],
  },
} as const;

export const RELEASE_TEMPLATE_YAML = `version: 1
trail:
  attestations:
    - name: prod-software
      type: custom:running-sw
    - name: staging-software
      type: custom:running-sw
    - name: release-approval
      type: custom:approval-jira
`;
