/**
 * The fake Jira's Deployments API (Jira Software, /rest/deployments/0.1): submit in bulk, get and
 * delete by key, delete by property. Limits and error bodies follow Atlassian's OpenAPI document of
 * the API: at most 100 deployments a request, 5 properties (keys without ':' and not starting with
 * '_', values up to 255 characters), 1 to 3 associations with at most 500 values in all, string
 * lengths, enums; a malformed request is a 400 with an ErrorMessages array, a malformed deployment
 * is listed in `rejectedDeployments` of a 202. Only the app may call it (as Forge's asApp()).
 *
 * Submissions are applied at once (Jira applies them "eventually"): a deployment with the same
 * (pipeline, environment, sequence number) is replaced only by a higher updateSequenceNumber.
 */
import { z } from 'zod';
import { type FakeHttpService, type FakeRequest, type FakeResponse, json, jsonBody } from '../http-fake';
import type { JiraWorld } from './world';

export const DEPLOYMENTS_PER_REQUEST = 100;
export const ASSOCIATION_VALUES_PER_DEPLOYMENT = 500;
/** The fake's own ceiling for a request body; Atlassian documents a 413 without a number. */
export const DEPLOYMENTS_BODY_LIMIT_BYTES = 1024 * 1024;

export interface StoredDeployment {
  pipelineId: string;
  environmentId: string;
  deploymentSequenceNumber: number;
  updateSequenceNumber: number;
  /** The deployment as submitted (DeploymentData), associations included. */
  data: Record<string, unknown>;
  issueKeys: string[];
  properties: Record<string, string>;
  receivedAt: string;
}

/** What the fake Jira received, oldest first: the sandbox's Deployments view and the tests read it. */
export function jiraDeploymentsOf(world: JiraWorld): StoredDeployment[] {
  return [...world.deployments.values()];
}

const ISSUE_KEY = /^\w{1,255}-\d{1,255}$/;
const str = (max: number) => z.string().max(max);
const url = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value), 'must be a URI');

const association = z.union([
  z.object({ associationType: z.enum(['issueKeys', 'issueIdOrKeys']), values: z.array(z.string()).min(1) }),
  z.object({ associationType: z.literal('serviceIdOrKeys'), values: z.array(z.string()).min(1) }),
]);

const deploymentSchema = z.object({
  deploymentSequenceNumber: z.number().int(),
  updateSequenceNumber: z.number().int(),
  issueKeys: z.array(z.string().regex(ISSUE_KEY)).min(1).max(100).optional(),
  associations: z.array(association).min(1).max(3).optional(),
  displayName: str(255),
  url,
  description: str(255),
  lastUpdated: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date-time'),
  label: str(255).optional(),
  duration: z.number().int().optional(),
  state: z.enum(['unknown', 'pending', 'in_progress', 'cancelled', 'failed', 'rolled_back', 'successful']),
  pipeline: z.object({ id: str(255), displayName: str(255), url }),
  environment: z.object({
    id: str(255),
    displayName: str(255),
    type: z.enum(['unmapped', 'development', 'testing', 'staging', 'production']),
  }),
  commands: z.array(z.object({ command: z.string().optional() })).optional(),
  schemaVersion: z.literal('1.0').optional(),
});

const requestSchema = z.object({
  properties: z
    .record(
      z
        .string()
        .refine((k) => !k.includes(':') && !k.startsWith('_'), "property keys cannot contain ':' or start with '_'"),
      z.string().max(255),
    )
    .refine((p) => Object.keys(p).length <= 5, 'at most 5 properties')
    .optional(),
  deployments: z.array(z.unknown()).min(1).max(DEPLOYMENTS_PER_REQUEST),
  providerMetadata: z.object({ product: z.string().optional() }).optional(),
});

/** The API's error body: an array of `{ message }`. */
function errorMessages(status: number, ...messages: string[]): FakeResponse {
  return json(
    status,
    messages.map((message) => ({ message })),
  );
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
}

function storeKey(pipelineId: string, environmentId: string, sequence: number): string {
  return `${pipelineId}\u0000${environmentId}\u0000${sequence}`;
}

export function registerDeploymentsApi(service: FakeHttpService, world: JiraWorld, now: () => number): void {
  const store = world.deployments;
  // Forge's asUser() carries the user header: the Deployments API answers only the provider app.
  const asApp = (req: FakeRequest): FakeResponse | undefined =>
    req.headers['x-fake-account-id'] === undefined
      ? undefined
      : errorMessages(
          403,
          'Only the app that defines the devops:deploymentInfoProvider module can access deployment data.',
        );

  service.route('POST', '/rest/deployments/0.1/bulk', (req) => {
    const refused = asApp(req);
    if (refused) return refused;
    if (req.body.length > DEPLOYMENTS_BODY_LIMIT_BYTES)
      return errorMessages(413, 'Data is too large. Submit fewer deployments in each payload.');
    const parsed = requestSchema.safeParse(jsonBody(req));
    if (!parsed.success) return errorMessages(400, ...describe(parsed.error));
    const properties = parsed.data.properties ?? {};
    const accepted: { pipelineId: string; environmentId: string; deploymentSequenceNumber: number }[] = [];
    const rejected: { key: (typeof accepted)[number]; errors: { message: string }[] }[] = [];
    const unknownIssueKeys = new Set<string>();
    for (const raw of parsed.data.deployments) {
      const deployment = deploymentSchema.safeParse(raw);
      if (!deployment.success) {
        const loose = z
          .object({
            deploymentSequenceNumber: z.number(),
            pipeline: z.object({ id: z.string() }),
            environment: z.object({ id: z.string() }),
          })
          .safeParse(raw);
        if (!loose.success) return errorMessages(400, ...describe(deployment.error));
        const key = {
          pipelineId: loose.data.pipeline.id,
          environmentId: loose.data.environment.id,
          deploymentSequenceNumber: loose.data.deploymentSequenceNumber,
        };
        rejected.push({ key, errors: describe(deployment.error).map((message) => ({ message })) });
        continue;
      }
      const d = deployment.data;
      const key = {
        pipelineId: d.pipeline.id,
        environmentId: d.environment.id,
        deploymentSequenceNumber: d.deploymentSequenceNumber,
      };
      const issueValues = [
        ...(d.issueKeys ?? []),
        ...(d.associations ?? []).filter((a) => a.associationType !== 'serviceIdOrKeys').flatMap((a) => a.values),
      ];
      const valueCount = (d.issueKeys?.length ?? 0) + (d.associations ?? []).reduce((n, a) => n + a.values.length, 0);
      if (valueCount === 0) {
        rejected.push({ key, errors: [{ message: 'A deployment must specify issueKeys or associations.' }] });
        continue;
      }
      if (valueCount > ASSOCIATION_VALUES_PER_DEPLOYMENT) {
        rejected.push({
          key,
          errors: [
            { message: `The number of association values must not exceed ${ASSOCIATION_VALUES_PER_DEPLOYMENT}.` },
          ],
        });
        continue;
      }
      const known = issueValues.filter((value) => world.issue(value) !== undefined);
      for (const value of issueValues) if (!known.includes(value)) unknownIssueKeys.add(value);
      if (known.length === 0) {
        rejected.push({ key, errors: [{ message: 'The deployment is associated with no known issue.' }] });
        continue;
      }
      accepted.push(key);
      const id = storeKey(key.pipelineId, key.environmentId, key.deploymentSequenceNumber);
      const existing = store.get(id);
      // An out-of-order update is not a failure: it is accepted and ignored.
      if (existing && existing.updateSequenceNumber >= d.updateSequenceNumber) continue;
      store.set(id, {
        ...key,
        updateSequenceNumber: d.updateSequenceNumber,
        data: { ...d, schemaVersion: d.schemaVersion ?? '1.0' },
        issueKeys: [...new Set(known)],
        properties,
        receivedAt: new Date(now()).toISOString(),
      });
    }
    return json(202, {
      acceptedDeployments: accepted,
      rejectedDeployments: rejected,
      unknownIssueKeys: [...unknownIssueKeys],
    });
  });

  const byKey =
    '/rest/deployments/0.1/pipelines/{pipelineId}/environments/{environmentId}/deployments/{deploymentSequenceNumber}';
  const keyOf = (req: FakeRequest): string | undefined => {
    const sequence = req.params.deploymentSequenceNumber ?? '';
    if (!/^\d+$/.test(sequence)) return undefined;
    return storeKey(req.params.pipelineId ?? '', req.params.environmentId ?? '', Number(sequence));
  };

  service.route('GET', byKey, (req) => {
    const refused = asApp(req);
    if (refused) return refused;
    const id = keyOf(req);
    if (id === undefined) return errorMessages(400, 'deploymentSequenceNumber must be a number.');
    const found = store.get(id);
    // The stored DeploymentData; `issueKeys` associations come back as Jira keeps them.
    return found ? json(200, found.data) : { status: 404 };
  });

  service.route('DELETE', byKey, (req) => {
    const refused = asApp(req);
    if (refused) return refused;
    const id = keyOf(req);
    if (id === undefined) return errorMessages(400, 'deploymentSequenceNumber must be a number.');
    store.delete(id);
    return { status: 202 };
  });

  service.route('DELETE', '/rest/deployments/0.1/bulkByProperties', (req) => {
    const refused = asApp(req);
    if (refused) return refused;
    const wanted = [...req.query.entries()].filter(([name]) => !name.startsWith('_'));
    if (wanted.length === 0) return errorMessages(400, 'At least one property must be given to delete deployments by.');
    for (const [id, deployment] of store) {
      if (wanted.every(([name, value]) => deployment.properties[name] === value)) store.delete(id);
    }
    return { status: 202 };
  });
}
