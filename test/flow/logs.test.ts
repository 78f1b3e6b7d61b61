/**
 * The logs a Jira admin reads with `forge logs`: one JSON line per resolver call, per scheduled run
 * and per deploy step, through the one logger. A full release and every failure case below are
 * logged without a token, even when an upstream error message carries one; the deploy consumer's
 * own answer is scrubbed too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GITHUB_TOKEN, KOSLI_TOKEN, startWorld, type World } from '../../sandbox/world/start-world';
import { approveAsBoth, errorOf, ok, PO1, prepareCandidate, untilSettled } from '../support/flow';

const lines: string[] = [];
beforeAll(() => {
  for (const stream of ['log', 'warn', 'error', 'info'] as const) {
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
  }
});
afterAll(() => vi.restoreAllMocks());

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** The app's log lines so far (JSON), and a check that none holds a token. */
function appLog(): { level: string; event: string; [field: string]: unknown }[] {
  const all = lines.join('\n');
  expect(all).not.toContain(KOSLI_TOKEN);
  expect(all).not.toContain(GITHUB_TOKEN);
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; event: string });
}

/** An upstream that quotes the tokens back in its error body (some do, with the request). */
const leakyBody = {
  message: `invalid credentials ${KOSLI_TOKEN} / ${GITHUB_TOKEN}`,
  errorMessages: [`token ${GITHUB_TOKEN} ${KOSLI_TOKEN}`],
};

describe('logs', () => {
  it('a full release logs each resolver call, scheduled run and deploy step, with no token', async () => {
    lines.length = 0;
    const w = (world = await startWorld());
    w.github.world.settleAfterMs = 10;
    const { versionId } = await prepareCandidate(w);
    await approveAsBoth(w, versionId);
    await untilSettled(w, versionId);
    await w.runTrigger();
    expect(w.jira.world.version(versionId)?.released).toBe(true);

    const log = appLog();
    const calls = log.filter((l) => l.event === 'resolver.call');
    expect(calls.map((l) => l.key)).toEqual(
      expect.arrayContaining(['staging/promote', 'candidate/refresh', 'release/get', 'release/decide']),
    );
    expect(calls.find((l) => l.key === 'release/decide')).toMatchObject({
      role: 'approver',
      outcome: 'ok',
      code: null,
      durationMs: expect.any(Number),
    });
    const steps = log.filter((l) => l.event === 'deploy.step' && l.result === 'done').map((l) => l.step);
    expect(steps).toEqual(['attest', 'dispatch', 'follow', 'verify', 'release']);
    expect(log.find((l) => l.event === 'deploy.step' && l.step === 'dispatch')).toMatchObject({
      release: versionId,
      runId: expect.any(Number),
    });
    expect(log.some((l) => l.event === 'scheduled.run' && Array.isArray(l.projects))).toBe(true);
    process.stdout.write(
      `${lines
        .filter((l) => /"(deploy\.step|scheduled\.run)"/.test(l))
        .slice(0, 8)
        .join('\n')}\n`,
    );
  });

  it.each([
    {
      name: 'Kosli refuses the approval attestation',
      inject: (w: World) =>
        w.kosli.service.injectFaults('POST /api/v2/attestations/{org}/{flow}/trail/{trail}/custom', {
          kind: 'status',
          status: 400,
          body: leakyBody,
        }),
    },
    {
      name: 'GitHub refuses the dispatch',
      inject: (w: World) =>
        w.github.service.injectFaults('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
          kind: 'status',
          status: 422,
          body: leakyBody,
        }),
    },
    {
      name: 'GitHub forbids reading the run',
      inject: (w: World) =>
        w.github.service.injectFaults('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
          kind: 'status',
          status: 403,
          body: leakyBody,
        }),
    },
    {
      name: 'Jira refuses the release',
      inject: (w: World) =>
        w.jira.service.injectFaults('PUT /rest/api/3/version/{id}', { kind: 'status', status: 400, body: leakyBody }),
    },
  ])('$name: the failure is logged with its code, and no token', async ({ inject }) => {
    lines.length = 0;
    const w = (world = await startWorld());
    w.github.world.settleAfterMs = 10;
    const { versionId } = await prepareCandidate(w);
    inject(w);
    await approveAsBoth(w, versionId);
    await untilSettled(w, versionId);
    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(view.state).toBe('failed');
    expect(JSON.stringify(view)).not.toContain(GITHUB_TOKEN);
    expect(JSON.stringify(view)).not.toContain(KOSLI_TOKEN);
    const failed = appLog().find((l) => l.event === 'deploy.step' && l.result === 'failed');
    expect(failed).toMatchObject({ release: versionId, code: expect.any(String) });
  });

  it('a refused resolver call is logged with its error code, and no token', async () => {
    lines.length = 0;
    const w = (world = await startWorld());
    w.kosli.service.injectFaults('GET /api/v2/snapshots/{org}/{env}/{expression}', {
      kind: 'status',
      status: 400,
      body: leakyBody,
    });
    const refused = errorOf(await w.invoke('dev0001', 'candidate/refresh', {}));
    expect(JSON.stringify(refused)).not.toContain(GITHUB_TOKEN);
    expect(appLog().find((l) => l.event === 'resolver.call')).toMatchObject({
      key: 'candidate/refresh',
      role: 'developer',
      outcome: 'error',
      code: refused.code,
    });
  });

  it('the deploy consumer answers an unexpected error scrubbed of every token', async () => {
    lines.length = 0;
    const w = (world = await startWorld());
    const { versionId } = await prepareCandidate(w);
    // Jira knows nothing of the other systems' tokens, so its message is not scrubbed on the way in.
    w.jira.service.injectFaults('GET /rest/api/3/version/{id}', { kind: 'status', status: 400, body: leakyBody });
    const answer = await w.app.deployConsumer({ body: { projectKey: 'OPS', versionId, reason: 'test' } });
    expect(answer).toMatchObject({ ok: false, error: expect.stringContaining('[redacted]') });
    expect(JSON.stringify(answer)).not.toContain(GITHUB_TOKEN);
    expect(JSON.stringify(answer)).not.toContain(KOSLI_TOKEN);
    expect(appLog().find((l) => l.event === 'deploy.job')).toMatchObject({ ok: false, release: versionId });
  });
});
