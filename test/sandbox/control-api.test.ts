/**
 * The sandbox server through its HTTP control API only: the original demo end to end (commits,
 * promote / refresh / decide as users, settle, the scheduled check, state), the world it leaves
 * (prod tags on the approved commits in the real git repository, the version released), that it
 * survives a restart, and the answers to bad requests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runDemo, type DemoOutcome, type DemoReporter } from '../../sandbox/demo-script';
import { SandboxClient } from '../../sandbox/server/control-client';
import { startSandbox, type Sandbox } from '../../sandbox/server/start-sandbox';
import { LOCAL_APP_ID, LOCAL_ENVIRONMENT_ID } from '../../sandbox/forge-runtime/runtime';
import type { SandboxState } from '../../sandbox/server/world-state';

const silent: DemoReporter = { step: () => undefined, detail: () => undefined, done: () => undefined };
const dataDir = mkdtempSync(join(tmpdir(), 'krg-sandbox-test-'));
let sandbox: Sandbox;
let client: SandboxClient;

const open = async () => {
  // Kosli reports every 300 ms here: short, never instant.
  sandbox = await startSandbox({
    dataDir,
    port: 0,
    workflowDelayMs: 300,
    triggerIntervalMs: null,
    realism: { reportIntervalMs: 300 },
  });
  client = new SandboxClient(sandbox.url);
};

beforeAll(open, 30_000);
afterAll(async () => {
  await sandbox.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const errorMessage = (body: unknown) =>
  z.object({ error: z.object({ message: z.string() }) }).parse(body).error.message;
const gitRevParse = (ref: string) =>
  execFileSync('git', ['-C', sandbox.repository.directory, 'rev-parse', ref], { encoding: 'utf8' }).trim();

describe('the control API', () => {
  let outcome: DemoOutcome;

  it('runs the original demo in under 60 s and leaves prod on the approved commits, released', async () => {
    const started = Date.now();
    outcome = await runDemo(client, silent);
    expect(Date.now() - started).toBeLessThan(60_000);

    // The real git repository: the prod tags point at what the product owners approved.
    expect(Object.keys(outcome.approved).sort()).toEqual(['backend', 'frontend']);
    for (const [app, commit] of Object.entries(outcome.approved))
      expect(gitRevParse(`running-prod-${app}`)).toBe(commit);
    expect(gitRevParse('main')).toBe(outcome.approved['backend']);

    const state = await client.state();
    const version = state.jira.versions.find((v) => v.id === outcome.versionId);
    expect(version).toMatchObject({ released: true, issueKeys: ['OPS-11', 'OPS-12', 'OPS-13'] });
    expect(version?.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(version?.relatedWork.map((w) => w.category)).toContain('Deployment');
    expect(state.git.tags['running-prod-backend']).toBe(outcome.approved['backend']);

    const prodRuns = state.github.runs.filter((r) => r.inputs['environment'] === 'prod');
    expect(prodRuns.map((r) => [r.status, r.conclusion])).toEqual([['completed', 'success']]);
    expect(state.github.runs.filter((r) => r.inputs['environment'] === 'staging')).toHaveLength(2);

    const releaseTrail = state.kosli.trails.find((t) => t.flow === 'shop-release' && t.name === outcome.versionId);
    expect(releaseTrail?.attestations.find((a) => a.name === 'release-approval')).toMatchObject({
      type: 'custom:approval-jira',
      status: 'COMPLETE',
    });
    const prod = state.kosli.snapshots['prod'];
    const fingerprints = Object.fromEntries((prod?.artifacts ?? []).map((a) => [a.name, a.fingerprint]));
    const built = (app: string) =>
      state.kosli.trails.find((t) => t.flow === `shop-${app}` && t.name === outcome.approved[app])?.artifacts[0]
        ?.fingerprint;
    expect(fingerprints).toEqual({ backend: built('backend'), frontend: built('frontend') });
  }, 60_000);

  it("records a native Jira approver, as Jira's own release UI would", async () => {
    const reply = await client.setJiraApprover(outcome.versionId, 'po0001', 'DECLINED', 'Too late in the day');
    expect(reply.approvers).toEqual([
      { accountId: 'po0001', status: 'DECLINED', declineReason: 'Too late in the day' },
    ]);
    const version = (await client.state()).jira.versions.find((v) => v.id === outcome.versionId);
    expect(version?.approvers).toEqual([
      { accountId: 'po0001', status: 'DECLINED', declineReason: 'Too late in the day' },
    ]);
  });

  it('keeps the world across a restart: Jira, Kosli, GitHub, git and the app storage', async () => {
    // Environments keep reporting every interval: what runs where is kept, not the count of reports.
    const running = (state: SandboxState) => ({
      ...state,
      kosli: {
        ...state.kosli,
        snapshots: Object.fromEntries(
          Object.entries(state.kosli.snapshots).map(([env, snapshot]) => [env, snapshot?.artifacts ?? null]),
        ),
      },
    });
    const before = running(await client.state());
    await sandbox.stop();
    await open();
    const after = running(await client.state());
    expect(after).toEqual(before);
    const page = await client.invokeOk(
      'po0002',
      'release/get',
      { versionId: outcome.versionId },
      z.object({ state: z.string() }),
    );
    expect(page.state).toBe('released');
    const next = await client.commit('frontend', 'OPS-14 after the restart');
    expect(gitRevParse('HEAD')).toBe(next.sha);
  }, 30_000);

  it('answers 400 with a clear message for bad bodies', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['/sandbox/commits', { app: 'backend' }, /message/],
      ['/sandbox/commits', { app: 'billing', message: 'OPS-1 x' }, /app must be one of: backend, frontend/],
      ['/sandbox/commits', { app: 'backend', message: 'OPS-1 x', mesage: 'typo' }, /Unrecognized key: "mesage"/],
      ['/sandbox/commits', { app: 'backend', message: 'OPS-1 x', author: 'nobody' }, /accountId must be one of/],
      ['/sandbox/jira/approvers', { versionId: outcome.versionId, accountId: 'po0001', status: 'MAYBE' }, /status/],
      [
        '/sandbox/jira/approvers',
        { versionId: outcome.versionId, accountId: 'po0001', status: 'APPROVED', declineReason: 'x' },
        /declineReason goes with status DECLINED/,
      ],
      ['/sandbox/invoke', { accountId: 'po0001', key: 'release/delete', payload: {} }, /key/],
      ['/sandbox/invoke', { accountId: 'intruder', key: 'project/overview' }, /accountId must be one of/],
      ['/sandbox/workflows/settle', { now: true }, /Unrecognized key/],
      ['/sandbox/scheduled/release-gate-check', [], /expected object/],
    ];
    for (const [path, body, message] of cases) {
      const reply = await client.request('POST', path, body);
      expect({ path, status: reply.status }).toEqual({ path, status: 400 });
      expect(errorMessage(reply.body)).toMatch(message);
    }
    const notJson = await fetch(`${sandbox.url}/sandbox/commits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"app":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: { code: 'BAD_REQUEST', message: 'The body is not valid JSON.' } });
  });

  it('refuses writes that any other web page could send: text/plain (415) and a foreign origin (403)', async () => {
    const body = JSON.stringify({ accountId: 'po0001', key: 'project/overview', payload: {} });
    const plain = await fetch(`${sandbox.url}/sandbox/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(plain.status).toBe(415);
    const untyped = await fetch(`${sandbox.url}/sandbox/report`, { method: 'POST' });
    expect(untyped.status).toBe(415);
    const foreign = await fetch(`${sandbox.url}/sandbox/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    const crossSite = await fetch(`${sandbox.url}/sandbox/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect(crossSite.status).toBe(403);
    const own = await fetch(`${sandbox.url}/sandbox/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: sandbox.url, 'sec-fetch-site': 'same-origin' },
      body,
    });
    expect(own.status).toBe(200);
  });

  it('answers 404 for unknown paths and things, 405 for the wrong method', async () => {
    expect((await client.request('GET', '/sandbox/nothing')).status).toBe(404);
    expect((await client.request('POST', '/sandbox/scheduled/other-trigger')).body).toEqual({
      error: { code: 'NOT_FOUND', message: "No scheduled trigger 'other-trigger'; the app has 'release-gate-check'." },
    });
    expect(
      (
        await client.request('POST', '/sandbox/jira/approvers', {
          versionId: '999999',
          accountId: 'po0001',
          status: 'APPROVED',
        })
      ).status,
    ).toBe(404);
    expect((await client.request('GET', '/nowhere')).status).toBe(404);
    const wrong = await fetch(`${sandbox.url}/sandbox/state`, { method: 'POST' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it('returns a resolver refusal as its Result, and serves the pages and the release link', async () => {
    const refused = await client.request('POST', '/sandbox/invoke', {
      accountId: 'po0001',
      key: 'release/get',
      payload: { versionId: 'not-a-number' },
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    // The link holds the port of the sandbox that wrote it (before the restart): follow its path here.
    const link = new URL(
      (await client.state()).jira.versions[0]?.relatedWork.find((w) => w.title === 'Kosli Release Gate: release page')
        ?.url ?? 'http://none',
    );
    expect(link.pathname).toBe(
      `/jira/software/projects/OPS/apps/${LOCAL_APP_ID}/${LOCAL_ENVIRONMENT_ID}/release/${outcome.versionId}`,
    );
    const followed = await fetch(new URL(link.pathname, sandbox.url), { redirect: 'manual' });
    expect([followed.status, followed.headers.get('location')]).toEqual([
      302,
      `/#/release-gate/release/${outcome.versionId}`,
    ]);

    const host = await fetch(`${sandbox.url}/`);
    expect(host.headers.get('content-type')).toContain('text/html');
    const panel = await (await fetch(`${sandbox.url}/panel/index.html?module=release-gate`)).text();
    expect(panel).toContain('<script src="/panel/bridge-shim.js"></script>');
    expect((await fetch(`${sandbox.url}/panel/%2e%2e%2fpackage.json`)).status).toBe(404);
  });
});
