/**
 * Worlds for the benchmark: a scenario with A apps and enough Jira issues, and a history of C
 * commits per app on main (interleaved across apps, as in a monorepo), the last ones running in
 * staging while prod runs the initial builds. Every commit carries an existing Jira key, so every
 * trail is compliant and promotion would accept it.
 */
import { MemoryRepository } from '../sandbox/world/repository';
import { DEFAULT_SCENARIO, scenarioSchema, type Scenario } from '../sandbox/world/scenario';
import { startWorld, type World, type WorldOptions } from '../sandbox/world/start-world';

/** Bench issues start here, clear of the default scenario's OPS-1 … OPS-13. */
const FIRST_ISSUE = 1000;

export interface HistoryPlan {
  apps: number;
  commitsPerApp: number;
  /** Consecutive commits that share one Jira key (10: about one issue per ten commits). */
  commitsPerIssue: number;
}

export interface History {
  /** The last commit of each app: what staging runs. */
  heads: Record<string, string>;
  /** Distinct Jira keys in the commit messages. */
  keys: string[];
}

export function appNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `app${String(i + 1).padStart(2, '0')}`);
}

export function issueKey(index: number): string {
  return `OPS-${FIRST_ISSUE + index}`;
}

/** The default people and project, `apps` apps under apps/<name>, and `issues` bench issues. */
export function benchScenario(apps: number, issues: number): Scenario {
  return scenarioSchema.parse({
    ...DEFAULT_SCENARIO,
    apps: appNames(apps).map((name) => ({ name, path: `apps/${name}` })),
    issues: [
      ...DEFAULT_SCENARIO.issues,
      ...Array.from({ length: issues }, (_, i) => ({
        key: issueKey(i),
        summary: `Bench change ${i + 1}`,
        type: i % 4 === 0 ? 'Bug' : 'Story',
        status: 'In Progress',
      })),
    ],
    history: [],
  });
}

export function issuesNeeded(plan: HistoryPlan): number {
  return Math.ceil((plan.apps * plan.commitsPerApp) / plan.commitsPerIssue);
}

/**
 * A commit clock one second per commit, ending before now: real commits are seconds apart, and the
 * original scripts order commits by their timestamp in whole seconds (several commits in the same
 * second would make its "newest commit" arbitrary).
 */
function commitClock(commits: number): () => Date {
  let at = Date.now() - (commits + 1000) * 1000;
  return () => new Date((at += 1000));
}

/** Starts a world whose scenario fits the plan (plus `spareIssues` for later commits). */
export function startPlannedWorld(
  plan: HistoryPlan,
  options: WorldOptions & { spareIssues?: number } = {},
): Promise<World> {
  const { spareIssues = 0, ...rest } = options;
  return startWorld({
    repository: new MemoryRepository(commitClock(plan.apps * (plan.commitsPerApp + 1) + spareIssues)),
    ...rest,
    scenario: benchScenario(plan.apps, issuesNeeded(plan) + spareIssues),
  });
}

/**
 * Commits the plan's history and puts each app's last commit in staging.
 *
 * `Simulation.commit` reports the dev environment after every commit, and the Kosli fake builds
 * each reported artifact's entry by scanning every trail (`KosliWorld.provenanceOf`, once for the
 * flows and once per policy). Seeding N commits therefore costs O(A·N²): 57 s for 10 apps × 200
 * commits, about 25 minutes for 10 × 1000. Dev plays no part in any figure, so those intermediate
 * reports are skipped while the history is written; every environment reports once at the end.
 * Everything else each commit writes (GitHub commit, Kosli source and build trails with Jira,
 * pull-request and artifact attestations) is the simulation's own.
 */
export function growHistory(world: World, plan: HistoryPlan, firstCommit = 0): History {
  const simulation = world.simulation;
  const apps = world.config.apps.map((app) => app.name);
  const heads: Record<string, string> = {};
  const keys = new Set<string>();
  const reportEveryCommit = simulation['report'];
  simulation['report'] = () => undefined;
  try {
    let n = firstCommit;
    for (let c = 0; c < plan.commitsPerApp; c++) {
      for (const app of apps) {
        const key = issueKey(Math.floor(n / plan.commitsPerIssue));
        keys.add(key);
        heads[app] = simulation.commit(app, `${key} ${app}: change ${c + 1}`).sha;
        n++;
      }
    }
  } finally {
    simulation['report'] = reportEveryCommit;
  }
  simulation.place('staging', heads);
  simulation.reportAll();
  return { heads, keys: [...keys] };
}
