/**
 * The original scripts' demo, step by step, through the sandbox control API only (so it is also
 * what a script against `npm start` would do): two issues, a change to each app, promote to
 * staging, the release candidate, a second change to one app, refresh, two approvals, the
 * scheduled check deploys, the prod tags move to the approved commits, the Jira version is released.
 *
 * `npm run demo` prints it (sandbox/demo.ts); test/sandbox/control-api.test.ts runs it silently and
 * checks the world it leaves.
 */
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { ControlApiError, type SandboxClient } from './server/control-client';

export interface DemoReporter {
  /** A step begins. */
  step(index: number, total: number, title: string): void;
  /** A line of what happened in the current step. */
  detail(line: string): void;
  /** The current step ended after `ms`. */
  done(ms: number): void;
}

export interface DemoOutcome {
  versionId: string;
  versionName: string;
  /** The commits the product owners approved, per app. */
  approved: Record<string, string>;
  /** `git rev-parse running-prod-<app>` in the sandbox's repository after the deploy. */
  prodTags: Record<string, string>;
  releaseDate: string | null;
  totalMs: number;
}

export class DemoFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = 'DemoFailure';
  }
}

const promoted = z.object({
  runId: z.number(),
  apps: z.array(z.object({ name: z.string(), commit: z.string(), fingerprint: z.string() })),
});
const refreshed = z.object({
  versionId: z.string(),
  name: z.string(),
  created: z.boolean(),
  changed: z.boolean(),
  addedKeys: z.array(z.string()),
  contentHash: z.string(),
});
const releaseView = z.object({
  name: z.string(),
  state: z.string(),
  contentHash: z.string(),
  released: z.boolean(),
  releaseDate: z.string().nullable(),
  artifacts: z.array(z.object({ app: z.string(), commit: z.string(), fingerprint: z.string() })),
  issues: z.array(z.object({ key: z.string(), summary: z.string() })),
  approvals: z.object({
    satisfied: z.boolean(),
    outstanding: z.array(z.string()),
    decisions: z.array(z.object({ displayName: z.string(), decision: z.string(), valid: z.boolean() })),
  }),
  deploy: z.object({
    step: z.string(),
    runId: z.number().nullable(),
    runConclusion: z.string().nullable(),
    failure: z.object({ reason: z.string(), transient: z.boolean() }).nullable(),
  }),
});
type ReleaseView = z.output<typeof releaseView>;

/** Resolver errors a person meets when an upstream service hiccups, and answers by trying again. */
const TRANSIENT = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_RATE_LIMITED', 'CONFLICT']);
/** How long the demo waits for Kosli's periodic environment report (the sandbox reports every 30 s by default). */
const REPORT_WAIT_MS = 120_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const short = (sha: string) => sha.slice(0, 7);
const shortHash = (hash: string) => hash.slice(0, 12);

/**
 * The demo's steps and calls, shared by the original demo and the rollback demo: numbered steps,
 * resolver calls tried again while a failure is transient, waits for Kosli's reports, promotion,
 * and the scheduled check run until a release settles.
 */
export async function demoTools(client: SandboxClient, reporter: DemoReporter, TOTAL: number) {
  const users = await client.users();
  const developer = users.find((u) => u.role === 'developer');
  const owners = users.filter((u) => u.role === 'product-owner');
  const [owner1, owner2] = owners;
  if (!developer || !owner1 || !owner2)
    throw new DemoFailure('Users', 'the demo needs a developer and two product owners (the default scenario)');
  let index = 0;
  const step = async <T>(title: string, work: () => Promise<T>): Promise<T> => {
    index += 1;
    reporter.step(index, TOTAL, title);
    const begun = Date.now();
    try {
      const result = await work();
      reporter.done(Date.now() - begun);
      return result;
    } catch (error) {
      if (error instanceof DemoFailure) throw error;
      throw new DemoFailure(title, error instanceof Error ? error.message : String(error));
    }
  };
  const check = (condition: boolean, message: string) => {
    if (!condition) throw new Error(message);
  };

  /** A resolver call, tried again (as a person would press the button again) while the failure is transient. */
  const invoke = async <S extends z.ZodType>(
    accountId: string,
    key: Parameters<SandboxClient['invokeOk']>[1],
    payload: unknown,
    schema: S,
  ): Promise<{ value: z.output<S>; attempts: number }> => {
    for (let attempts = 1; ; attempts++) {
      try {
        return { value: await client.invokeOk(accountId, key, payload, schema), attempts };
      } catch (error) {
        if (!(error instanceof ControlApiError && TRANSIENT.has(error.code)) || attempts >= 8) throw error;
        reporter.detail(`${key} failed for now (${error.code}); trying again`);
        await pause(300);
      }
    }
  };
  const invokeOk = async <S extends z.ZodType>(
    accountId: string,
    key: Parameters<SandboxClient['invokeOk']>[1],
    payload: unknown,
    schema: S,
  ) => (await invoke(accountId, key, payload, schema)).value;
  /** Kosli learns what runs where from periodic environment reports: wait for the one that shows these builds. */
  const reported = async (environment: 'dev' | 'staging', builds: readonly { name: string; fingerprint: string }[]) => {
    const waited = await client.reported(environment, builds, REPORT_WAIT_MS);
    reporter.detail(
      `Kosli's ${environment} report shows ${builds.map((b) => `${b.name}@${shortHash(b.fingerprint)}`).join(', ')} (after ${(waited / 1000).toFixed(1)} s)`,
    );
  };
  /** The developer commits to each app on main; CI's Kosli trails follow; waits for dev's report of the builds. */
  const commitApps = async (changes: readonly (readonly [string, string])[]) => {
    const builds: { name: string; fingerprint: string }[] = [];
    for (const [app, message] of changes) {
      const commit = await client.commit(app, message, developer.accountId);
      builds.push({ name: app, fingerprint: commit.fingerprint });
      reporter.detail(
        `${app}: commit ${short(commit.sha)} "${message}" → Kosli trails, artifact ${shortHash(commit.fingerprint)}, running in dev`,
      );
    }
    await reported('dev', builds);
  };
  const getRelease = (accountId: string, versionId: string) =>
    invokeOk(accountId, 'release/get', { versionId }, releaseView);
  const promoteAndSettle = async () => {
    const run = await invokeOk(developer.accountId, 'staging/promote', {}, promoted);
    reporter.detail(
      `${developer.displayName} promotes: staging run ${run.runId} with ${run.apps.map((a) => `${a.name}@${short(a.commit)}`).join(', ')}`,
    );
    const settled = await client.settle();
    const ours = settled.runs.find((r) => r.id === run.runId);
    const conclusion =
      ours?.conclusion ?? (await client.state()).github.runs.find((r) => r.id === run.runId)?.conclusion;
    check(conclusion === 'success', `the staging run ${run.runId} concluded ${conclusion ?? 'nothing'}`);
    const staging = (await client.state()).git.tags;
    reporter.detail(
      `run ${run.runId} completed (success): ${run.apps.map((a) => `running-staging-${a.name} → ${short(staging[`running-staging-${a.name}`] ?? '?')}`).join(', ')}`,
    );
    await reported('staging', run.apps);
  };

  /** Runs the scheduled check (as Forge does every five minutes) until the release is released or failed for good, narrating prod runs. */
  const deployOnSchedule = async (versionId: string): Promise<ReleaseView> => {
    const seen = new Map<number, string>();
    const watch = async () => {
      for (const run of (await client.state()).github.runs.filter((r) => r.inputs['environment'] === 'prod')) {
        const label = run.status === 'completed' ? `completed (${run.conclusion ?? '?'})` : run.status;
        if (seen.get(run.id) !== label) reporter.detail(`prod run ${run.id}: ${label}`);
        seen.set(run.id, label);
      }
    };
    let checking = true;
    const watcher = (async () => {
      while (checking) {
        await watch();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    let after: ReleaseView;
    try {
      // Forge runs the check every five minutes; a transient failure waits for the next run.
      for (let run = 1; ; run++) {
        await client.runScheduledCheck();
        after = await getRelease(owner1.accountId, versionId);
        if (
          after.state === 'released' ||
          (after.deploy.failure !== null && !after.deploy.failure.transient) ||
          run >= 10
        )
          break;
        reporter.detail(
          `after scheduled run ${run}: ${after.deploy.failure ? `${after.deploy.failure.reason} (transient, the next run retries)` : `state ${after.state}`}`,
        );
      }
    } finally {
      checking = false;
      await watcher;
    }
    await watch();
    check(
      after.state === 'released',
      `the deploy did not finish: ${after.deploy.failure?.reason ?? `state ${after.state}`}`,
    );
    reporter.detail(`release state: ${after.state}`);
    return after;
  };

  return {
    step,
    check,
    invoke,
    invokeOk,
    reported,
    commitApps,
    getRelease,
    promoteAndSettle,
    deployOnSchedule,
    developer,
    owner1,
    owner2,
  };
}

export async function runDemo(client: SandboxClient, reporter: DemoReporter): Promise<DemoOutcome> {
  const started = Date.now();
  const {
    step,
    check,
    invoke,
    invokeOk,
    reported,
    commitApps,
    getRelease,
    promoteAndSettle,
    deployOnSchedule,
    developer,
    owner1,
    owner2,
  } = await demoTools(client, reporter, 12);

  await step('Two Jira issues to ship', async () => {
    const { issues } = (await client.state()).jira;
    for (const key of ['OPS-11', 'OPS-12']) {
      const issue = issues.find((i) => i.key === key);
      check(issue !== undefined, `issue ${key} is missing from the scenario`);
      reporter.detail(`${key} ${issue?.summary ?? ''} (${issue?.status ?? ''})`);
    }
  });

  await step('Change both apps on main', () =>
    commitApps([
      ['backend', 'OPS-11 Faster product search'],
      ['frontend', 'OPS-12 Align the checkout button on mobile'],
    ]),
  );

  await step('Promote dev to staging', promoteAndSettle);

  const candidate = await step('Create the release candidate', async () => {
    const { value: created, attempts } = await invoke(developer.accountId, 'candidate/refresh', {}, refreshed);
    // A try that failed after Jira made the version leaves it to the next one, which adopts it.
    check(created.created || attempts > 1, 'no new candidate was created');
    reporter.detail(
      `Jira version ${created.name} (${created.versionId}) with ${created.addedKeys.join(', ')}; content hash ${shortHash(created.contentHash)}`,
    );
    return created;
  });

  await step('A second change to the backend', async () => {
    const commit = await client.commit('backend', 'OPS-13 Show the delivery estimate', developer.accountId);
    reporter.detail(
      `backend: commit ${short(commit.sha)} "OPS-13 Show the delivery estimate", artifact ${shortHash(commit.fingerprint)}`,
    );
    await reported('dev', [{ name: 'backend', fingerprint: commit.fingerprint }]);
    await promoteAndSettle();
  });

  const current = await step('Refresh the candidate', async () => {
    const refresh = await invokeOk(developer.accountId, 'candidate/refresh', {}, refreshed);
    check(
      refresh.versionId === candidate.versionId && !refresh.created,
      'the refresh made another version instead of updating the candidate',
    );
    check(
      refresh.changed && refresh.addedKeys.includes('OPS-13'),
      `expected OPS-13 to be added, got [${refresh.addedKeys.join(', ')}]`,
    );
    reporter.detail(
      `added ${refresh.addedKeys.join(', ')}; content hash ${shortHash(candidate.contentHash)} → ${shortHash(refresh.contentHash)}`,
    );
    const view = await getRelease(owner1.accountId, candidate.versionId);
    const stale = view.approvals.decisions.filter((d) => !d.valid);
    reporter.detail(
      stale.length === 0
        ? 'stale approvals: none (nobody had decided yet)'
        : `stale approvals: ${stale.map((d) => d.displayName).join(', ')}`,
    );
    reporter.detail(
      `content: ${view.artifacts.map((a) => `${a.app}@${short(a.commit)}`).join(', ')}; issues ${view.issues.map((i) => i.key).join(', ')}`,
    );
    return view;
  });

  let view: ReleaseView = current;
  for (const owner of [owner1, owner2]) {
    view = await step(`Approve as ${owner.displayName}`, async () => {
      const after = await invokeOk(
        owner.accountId,
        'release/decide',
        { versionId: candidate.versionId, decision: 'approved', contentHash: current.contentHash },
        releaseView,
      );
      reporter.detail(
        after.approvals.satisfied
          ? 'approval policy satisfied: the deploy is queued'
          : `still needed: ${after.approvals.outstanding.join('; ')}`,
      );
      return after;
    });
  }
  check(view.approvals.satisfied, 'the policy is not satisfied after both approvals');

  await step('Scheduled check: deploy to prod', async () => {
    await deployOnSchedule(candidate.versionId);
  });

  const approved = Object.fromEntries(current.artifacts.map((a) => [a.app, a.commit]));
  const prodTags = await step('Prod tags on the approved commits (git rev-parse)', async () => {
    const { git } = await client.state();
    const tags: Record<string, string> = {};
    for (const [app, commit] of Object.entries(approved)) {
      const tag = `running-prod-${app}`;
      const sha = execFileSync('git', ['-C', git.directory, 'rev-parse', tag], { encoding: 'utf8' }).trim();
      tags[app] = sha;
      check(sha === commit, `${tag} is ${short(sha)}, approved was ${short(commit)}`);
      reporter.detail(`git rev-parse ${tag} → ${short(sha)} = approved ${app}@${short(commit)}`);
    }
    return tags;
  });

  const final = await step('The Jira version is released', async () => {
    const version = (await client.state()).jira.versions.find((v) => v.id === candidate.versionId);
    check(version?.released === true, `Jira version ${candidate.versionId} is not released`);
    const page = await getRelease(owner1.accountId, candidate.versionId);
    check(page.state === 'released', `the release page says ${page.state}`);
    reporter.detail(
      `${version?.name ?? ''} released on ${version?.releaseDate ?? '?'} with ${version?.issueKeys.join(', ') ?? ''}; deploy run linked in Related work`,
    );
    return { releaseDate: version?.releaseDate ?? null };
  });

  await step('Jira shows the released issues in production: successful (Deployments API)', async () => {
    const state = await client.state();
    const keys = state.jira.versions.find((v) => v.id === candidate.versionId)?.issueKeys ?? [];
    const prod = state.jira.deployments.filter(
      (d) => d.environmentType === 'production' && d.state === 'successful' && d.label === candidate.name,
    );
    for (const key of keys)
      check(
        prod.some((d) => d.issueKeys.includes(key)),
        `Jira has no successful production deployment for ${key}`,
      );
    reporter.detail(
      `${keys.map((key) => `${key} production: successful`).join(', ')} (verified by Kosli, reported by the app)`,
    );
  });

  return {
    versionId: candidate.versionId,
    versionName: candidate.name,
    approved,
    prodTags,
    releaseDate: final.releaseDate,
    totalMs: Date.now() - started,
  };
}
