/**
 * The original process, simulated on the fake worlds: a commit to an app on main produces its Kosli
 * source and build trails (Jira evidence from the keys in the message, pull-request evidence, the
 * artifact fingerprinted from the app folder) and runs in dev; environment reports read the
 * `running-<env>-<app>` tags; a deploy run asserts in Kosli, moves the tags and reports.
 */
import type { FakeRun, GitHubWorld } from '../fakes/github/world';
import type { JiraWorld } from '../fakes/jira/world';
import type { KosliWorld } from '../fakes/kosli/world';
import type { ProjectConfig } from '../../src/release/config';
import { tagName } from '../../src/release/config';
import type { Repository } from './repository';
import type { Scenario } from './scenario';
import { runDeployWorkflow } from './deploy-workflow';

/** Jira keys in a commit message, like `kosli attest jira` finds them. */
const JIRA_KEY = /\b[A-Z][A-Z0-9]{1,9}-[0-9]+\b/g;

export interface SimulatedCommit {
  sha: string;
  app: string;
  fingerprint: string;
  keys: string[];
}

export class Simulation {
  /** Latest build of each app on main: what dev runs. */
  private readonly latestBuild = new Map<string, { sha: string; fingerprint: string }>();
  /** Fingerprint of every build, by commit. */
  private readonly builds = new Map<string, Map<string, string>>();
  private prNumber = 100;
  /** Set once reporting is periodic: changes then reach Kosli only with the next report. */
  private reportTimer: ReturnType<typeof setInterval> | undefined;
  private readonly reportWaiters: (() => void)[] = [];

  constructor(
    private readonly worlds: { jira: JiraWorld; kosli: KosliWorld; github: GitHubWorld },
    private readonly repository: Repository,
    private readonly config: ProjectConfig,
    private readonly scenario: Scenario,
  ) {
    worlds.github.executor = (run, world) => this.deploy(run, world);
    worlds.github.onRunCompleted(() => {
      if (!this.reportTimer) this.reportAll();
    });
  }

  /**
   * From now on every environment reports every `intervalMs`, like Kosli's reporters (a cron job or
   * the K8S reporter), instead of the moment something changes: a deploy shows in Kosli only with
   * the next report. Seeding reports at once; call this afterwards.
   */
  startReporting(intervalMs: number): void {
    if (!(intervalMs > 0)) throw new Error(`The report interval must be a positive number of ms, not ${intervalMs}`);
    this.stopReporting();
    this.reportTimer = setInterval(() => {
      this.reportAll();
      for (const resolve of this.reportWaiters.splice(0)) resolve();
    }, intervalMs);
    this.reportTimer.unref();
  }

  stopReporting(): void {
    clearInterval(this.reportTimer);
    this.reportTimer = undefined;
    for (const resolve of this.reportWaiters.splice(0)) resolve();
  }

  /** Resolves after the next periodic report (at once when reports are immediate). */
  nextReport(): Promise<void> {
    if (!this.reportTimer) return Promise.resolve();
    return new Promise((resolve) => this.reportWaiters.push(resolve));
  }

  /** A merged pull request on main touching one app, with everything CI reports to Kosli. */
  commit(appName: string, message: string, authorId?: string): SimulatedCommit {
    const app = this.config.apps.find((a) => a.name === appName);
    if (!app) throw new Error(`Unknown app '${appName}'; known: ${this.config.apps.map((a) => a.name).join(', ')}`);
    const developer =
      this.scenario.users.find((u) => u.accountId === authorId) ??
      this.scenario.users.find((u) => u.role === 'developer') ??
      this.scenario.users[0];
    if (!developer) throw new Error('The scenario has no users');
    const author = { name: developer.displayName, email: developer.email };
    const result = this.repository.commit({ app: app.name, path: app.path, message, author });
    const { github, kosli, jira } = this.worlds;
    github.addCommit({ sha: result.sha, message, files: result.files, author, date: result.date });

    const keys = [...new Set(message.toUpperCase().match(JIRA_KEY) ?? [])];
    const timestamp = Math.floor(Date.parse(result.date) / 1000);
    const gitCommit = {
      sha1: result.sha,
      message,
      author: `${author.name} <${author.email}>`,
      branch: 'main',
      timestamp,
      url: `${github.htmlUrl}/commit/${result.sha}`,
    };
    const jiraResults = keys.map((key) => ({
      issue_id: key,
      issue_exists: jira.issue(key) !== undefined,
      issue_url: `https://jira.example/browse/${key}`,
    }));
    const reviewer =
      this.scenario.users.find((u) => u.accountId !== developer.accountId && u.role === 'developer') ??
      this.scenario.users.find((u) => u.accountId !== developer.accountId);
    const pr = {
      url: `${github.htmlUrl}/pull/${++this.prNumber}`,
      state: 'MERGED',
      author: developer.displayName,
      title: message,
      merge_commit: result.sha,
      approvers: reviewer ? [{ username: reviewer.displayName, state: 'APPROVED', timestamp }] : [],
    };
    for (const flow of [this.config.kosli.sourceFlow, app.buildFlow]) {
      kosli.beginTrail(flow, result.sha, { gitCommitInfo: gitCommit });
      kosli.attest(flow, result.sha, {
        type: 'jira',
        attestation_name: 'work-reference',
        jira_results: jiraResults,
        git_commit_info: gitCommit,
      });
      kosli.attest(flow, result.sha, {
        type: 'pull_request',
        attestation_name: 'pull-request',
        git_provider: 'github',
        pull_requests: [pr],
        git_commit_info: gitCommit,
      });
    }
    kosli.attest(app.buildFlow, result.sha, {
      type: 'artifact',
      name: app.templateName,
      fingerprint: result.fingerprint,
      git_commit_info: gitCommit,
      build_url: `${github.htmlUrl}/actions/runs/${timestamp}`,
      commit_url: gitCommit.url,
    });
    const builds = this.builds.get(app.name) ?? new Map<string, string>();
    builds.set(result.sha, result.fingerprint);
    this.builds.set(app.name, builds);
    this.latestBuild.set(app.name, { sha: result.sha, fingerprint: result.fingerprint });
    if (!this.reportTimer) this.report(this.config.kosli.environments.dev);
    return { sha: result.sha, app: app.name, fingerprint: result.fingerprint, keys };
  }

  /** Points an environment's tags at commits directly (the initial state of the world). */
  place(environment: 'staging' | 'prod', apps: Record<string, string>): void {
    for (const [app, sha] of Object.entries(apps)) this.moveTag(this.tagFor(environment, app), sha);
    this.report(this.config.kosli.environments[environment]);
  }

  /** Snapshots of every environment from the current tags (the three "simulate reporting" jobs). */
  reportAll(): void {
    for (const env of Object.values(this.config.kosli.environments)) this.report(env);
  }

  private tagFor(environment: string, app: string): string {
    return tagName(this.config.github.tagPattern, environment, app);
  }

  private moveTag(tag: string, sha: string): void {
    this.worlds.github.setRef(`tags/${tag}`, sha);
    this.repository.moveTag(tag, sha);
  }

  private report(environment: string): void {
    const { dev, staging } = this.config.kosli.environments;
    const role = environment === dev ? 'dev' : environment === staging ? 'staging' : 'prod';
    const running = this.config.apps.flatMap((app) => {
      if (role === 'dev') {
        const latest = this.latestBuild.get(app.name);
        return latest ? [{ name: app.name, fingerprint: latest.fingerprint }] : [];
      }
      const sha = this.worlds.github.getRef(`tags/${this.tagFor(role, app.name)}`);
      const fingerprint = sha ? this.builds.get(app.name)?.get(sha) : undefined;
      return fingerprint ? [{ name: app.name, fingerprint }] : [];
    });
    this.worlds.kosli.reportSnapshot(environment, running);
  }

  /**
   * The shipped deploy workflow: `kosli assert artifact` against the target environment first (so
   * a run without approval fails), then the tag moves.
   */
  private async deploy(run: FakeRun, world: GitHubWorld): Promise<'success' | 'failure'> {
    const target = run.inputs['kosli_environment'];
    const artifacts = run.inputs['artifacts'];
    if (target && artifacts) {
      const listed: unknown = JSON.parse(artifacts);
      const fingerprints = Array.isArray(listed)
        ? listed.flatMap((a: unknown) =>
            typeof a === 'object' && a !== null && 'fingerprint' in a && typeof a.fingerprint === 'string'
              ? [a.fingerprint]
              : [],
          )
        : [];
      for (const fingerprint of fingerprints) {
        const verdict = this.worlds.kosli.assert(fingerprint, target);
        if (verdict['compliant'] !== true) return 'failure';
      }
    }
    const conclusion = await runDeployWorkflow(run, world);
    for (const [ref, sha] of world.refs)
      if (ref.startsWith('tags/')) this.repository.moveTag(ref.slice('tags/'.length), sha);
    return conclusion === 'success' ? 'success' : 'failure';
  }
}
