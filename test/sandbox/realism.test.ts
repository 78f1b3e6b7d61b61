/**
 * What the simulated world models of the real services by default: authentication on all three
 * fakes, rate-limit headers on every answer, and eventual consistency (Kosli reports periodically,
 * GitHub lists a dispatched run late, Jira's search lags an edit), none of it ever instant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_TOKEN, JIRA_TOKEN, QUICK_REALISM, startWorld, type World } from '../../sandbox/world/start-world';

let world: World;
const urls = () => ({
  jira: world.runtime.jiraBaseUrl,
  kosli: world.runtime.egress['https://app.kosli.com'] ?? '',
  github: world.runtime.egress['https://api.github.com'] ?? '',
});
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms + 20));

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => world.stop());

describe('authentication', () => {
  it('every fake refuses a request without its token, with the real 401 body', async () => {
    const { jira, kosli, github } = urls();
    const jiraAnswer = await fetch(`${jira}/rest/api/3/project/${world.scenario.project.key}`);
    expect(jiraAnswer.status).toBe(401);
    expect(await jiraAnswer.json()).toEqual({
      errorMessages: [expect.stringContaining('not authenticated')],
      errors: {},
    });
    const kosliAnswer = await fetch(`${kosli}/api/v2/environments/${world.config.kosli.org}/prod`);
    expect(kosliAnswer.status).toBe(401);
    expect(await kosliAnswer.json()).toEqual({ message: expect.any(String) });
    const githubAnswer = await fetch(`${github}/repos/${world.config.github.owner}/${world.config.github.repo}`);
    expect(githubAnswer.status).toBe(401);
    expect(await githubAnswer.json()).toMatchObject({
      message: 'Requires authentication',
      documentation_url: expect.any(String),
    });
  });

  it('the app gets through with the tokens it is configured with (Forge presents its own to Jira)', async () => {
    const { jira } = urls();
    const answer = await fetch(`${jira}/rest/api/3/project/${world.scenario.project.key}`, {
      headers: { authorization: `Bearer ${JIRA_TOKEN}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('beta-ratelimit')).toMatch(/^"tenant-app-quota";r=\d+;t=\d+$/);
    await answer.arrayBuffer();
  });
});

describe('eventual consistency', () => {
  it('Kosli sees a new build in dev only with the next periodic report', async () => {
    const before = world.kosli.world.snapshot('dev', '-1').index;
    const build = world.simulation.commit('backend', 'OPS-11 a change');
    expect(world.kosli.world.snapshot('dev', '-1').artifacts.some((a) => a.fingerprint === build.fingerprint)).toBe(
      false,
    );
    await world.simulation.nextReport();
    const after = world.kosli.world.snapshot('dev', '-1');
    expect(after.index).toBeGreaterThan(before);
    expect(after.artifacts.some((a) => a.fingerprint === build.fingerprint && a.annotation.now > 0)).toBe(true);
  });

  it('GitHub lists a dispatched run only after a delay, though the run itself is readable at once', async () => {
    const { github } = urls();
    const repo = `${github}/repos/${world.config.github.owner}/${world.config.github.repo}`;
    const headers = { authorization: `Bearer ${GITHUB_TOKEN}`, 'content-type': 'application/json' };
    const workflow = world.config.github.stagingWorkflow;
    const dispatched = await fetch(`${repo}/actions/workflows/${workflow}/dispatches`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        ref: 'main',
        inputs: {
          environment: 'staging',
          request_id: 'rq-realism-0001',
          artifacts: '[]',
          kosli_environment: 'staging',
          tag_pattern: 'running-{env}-{app}',
        },
        return_run_details: true,
      }),
    });
    const { workflow_run_id: runId } = (await dispatched.json()) as { workflow_run_id: number };
    const listed = async () =>
      (
        (await (await fetch(`${repo}/actions/workflows/${workflow}/runs`, { headers })).json()) as {
          workflow_runs: { id: number }[];
        }
      ).workflow_runs.map((r) => r.id);
    expect(await listed()).not.toContain(runId);
    expect((await fetch(`${repo}/actions/runs/${runId}`, { headers })).status).toBe(200);
    await later(world.github.world.runListingDelayMs);
    expect(await listed()).toContain(runId);
  });

  it("Jira's search sees an edit of an issue's fix versions only after the lag", async () => {
    const jira = world.jira.world;
    const project = jira.project(world.scenario.project.key);
    if (!project) throw new Error('the scenario has a project');
    const version = jira.addVersion({ project: project.key, name: 'realism-1' });
    const issue = jira.allIssues()[0];
    if (!issue) throw new Error('the scenario has issues');
    jira.setFixVersions(issue, [...issue.fixVersionIds, version.id]);
    const search = async () => {
      const answer = await fetch(`${urls().jira}/rest/api/3/search/jql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${JIRA_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jql: `fixVersion = ${version.id}`, fields: ['summary'] }),
      });
      return ((await answer.json()) as { issues: { key: string }[] }).issues.map((i) => i.key);
    };
    expect(await search()).toEqual([]);
    await later(jira.searchLagMs);
    expect(await search()).toEqual([issue.key]);
  });

  it('refuses a world where any of the delays is zero', async () => {
    await expect(startWorld({ realism: { ...QUICK_REALISM, reportIntervalMs: 0 } })).rejects.toThrow(
      /reportIntervalMs must be a positive/,
    );
  });
});
