/**
 * The Kosli objects the app sets up (through `upsertCustomAttestationType` and `upsertFlow`),
 * after the original process's data files (reference/original/): the `approval-jira` and
 * `running-sw` custom attestation types and the flow templates.
 *
 * One change from the original: the approval-jira schema's status enum lists DECLINED, the value
 * Jira actually uses, instead of the original's REJECTED (notes A.11 and D).
 */

export interface CustomAttestationTypeDefinition {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  jqRules: string[];
}

export const approvalJiraType: CustomAttestationTypeDefinition = {
  name: 'approval-jira',
  description: 'Approval from Jira. Must have at least 1 approver and all approvers must have APPROVED it',
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      approvers: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            accountId: {
              type: 'string',
              minLength: 1,
              pattern: '^[a-zA-Z0-9]+$|^[0-9]{6}:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
            },
            displayName: { type: 'string', minLength: 1 },
            emailAddress: { type: 'string' },
            status: { type: 'string', enum: ['APPROVED', 'PENDING', 'DECLINED'] },
          },
          required: ['accountId', 'displayName', 'emailAddress', 'status'],
        },
      },
      archived: { type: 'boolean' },
      description: { type: 'string' },
      expand: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      projectId: { type: 'integer' },
      released: { type: 'boolean' },
      self: { type: 'string', format: 'uri' },
      startDate: { type: 'string', format: 'date' },
      userStartDate: { type: 'string' },
    },
    required: ['approvers'],
  },
  jqRules: ['(.approvers | length) > 0', '[.approvers[].status == "APPROVED"] | all'],
};

export const runningSwType: CustomAttestationTypeDefinition = {
  name: 'running-sw',
  description: 'List of running software in an environment',
  schema: {
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
  },
  jqRules: [],
};

/** Source flow: one trail per commit on main, with its Jira reference and pull request. */
export const sourceFlowTemplate = `version: 1
trail:
  attestations:
    - name: work-reference
      type: jira
    - name: pull-request
      type: pull_request
`;

/** Build flow of one app: the source attestations plus the app's artifact. */
export function buildFlowTemplate(templateName: string): string {
  return `${sourceFlowTemplate}  artifacts:
    - name: ${templateName}
`;
}

/** Release flow: one trail per Jira version, holding what ran where and the approval. */
export const releaseFlowTemplate = `version: 1
trail:
  attestations:
    - name: prod-software
      type: custom:running-sw
    - name: staging-software
      type: custom:running-sw
    - name: release-approval
      type: custom:approval-jira
`;
