/**
 * Contract suite of the Deployments API: the app's requests are checked against the request schema
 * of a real client (jira.js, whose agile models are generated from Atlassian's Jira Software
 * document), the fake's answers against jira.js's response models, and the fake's limits and error
 * bodies against the ones Atlassian documents.
 */
import { GetDeploymentByKeySchema, SubmitDeploymentsSchema as SubmitDeploymentsResponse } from 'jira.js/agile';
// jira.js exports its request parameter schemas only inside the package; the file is its own.
import { SubmitDeploymentsSchema as SubmitDeploymentsRequest } from '../../node_modules/jira.js/dist/agile/parameters/submitDeployments.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACCOUNT_HEADER } from '../../sandbox/fakes/jira/jira-fake';
import { jiraDeploymentsOf } from '../../sandbox/fakes/jira/deployments-api';
import { createFakeJiraTransport } from '../../sandbox/fakes/jira/fake-transport';
import { createJiraDeploymentsClient, type JiraDeployment } from '../../src/jira/deployments';
import { deploymentsFor, type DeploymentReport } from '../../src/release/jira-deployments';
import { aConfig } from '../support/builders';
import { aWorld, type JiraHarness, startJira } from '../jira/harness';

const errorMessages = z.array(z.object({ message: z.string(), errorTraceId: z.string().optional() })).min(1);
const deploymentFields = new Set(Object.keys(SubmitDeploymentsRequest.shape.deployments.element.shape));
const requestFields = new Set(Object.keys(SubmitDeploymentsRequest.shape));

let jira: JiraHarness;
const KEYS = Array.from({ length: 1200 }, (_, i) => `ABC-${i + 1}`);

function aReport(overrides: Partial<DeploymentReport> = {}): DeploymentReport {
  return {
    role: 'prod',
    state: 'successful',
    versionName: 'Release 2026-03-02',
    issueKeys: ['ABC-1', 'ABC-2'],
    sequenceBase: 1,
    updateSequenceNumber: 1_000,
    url: 'https://github.com/acme/shop/actions/runs/42',
    description: 'Kosli verified production runs exactly the approved backend@abc1234',
    at: '2026-03-02T10:00:00.000Z',
    ...overrides,
  };
}

async function post(body: unknown, asUser?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (asUser) headers[ACCOUNT_HEADER] = asUser;
  const response = await fetch(`${jira.baseUrl}/rest/deployments/0.1/bulk`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function wireOf(deployment: JiraDeployment): Record<string, unknown> {
  const { issueKeys, ...rest } = deployment;
  return { ...rest, associations: [{ associationType: 'issueIdOrKeys', values: issueKeys }] };
}

beforeAll(async () => {
  const world = aWorld();
  for (const key of KEYS) world.addIssue({ key, summary: `Issue ${key}` });
  jira = await startJira({ world });
});
afterAll(() => jira.close());

describe("the app's Deployments requests", () => {
  it('match jira.js request schema, field for field, in batches of at most 100 deployments of at most 500 keys', async () => {
    const client = createJiraDeploymentsClient(createFakeJiraTransport(jira.baseUrl));
    const config = aConfig();
    // 1,200 keys make 3 deployments; 60 such reports make 180 deployments: two requests.
    const deployments = Array.from({ length: 60 }, (_, i) =>
      deploymentsFor(config, aReport({ issueKeys: KEYS, sequenceBase: i * 3 + 1 })),
    ).flat();
    jira.service.log.length = 0;
    const outcome = await client.submit(deployments, { projectKey: 'ABC', versionId: '10001' });

    expect(outcome.rejected).toEqual([]);
    expect(outcome.accepted).toHaveLength(180);
    const sent = jira.service.log.filter((entry) => entry.route === '/rest/deployments/0.1/bulk');
    expect(sent.map((entry) => entry.status)).toEqual([202, 202]);
    for (const entry of sent) {
      const body: unknown = JSON.parse(entry.requestBody.toString('utf8'));
      const parsed = SubmitDeploymentsRequest.safeParse(body);
      expect(parsed.error?.issues ?? []).toEqual([]);
      const request = z
        .object({ deployments: z.array(z.record(z.string(), z.unknown())).max(100) })
        .passthrough()
        .parse(body);
      expect(Object.keys(request).filter((field) => !requestFields.has(field))).toEqual([]);
      for (const deployment of request.deployments) {
        expect(Object.keys(deployment).filter((field) => !deploymentFields.has(field))).toEqual([]);
        const values = z.array(z.object({ values: z.array(z.string()) })).parse(deployment.associations);
        expect(values.reduce((n, a) => n + a.values.length, 0)).toBeLessThanOrEqual(500);
      }
      expect(SubmitDeploymentsResponse.safeParse(entry.responseBody).error?.issues ?? []).toEqual([]);
    }
  });

  it('are readable back by key, in the shape of jira.js GetDeploymentByKey', async () => {
    const [deployment] = deploymentsFor(aConfig(), aReport({ sequenceBase: 500 }));
    if (!deployment) throw new Error('no deployment built');
    await createJiraDeploymentsClient(createFakeJiraTransport(jira.baseUrl)).submit([deployment], {
      projectKey: 'ABC',
    });
    const path = `/rest/deployments/0.1/pipelines/${encodeURIComponent(deployment.pipeline.id)}/environments/${deployment.environment.id}/deployments/500`;
    const response = await fetch(`${jira.baseUrl}${path}`);
    expect(response.status).toBe(200);
    const stored: unknown = await response.json();
    expect(GetDeploymentByKeySchema.safeParse(stored).error?.issues ?? []).toEqual([]);
    expect(stored).toMatchObject({
      state: 'successful',
      label: 'Release 2026-03-02',
      environment: { type: 'production' },
    });
  });
});

describe('the fake Deployments API', () => {
  const valid = () => wireOf(deploymentsFor(aConfig(), aReport({ sequenceBase: 900 }))[0] as JiraDeployment);

  it('answers a malformed request with 400 and an ErrorMessages array', async () => {
    const cases = [
      { deployments: [] },
      { deployments: Array.from({ length: 101 }, valid) },
      { deployments: [valid()], properties: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
      { deployments: [valid()], properties: { 'bad:key': 'x' } },
      { deployments: [valid()], properties: { _hidden: 'x' } },
    ];
    for (const body of cases) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(errorMessages.safeParse(answer.body).success).toBe(true);
    }
  });

  it('rejects a malformed deployment inside a 202, and lists unknown issue keys', async () => {
    const tooMany = {
      ...valid(),
      deploymentSequenceNumber: 901,
      associations: [{ associationType: 'issueIdOrKeys', values: KEYS.slice(0, 501) }],
    };
    const badState = { ...valid(), deploymentSequenceNumber: 902, state: 'done' };
    const onlyUnknown = {
      ...valid(),
      deploymentSequenceNumber: 903,
      associations: [{ associationType: 'issueIdOrKeys', values: ['NOPE-1'] }],
    };
    const partlyUnknown = {
      ...valid(),
      deploymentSequenceNumber: 904,
      associations: [{ associationType: 'issueIdOrKeys', values: ['ABC-1', 'NOPE-2'] }],
    };
    const answer = await post({ deployments: [tooMany, badState, onlyUnknown, partlyUnknown] });
    expect(answer.status).toBe(202);
    const body = SubmitDeploymentsResponse.parse(answer.body);
    expect(body.rejectedDeployments?.map((r) => r.key.deploymentSequenceNumber)).toEqual([901, 902, 903]);
    expect(body.acceptedDeployments?.map((a) => a.deploymentSequenceNumber)).toEqual([904]);
    expect(body.unknownIssueKeys).toEqual(['NOPE-1', 'NOPE-2']);
  });

  it('keeps the later update of a deployment and ignores an older one', async () => {
    const first = { ...valid(), deploymentSequenceNumber: 910, updateSequenceNumber: 5, state: 'in_progress' };
    await post({ deployments: [first] });
    await post({ deployments: [{ ...first, updateSequenceNumber: 7, state: 'successful' }] });
    await post({ deployments: [{ ...first, updateSequenceNumber: 6, state: 'failed' }] });
    const stored = jiraDeploymentsOf(jira.world).find((d) => d.deploymentSequenceNumber === 910);
    expect(stored?.data.state).toBe('successful');
  });

  it('answers only the app, and deletes by key and by property', async () => {
    expect((await post({ deployments: [valid()] }, 'acc-po')).status).toBe(403);
    await post({ deployments: [{ ...valid(), deploymentSequenceNumber: 920 }], properties: { versionId: 'v-920' } });
    const stored = () => jiraDeploymentsOf(jira.world).filter((d) => d.deploymentSequenceNumber === 920);
    expect(stored()).toHaveLength(1);
    expect((await fetch(`${jira.baseUrl}/rest/deployments/0.1/bulkByProperties`, { method: 'DELETE' })).status).toBe(
      400,
    );
    expect(
      (await fetch(`${jira.baseUrl}/rest/deployments/0.1/bulkByProperties?versionId=v-920`, { method: 'DELETE' }))
        .status,
    ).toBe(202);
    expect(stored()).toHaveLength(0);

    const [deployment] = deploymentsFor(aConfig(), aReport({ sequenceBase: 930 }));
    if (!deployment) throw new Error('no deployment built');
    await post({ deployments: [wireOf(deployment)] });
    const path = `/rest/deployments/0.1/pipelines/${encodeURIComponent(deployment.pipeline.id)}/environments/${deployment.environment.id}/deployments/930`;
    expect((await fetch(`${jira.baseUrl}${path}`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${jira.baseUrl}${path}`)).status).toBe(404);
  });
});

describe('coverage', () => {
  it('the fake serves the four Deployments operations, each exercised above', () => {
    const served = jira.service.operations.filter((op) => op.includes(' /rest/deployments/'));
    expect(served.sort()).toEqual([
      'DELETE /rest/deployments/0.1/bulkByProperties',
      'DELETE /rest/deployments/0.1/pipelines/{pipelineId}/environments/{environmentId}/deployments/{deploymentSequenceNumber}',
      'GET /rest/deployments/0.1/pipelines/{pipelineId}/environments/{environmentId}/deployments/{deploymentSequenceNumber}',
      'POST /rest/deployments/0.1/bulk',
    ]);
  });
});
