/**
 * Jira Software's Deployments API, which the devops:deploymentInfoProvider module opens to the app:
 * what the app submits here shows on each issue's "Releases" field and in the project's Deployments
 * view. Calls are written literally as `requestJira(route`...`, { method })` so that @forge/lint can
 * map each one to its OAuth scope (see reference/jira/jira-software-deployments-openapi.json).
 *
 * Only `asApp()` may call it: Jira accepts deployment data from the app that declares the provider.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { type UpstreamCall, readJson, sendWithRetry, type TransportOptions } from '../http/transport';
import {
  ISSUE_KEYS_PER_DEPLOYMENT,
  type DeploymentEnvironmentType,
  type DeploymentState,
  type JiraDeployment,
} from '../release/jira-deployments';
import { type RequestJira, route } from './route';

export { ISSUE_KEYS_PER_DEPLOYMENT, type DeploymentEnvironmentType, type DeploymentState, type JiraDeployment };

/** The API's own limits: deployments per request, issue keys per deployment, properties per request. */
export const DEPLOYMENTS_PER_REQUEST = 100;
export const PROPERTIES_PER_REQUEST = 5;

export interface DeploymentKey {
  pipelineId: string;
  environmentId: string;
  deploymentSequenceNumber: number;
}

export interface SubmitOutcome {
  accepted: DeploymentKey[];
  rejected: { key: DeploymentKey; errors: string[] }[];
  unknownIssueKeys: string[];
}

export interface JiraDeploymentsClient {
  /** POST /rest/deployments/0.1/bulk, in requests of at most 100 deployments. */
  submit(deployments: readonly JiraDeployment[], properties: Readonly<Record<string, string>>): Promise<SubmitOutcome>;
}

const keySchema = z.object({
  pipelineId: z.string(),
  environmentId: z.string(),
  deploymentSequenceNumber: z.number().int(),
});

const submitResponseSchema = z.object({
  acceptedDeployments: z.array(keySchema).optional(),
  rejectedDeployments: z
    .array(z.object({ key: keySchema, errors: z.array(z.object({ message: z.string() })) }))
    .optional(),
  unknownIssueKeys: z.array(z.string()).optional(),
});

const WRITE = { Accept: 'application/json', 'Content-Type': 'application/json' };

function wire(deployment: JiraDeployment): Record<string, unknown> {
  const { issueKeys, ...rest } = deployment;
  return { ...rest, associations: [{ associationType: 'issueIdOrKeys', values: issueKeys }], schemaVersion: '1.0' };
}

export function createJiraDeploymentsClient(
  requestJira: RequestJira,
  options: TransportOptions = {},
): JiraDeploymentsClient {
  return {
    /** @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-deployments/#api-rest-deployments-0-1-bulk-post */
    async submit(deployments, properties) {
      if (Object.keys(properties).length > PROPERTIES_PER_REQUEST) {
        throw new AppError('INVALID_INPUT', `Jira accepts at most ${PROPERTIES_PER_REQUEST} deployment properties.`);
      }
      const tooMany = deployments.find(
        (d) => d.issueKeys.length === 0 || d.issueKeys.length > ISSUE_KEYS_PER_DEPLOYMENT,
      );
      if (tooMany)
        throw new AppError(
          'INVALID_INPUT',
          `A Jira deployment needs 1 to ${ISSUE_KEYS_PER_DEPLOYMENT} issue keys, got ${tooMany.issueKeys.length}.`,
        );
      // Same key, same or older updateSequenceNumber: Jira ignores it, so a repeated submission is harmless.
      const ctx: UpstreamCall = { system: 'jira', operation: 'POST /rest/deployments/0.1/bulk', idempotent: true };
      const outcome: SubmitOutcome = { accepted: [], rejected: [], unknownIssueKeys: [] };
      for (let at = 0; at < deployments.length; at += DEPLOYMENTS_PER_REQUEST) {
        const body = JSON.stringify({
          properties,
          deployments: deployments.slice(at, at + DEPLOYMENTS_PER_REQUEST).map(wire),
          providerMetadata: { product: 'Kosli Release Gate' },
        });
        const response = await sendWithRetry(
          (signal) => requestJira(route`/rest/deployments/0.1/bulk`, { method: 'POST', headers: WRITE, body, signal }),
          ctx,
          options,
        );
        const page = await readJson(response, submitResponseSchema, ctx);
        outcome.accepted.push(...(page.acceptedDeployments ?? []));
        outcome.rejected.push(
          ...(page.rejectedDeployments ?? []).map((r) => ({ key: r.key, errors: r.errors.map((e) => e.message) })),
        );
        outcome.unknownIssueKeys.push(...(page.unknownIssueKeys ?? []));
      }
      return outcome;
    },
  };
}
