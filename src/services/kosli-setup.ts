/**
 * "Set up Kosli": creates what the app records into, the way the original process's setup-kosli
 * workflow did: the custom attestation types `approval-jira` and `running-sw`, then the release
 * flow with its template. Every step is an upsert, so running it again is harmless.
 */
import type { ConnectionCheck } from '../contract';
import { AppError, toAppError } from '../errors';
import {
  APPROVAL_JIRA_RULES,
  APPROVAL_JIRA_SCHEMA,
  RELEASE_TEMPLATE_YAML,
  RUNNING_SW_SCHEMA,
} from '../release/attestations';
import type { CallContext, Deps } from './deps';
import { requireJiraAdmin } from './permissions';
import { savedConfig } from './settings';

async function step(id: string, label: string, run: () => Promise<string>): Promise<ConnectionCheck> {
  try {
    return { id, label, ok: true, message: await run() };
  } catch (thrown) {
    const error = toAppError(thrown);
    const message =
      error.code === 'UPSTREAM_AUTH' && error.status === 401
        ? 'Kosli rejected the token (401): set a valid Kosli API token.'
        : error.message;
    return { id, label, ok: false, message };
  }
}

export async function setupKosli(deps: Deps, ctx: CallContext): Promise<{ steps: ConnectionCheck[] }> {
  await requireJiraAdmin(ctx);
  const config = await savedConfig(deps, ctx.projectKey);
  const token = await deps.secrets.get(ctx.projectKey, 'kosliToken');
  if (!token)
    throw new AppError(
      'NOT_CONFIGURED',
      'The Kosli API token is not set: enter it in the settings before setting up Kosli.',
    );
  const kosli = deps.kosli(config, token);
  const { org, releaseFlow } = config.kosli;

  const types = await Promise.all([
    step('kosli.type.approval-jira', 'Attestation type approval-jira', async () => {
      await kosli.upsertCustomAttestationType({
        name: 'approval-jira',
        description: 'Approval from Jira. Must have at least 1 approver and all approvers must have APPROVED it',
        schema: APPROVAL_JIRA_SCHEMA,
        jqRules: APPROVAL_JIRA_RULES,
      });
      return `Custom attestation type approval-jira is in place in org '${org}'.`;
    }),
    step('kosli.type.running-sw', 'Attestation type running-sw', async () => {
      await kosli.upsertCustomAttestationType({
        name: 'running-sw',
        description: 'List of running software in an environment',
        schema: RUNNING_SW_SCHEMA,
        jqRules: [],
      });
      return `Custom attestation type running-sw is in place in org '${org}'.`;
    }),
  ]);

  const flowLabel = `Release flow ${releaseFlow}`;
  // The release template names both types: without them the flow would refer to nothing.
  const flow = types.every((t) => t.ok)
    ? await step('kosli.releaseFlow', flowLabel, async () => {
        await kosli.upsertFlow({
          name: releaseFlow,
          description: 'Releases gated in Jira: one trail per Jira version (Kosli Release Gate)',
          templateYaml: RELEASE_TEMPLATE_YAML,
        });
        return `Flow '${releaseFlow}' is in place with the release template (prod-software, staging-software, release-approval).`;
      })
    : {
        id: 'kosli.releaseFlow',
        label: flowLabel,
        ok: false,
        message: 'Not attempted: the attestation types its template uses could not be created.',
      };

  return { steps: [...types, flow] };
}
