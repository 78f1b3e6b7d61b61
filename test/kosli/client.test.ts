import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { createKosliClient, CRITERIA_CONCURRENCY, MAX_COMMITS_PER_CALL } from '../../src/kosli/client';
import {
  aCommit,
  APPROVAL_JIRA,
  aPullRequest,
  buildTemplate,
  ENVS,
  fingerprint,
  FLOWS,
  ORG,
  seedBuild,
  seedSourceCommit,
  sha,
  startKosli,
  type StartedKosli,
  TOKEN,
} from './builders';

let kosli: StartedKosli;

beforeEach(async () => {
  kosli = await startKosli();
});

afterEach(async () => {
  await kosli.close();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const approval = (status: string) => ({
  approvers: [
    { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Grace Hopper', emailAddress: 'grace@example.com', status },
  ],
  id: '10001',
  name: '2026-05-01-10-00-00',
  released: false,
});

const flowFor = (name: string) => ({ backend: FLOWS.backend, frontend: FLOWS.frontend })[name];

describe('latestSnapshot', () => {
  it('maps running artifacts with the provenance of the configured flow, skipping exited ones', async () => {
    const { world, client } = kosli;
    const backend = aCommit({ seed: 'b1', timestamp: 1_779_000_000 });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit: backend, fingerprint: fingerprint('b1') });
    seedBuild(world, {
      flow: FLOWS.frontend,
      app: 'frontend',
      commit: aCommit({ seed: 'f1' }),
      fingerprint: fingerprint('f1'),
    });
    world.reportSnapshot(ENVS.staging, [
      { name: 'backend', fingerprint: fingerprint('b1') },
      { name: 'frontend', fingerprint: fingerprint('f1') },
    ]);
    world.reportSnapshot(ENVS.staging, [{ name: 'backend', fingerprint: fingerprint('b1') }]);

    const snapshot = await client.latestSnapshot(ENVS.staging, flowFor);

    expect(snapshot.index).toBe(2);
    expect(snapshot.takenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // frontend exited in snapshot 2 (annotation.now === 0): not running.
    expect(snapshot.artifacts).toEqual([
      {
        name: 'backend',
        fingerprint: fingerprint('b1'),
        commit: backend.sha1,
        commitTimestamp: 1_779_000_000,
        flow: FLOWS.backend,
        trail: backend.sha1,
        templateName: 'backend',
        compliant: true,
        commitUrl: backend.url,
        htmlUrl: expect.stringContaining(`/flows/${FLOWS.backend}/artifacts/${fingerprint('b1')}`),
      },
    ]);
  });

  it('picks the flows[] entry named by the configuration, not flows[0]', async () => {
    const { world, client } = kosli;
    // The same artifact is first reported in a promotion flow, then in its build flow.
    world.createFlow('promotion', 'version: 1\n');
    const promotion = aCommit({ seed: 'promo' });
    world.beginTrail('promotion', 'promote-7', { gitCommitInfo: promotion });
    world.attest('promotion', 'promote-7', { type: 'artifact', name: 'backend', fingerprint: fingerprint('b2') });
    const build = aCommit({ seed: 'b2', timestamp: 1_779_100_000 });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit: build, fingerprint: fingerprint('b2') });
    const reported = world.reportSnapshot(ENVS.staging, [{ name: 'backend', fingerprint: fingerprint('b2') }]);
    expect(reported.artifacts[0]?.flows.map((f) => f.flow_name)).toEqual(['promotion', FLOWS.backend]);

    const [artifact] = (await client.latestSnapshot(ENVS.staging, flowFor)).artifacts;

    expect(artifact).toMatchObject({
      flow: FLOWS.backend,
      trail: build.sha1,
      commit: build.sha1,
      commitTimestamp: 1_779_100_000,
    });
  });

  it('gives no provenance when the configured flow is not among the artifact flows', async () => {
    const { world, client } = kosli;
    seedBuild(world, {
      flow: FLOWS.frontend,
      app: 'frontend',
      commit: aCommit({ seed: 'x' }),
      fingerprint: fingerprint('x'),
    });
    world.reportSnapshot(ENVS.dev, [
      { name: 'backend', fingerprint: fingerprint('x') },
      { name: 'unknown-sw', fingerprint: fingerprint('never-built') },
    ]);

    const snapshot = await client.latestSnapshot(ENVS.dev, flowFor);

    expect(snapshot.artifacts).toHaveLength(2);
    for (const artifact of snapshot.artifacts) {
      expect(artifact).toMatchObject({
        commit: null,
        commitTimestamp: null,
        flow: null,
        trail: null,
        templateName: null,
      });
    }
    expect(snapshot.artifacts.find((a) => a.name === 'unknown-sw')?.compliant).toBe(false);
  });

  it('answers index 0 for an environment that has not reported, and names a missing one', async () => {
    expect(await kosli.client.latestSnapshot(ENVS.prod, flowFor)).toEqual({
      environment: ENVS.prod,
      index: 0,
      takenAt: null,
      artifacts: [],
    });
    // What real Kosli answers there (the CLI's cmd/kosli/getSnapshot_test.go): a refusal, not an empty snapshot.
    expect(kosli.fake.service.log.at(-1)).toMatchObject({
      status: 400,
      responseBody: {
        message: `Org: '${ORG}'. Snapshot '${ENVS.prod}#-1' resolves to '${ENVS.prod}#0'. len(snapshots) == 0. Indexes are 1-based`,
      },
    });
    // Any other refusal is still an error.
    kosli.fake.service.injectFaults('GET /api/v2/snapshots/{org}/{env}/{expression}', {
      kind: 'status',
      status: 400,
      body: { message: 'Invalid snapshot expression' },
    });
    expect((await failure(kosli.client.latestSnapshot(ENVS.prod, flowFor))).code).toBe('UPSTREAM_REJECTED');

    const error = await failure(kosli.client.latestSnapshot('nowhere', flowFor));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toBe(`Kosli environment 'nowhere' not found in org '${ORG}'`);
  });
});

describe('provenance', () => {
  it('reports trail compliance, failing attestations, build URL and pull requests', async () => {
    const { world, client } = kosli;
    const commit = aCommit({ seed: 'p1' });
    seedBuild(world, {
      flow: FLOWS.backend,
      app: 'backend',
      commit,
      fingerprint: fingerprint('p1'),
      evidence: {
        keys: [{ key: 'OPS-9', exists: false }],
        pullRequests: [
          aPullRequest({
            url: 'https://github.com/acme/shop/pull/9',
            author: 'ada',
            approvers: [{ username: 'grace', state: 'APPROVED' }, { username: 'linus', state: 'COMMENTED' }, 'alan'],
          }),
        ],
      },
    });

    const provenance = await client.provenance(FLOWS.backend, commit.sha1);

    expect(provenance).toEqual({
      flow: FLOWS.backend,
      trail: commit.sha1,
      compliance: 'NON-COMPLIANT',
      failing: ['work-reference'],
      htmlUrl: `https://app.kosli.com/${ORG}/flows/${FLOWS.backend}/trails/${commit.sha1}`,
      buildUrl: expect.stringContaining('https://github.com/acme/shop/actions/runs/'),
      pullRequests: [{ url: 'https://github.com/acme/shop/pull/9', author: 'ada', approvers: ['grace', 'alan'] }],
    });
  });

  it('lists missing attestations and artifacts of an incomplete trail', async () => {
    const { world, client } = kosli;
    world.beginTrail(FLOWS.backend, sha('bare'), { gitCommitInfo: aCommit({ seed: 'bare' }) });

    const provenance = await client.provenance(FLOWS.backend, sha('bare'));

    expect(provenance.compliance).toBe('INCOMPLETE');
    expect(provenance.failing).toEqual(['work-reference', 'pull-request', 'backend']);
    expect(provenance.pullRequests).toEqual([]);
  });

  it('names the trail, flow and org when the trail does not exist', async () => {
    const error = await failure(kosli.client.provenance(FLOWS.backend, 'missing-trail'));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toBe(`Kosli trail 'missing-trail' not found in flow '${FLOWS.backend}' of org '${ORG}'`);
  });
});

describe('beginTrail', () => {
  it('creates the trail, then updates it, with external URLs', async () => {
    const { client, world, fake } = kosli;
    await client.beginTrail(FLOWS.release, '10001', {
      description: 'Release 2026-05-01',
      externalUrls: { JiraRelease: 'https://acme.atlassian.net/projects/OPS/versions/10001' },
    });
    await client.beginTrail(FLOWS.release, '10001', { description: 'Release 2026-05-01 (renamed)' });

    expect(fake.service.log.filter((e) => e.method === 'PUT').map((e) => e.status)).toEqual([201, 200]);
    expect(world.trailJson(FLOWS.release, '10001')).toMatchObject({
      description: 'Release 2026-05-01 (renamed)',
      external_urls: { JiraRelease: { href: 'https://acme.atlassian.net/projects/OPS/versions/10001' } },
      compliance_state: 'INCOMPLETE',
    });
  });

  it('names the flow when it does not exist', async () => {
    const error = await failure(kosli.client.beginTrail('no-flow', 't', {}));
    expect(error.message).toBe(`Kosli flow 'no-flow' not found in org '${ORG}'`);
  });
});

describe('jiraEvidence and pullRequestEvidence', () => {
  it('returns keys per commit, merging several jira attestations and leaving out commits without one', async () => {
    const { world, client } = kosli;
    const one = aCommit({ seed: 'j1' });
    seedSourceCommit(world, one, { keys: [{ key: 'OPS-1', exists: true }] });
    world.attest(FLOWS.source, one.sha1, {
      type: 'jira',
      attestation_name: 'work-reference',
      jira_results: [
        { issue_id: 'OPS-1', issue_exists: false },
        { issue_id: 'OPS-2', issue_exists: false },
      ],
    });
    const evidence = await client.jiraEvidence(FLOWS.source, [one.sha1, sha('no-trail'), one.sha1.toUpperCase()]);

    expect([...evidence.keys()]).toEqual([one.sha1]);
    expect(evidence.get(one.sha1)).toEqual({
      sha: one.sha1,
      keys: [
        { key: 'OPS-1', exists: true },
        { key: 'OPS-2', exists: false },
      ],
    });
  });

  it('looks up 250 commits in 3 calls of at most 100', async () => {
    const { world, client, fake } = kosli;
    const shas = Array.from({ length: 250 }, (_, i) => sha(`bulk-${i}`));
    for (const [i, s] of shas.entries())
      if (i % 10 === 0) seedSourceCommit(world, aCommit({ sha1: s }), { keys: [{ key: `OPS-${i}`, exists: true }] });
    fake.service.resetCounters();

    const evidence = await client.jiraEvidence(FLOWS.source, shas);

    const calls = fake.service.log.filter((e) => e.route.endsWith('/list_attestations_for_criteria'));
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => new URLSearchParams(c.query).getAll('commit_list').length).sort()).toEqual([100, 100, 50]);
    expect(
      Math.max(...calls.map((c) => new URLSearchParams(c.query).getAll('commit_list').length)),
    ).toBeLessThanOrEqual(MAX_COMMITS_PER_CALL);
    expect(evidence.size).toBe(25);
    expect(evidence.get(shas[10] ?? '')?.keys).toEqual([{ key: 'OPS-10', exists: true }]);
  });

  it('runs at most 4 lookups at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const counting = createKosliClient({ host: kosli.base, org: ORG, token: TOKEN }, async (url, init) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await fetch(url, init);
      } finally {
        inFlight--;
      }
    });
    kosli.fake.service.setLatency('GET /api/v2/attestations/{org}/list_attestations_for_criteria', 20);

    await counting.pullRequestEvidence(
      FLOWS.source,
      Array.from({ length: 1000 }, (_, i) => sha(`many-${i}`)),
    );

    expect(kosli.fake.service.requestCount).toBe(10);
    expect(peak).toBe(CRITERIA_CONCURRENCY);
  });

  it('rejects a sha that is not 40 hex before calling Kosli', async () => {
    const error = await failure(kosli.client.jiraEvidence(FLOWS.source, ['abc123']));
    expect(error.code).toBe('INVALID_INPUT');
    expect(kosli.fake.service.requestCount).toBe(0);
  });

  it('returns pull requests and their approvers per commit', async () => {
    const { world, client } = kosli;
    const commit = aCommit({ seed: 'pr' });
    seedSourceCommit(world, commit, {
      pullRequests: [aPullRequest({ url: 'https://github.com/acme/shop/pull/5', author: 'ada', approvers: ['grace'] })],
    });

    const evidence = await client.pullRequestEvidence(FLOWS.source, [commit.sha1, sha('none')]);

    expect(evidence).toEqual(
      new Map([
        [
          commit.sha1,
          {
            sha: commit.sha1,
            pullRequests: [{ url: 'https://github.com/acme/shop/pull/5', author: 'ada', approvers: ['grace'] }],
          },
        ],
      ]),
    );
  });
});

describe('attestCustom and trailAttestations', () => {
  it('records an approval bound to the artifact and reads it back with its user data', async () => {
    const { world, client } = kosli;
    const commit = aCommit({ seed: 'a1' });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit, fingerprint: fingerprint('a1') });
    expect(await client.trailAttestations(FLOWS.backend, commit.sha1, 'release-approval')).toEqual([]);

    await client.attestCustom({
      flow: FLOWS.backend,
      trail: commit.sha1,
      name: 'release-approval',
      typeName: APPROVAL_JIRA.name,
      data: approval('APPROVED'),
      fingerprint: fingerprint('a1'),
      annotations: { Approver: 'Grace Hopper' },
      userData: { contentHash: 'abc', requestId: 'r-1' },
      externalUrls: { JiraRelease: 'https://acme.atlassian.net/projects/OPS/versions/10001' },
    });

    expect(await client.trailAttestations(FLOWS.backend, commit.sha1, 'release-approval')).toEqual([
      {
        name: 'release-approval',
        type: 'custom:approval-jira',
        createdAt: expect.any(Number),
        isCompliant: true,
        userData: { contentHash: 'abc', requestId: 'r-1' },
      },
    ]);
  });

  it('surfaces Kosli rejecting data that does not match the type schema', async () => {
    const { world, client } = kosli;
    world.beginTrail(FLOWS.release, '10002');
    const error = await failure(
      client.attestCustom({
        flow: FLOWS.release,
        trail: '10002',
        name: 'release-approval',
        typeName: 'approval-jira',
        data: approval('REJECTED'),
      }),
    );
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.status).toBe(400);
    expect(error.message).toContain("does not match the schema of custom attestation type 'approval-jira'");
  });

  it('refuses an attestation name Kosli would reject, without calling it', async () => {
    const error = await failure(
      kosli.client.attestCustom({
        flow: FLOWS.release,
        trail: 't',
        name: 'release approval',
        typeName: 'approval-jira',
        data: {},
      }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(kosli.fake.service.requestCount).toBe(0);
  });
});

describe('assertArtifact', () => {
  it('lists the failing prod policy until the approval is attested to the artifact', async () => {
    const { world, client } = kosli;
    const commit = aCommit({ seed: 'r1' });
    seedBuild(world, { flow: FLOWS.backend, app: 'backend', commit, fingerprint: fingerprint('r1') });

    const before = await client.assertArtifact(fingerprint('r1'), ENVS.prod);
    expect(before).toEqual({
      fingerprint: fingerprint('r1'),
      environment: ENVS.prod,
      compliant: false,
      failures: [
        {
          policy: 'has-release-approval',
          rule: 'attestation',
          resolutions: [
            `missing_attestation: release-approval (custom:approval-jira) is missing in trail '${commit.sha1}' of flow '${FLOWS.backend}'`,
          ],
        },
      ],
    });
    expect((await client.assertArtifact(fingerprint('r1'), ENVS.staging)).compliant).toBe(true);

    await client.attestCustom({
      flow: FLOWS.backend,
      trail: commit.sha1,
      name: 'release-approval',
      typeName: 'approval-jira',
      data: approval('APPROVED'),
      fingerprint: fingerprint('r1'),
    });
    expect(await client.assertArtifact(fingerprint('r1'), ENVS.prod)).toMatchObject({ compliant: true, failures: [] });
  });

  it('names the fingerprint and environment on 404', async () => {
    const error = await failure(kosli.client.assertArtifact(fingerprint('unknown'), ENVS.prod));
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toContain(fingerprint('unknown'));
    expect(error.message).toContain(`org '${ORG}'`);
  });
});

describe('setup calls', () => {
  it('creates a custom attestation type and a flow, and checks existence', async () => {
    const { world, client } = kosli;
    await client.upsertCustomAttestationType({
      name: 'approval-jira',
      description: 'v2',
      schema: APPROVAL_JIRA.schema,
      jqRules: APPROVAL_JIRA.jqRules,
    });
    expect(world.customType('approval-jira')).toMatchObject({
      version: 2,
      description: 'v2',
      rules: APPROVAL_JIRA.jqRules,
      schema: APPROVAL_JIRA.schema,
    });

    expect(await client.flowExists('shop-api')).toBe(false);
    await client.upsertFlow({ name: 'shop-api', description: 'API builds', templateYaml: buildTemplate('api') });
    expect(await client.flowExists('shop-api')).toBe(true);
    expect(world.flowJson('shop-api')).toMatchObject({
      visibility: 'private',
      template: { trail: { artifacts: [{ name: 'api', attestations: [] }] } },
    });

    expect(await client.environmentExists(ENVS.prod)).toBe(true);
    expect(await client.environmentExists('shop-qa')).toBe(false);
  });
});

describe('transport behaviour', () => {
  it('waits for Retry-After on 429 and then succeeds', async () => {
    const { fake, client, waits } = kosli;
    fake.service.injectFaults('GET /api/v2/environments/{org}/{env}', {
      kind: 'status',
      status: 429,
      retryAfterSeconds: 2,
    });

    expect(await client.environmentExists(ENVS.dev)).toBe(true);
    expect(waits).toEqual([2000]);
    expect(fake.service.log.map((e) => e.status)).toEqual([429, 200]);
  });

  it('retries a 5xx on a read within bounds', async () => {
    const { fake, client } = kosli;
    fake.service.injectFaults(
      'GET /api/v2/snapshots/{org}/{env}/{expression}',
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
    );
    // dev has never reported: Kosli's refusal (400) is the app's empty environment.
    expect((await client.latestSnapshot(ENVS.dev, flowFor)).index).toBe(0);
    expect(fake.service.log.map((e) => e.status)).toEqual([503, 502, 400]);

    fake.service.resetCounters();
    fake.service.injectFaults('*', ...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 500 })));
    const error = await failure(client.latestSnapshot(ENVS.dev, flowFor));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeApplied: false, status: 500 });
    expect(fake.service.requestCount).toBe(4);
  });

  it('does not retry attestCustom on a 5xx and says it may have been applied', async () => {
    const { fake, client, world } = kosli;
    world.beginTrail(FLOWS.release, '10003');
    fake.service.injectFaults('POST /api/v2/attestations/{org}/{flow}/trail/{trail}/custom', {
      kind: 'after',
      status: 502,
    });

    const error = await failure(
      client.attestCustom({
        flow: FLOWS.release,
        trail: '10003',
        name: 'release-approval',
        typeName: 'approval-jira',
        data: approval('APPROVED'),
      }),
    );

    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeApplied: true, status: 502 });
    expect(fake.service.countWhere((e) => e.method === 'POST')).toBe(1);
    // The write did happen: the caller finds it before deciding to attest again.
    expect(await client.trailAttestations(FLOWS.release, '10003', 'release-approval')).toHaveLength(1);
  });

  it('reports a malformed response as UPSTREAM_INVALID_RESPONSE', async () => {
    const { fake, client } = kosli;
    fake.service.injectFaults('GET /api/v2/snapshots/{org}/{env}/{expression}', {
      kind: 'status',
      status: 200,
      body: { index: 3, timestamp: 1, type: 'server', artifacts: [{ name: 'backend' }] },
    });
    const error = await failure(client.latestSnapshot(ENVS.dev, flowFor));
    expect(error.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(error.message).toContain('GET /snapshots/{org}/{env}/-1');
  });

  it('maps 401 to UPSTREAM_AUTH telling to check the token', async () => {
    const error = await failure(kosli.clientWith({ token: 'wrong-token-123456' }).flowExists(FLOWS.source));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).toContain('check that the Kosli token is set and still valid');
  });
});

describe('the token never leaks', () => {
  function chain(error: unknown): string {
    const parts: string[] = [];
    for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
      if (current instanceof Error) {
        parts.push(current.message, current.stack ?? '', JSON.stringify(current), String(current));
        current = current.cause;
      } else {
        parts.push(JSON.stringify(current) ?? String(current));
        current = undefined;
      }
    }
    return parts.join('\n');
  }

  it('is absent from every error message, serialisation and cause', async () => {
    const { fake, world, client, clientWith } = kosli;
    const errors: unknown[] = [];
    const collect = async (promise: Promise<unknown>) => errors.push(await failure(promise));

    // 401: the fake expects another token than the one the client sends.
    world.token = 'another-token-000000';
    await collect(client.latestSnapshot(ENVS.dev, flowFor));
    world.token = TOKEN;
    // 403, 404, 400, 5xx (read and write), malformed, network error, timeout.
    await collect(clientWith({ org: 'other-org' }).flowExists(FLOWS.source));
    await collect(client.provenance(FLOWS.backend, 'missing'));
    world.beginTrail(FLOWS.release, '10004');
    await collect(
      client.attestCustom({
        flow: FLOWS.release,
        trail: '10004',
        name: 'release-approval',
        typeName: 'approval-jira',
        data: { approvers: [] },
      }),
    );
    fake.service.injectFaults(
      '*',
      ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 500, body: { message: 'boom' } })),
    );
    await collect(client.assertArtifact(fingerprint('x'), ENVS.prod));
    fake.service.clearFaults();
    fake.service.injectFaults('*', { kind: 'status', status: 503 });
    await collect(
      client.attestCustom({
        flow: FLOWS.release,
        trail: '10004',
        name: 'release-approval',
        typeName: 'approval-jira',
        data: approval('APPROVED'),
      }),
    );
    fake.service.injectFaults('*', { kind: 'status', status: 200, body: { unexpected: TOKEN.length } });
    await collect(client.provenance(FLOWS.release, '10004'));
    await collect(clientWith({ host: 'http://127.0.0.1:1', retry: { maxAttempts: 1 } }).flowExists(FLOWS.source));
    fake.service.injectFaults('*', { kind: 'timeout' });
    await collect(clientWith({ retry: { maxAttempts: 1, timeoutMs: 50 } }).flowExists(FLOWS.source));

    expect(errors).toHaveLength(9);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AppError);
      expect(chain(error)).not.toContain(TOKEN);
    }
    expect(errors.map((e) => (e instanceof AppError ? e.code : 'not an AppError'))).toEqual([
      'UPSTREAM_AUTH',
      'UPSTREAM_AUTH',
      'UPSTREAM_NOT_FOUND',
      'UPSTREAM_REJECTED',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_INVALID_RESPONSE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
    ]);
  });
});
