/**
 * S5 (issue 16): one scheduled check over 50 configured projects, each with an open candidate and
 * refresh on schedule, with 100 ms on every upstream call and 10 ms on every storage call.
 *
 * The world has one Jira project whose candidate the app creates; the 49 others are seeded as the
 * app would hold them: a Jira project and version each, and a copy of the first project's
 * configuration, release record, keys, commits and content under that project and version (the
 * fake Jira refuses a fix version of one project on another project's issue, so creating 49 more
 * candidates over the same issues through the resolver is not possible). Every project refreshes
 * against the same Kosli environments, so each refresh finds its candidate unchanged.
 */
import { z } from 'zod';
import { developer, ok } from '../people';
import { round, timed } from '../measure';
import type { World } from '../../sandbox/world/start-world';
import { seeded, setLatency, STORAGE_MS, UPSTREAM_MS } from './s-scale';

export interface S5Result {
  seconds: number;
  projects: number;
  /** How many projects the check reported on, and the outcomes it gave (outcome → projects). */
  outcomes: Record<string, number>;
  calls: number;
  target: number;
}

const PROJECTS = 50;

/** Copies the first project's release into project `key` (a new Jira project and version), as the app would have stored it. */
async function copyProject(world: World, fromVersion: string, index: number): Promise<void> {
  const key = `PRJ${String(index).padStart(2, '0')}`;
  const { store } = world;
  const from = world.scenario.project.key;
  const record = await store.releases.get(from, fromVersion);
  const stored = await store.settings.config(from);
  if (!record || !stored) throw new Error(`S5: release ${fromVersion} of ${from} is not stored`);
  // Ids clear of the scenario's own project (the fake numbers new projects from the first id).
  const project = world.jira.world.addProject({ key, id: String(90_000 + index) });
  const version = world.jira.world.addVersion({ project: key, name: record.name });
  const versionId = version.id;
  const keys = await store.keys.all(fromVersion, record.candidate.keys);
  const buckets = await store.keys.put(versionId, record.candidate.contentHash, keys);
  await store.keys.addFixed(versionId, 0, await store.keys.fixed(fromVersion, record.fixVersions.chunks));
  for (const app of record.candidate.apps)
    await store.commits.put(versionId, app.name, await store.commits.all(fromVersion, app.name));
  for (const snapshot of await store.snapshots.list(fromVersion)) await store.snapshots.put(versionId, snapshot);
  await store.settings.saveConfig(key, stored);
  await store.releases.put({
    ...record,
    versionId,
    projectKey: key,
    projectId: project.id,
    candidate: { ...record.candidate, keys: buckets },
  });
  await store.slots.setCandidate(key, versionId);
}

/** The trigger's answer is `{ statusCode, body }`, its body the check's reports as JSON. */
function checkReports(answer: unknown): { outcome: string }[] {
  const parsed = z.object({ body: z.string() }).safeParse(answer);
  if (!parsed.success) return [];
  return z
    .array(z.object({ outcome: z.string() }))
    .catch([])
    .parse(JSON.parse(parsed.data.body));
}

export async function measureScheduledProjects(
  progress: (message: string) => void,
): Promise<{ S5_scheduled_50_projects_s: S5Result }> {
  const world = await seeded({ apps: 2, commitsPerApp: 20, commitsPerIssue: 5 }, progress);
  try {
    const stored = await world.store.settings.config(world.scenario.project.key);
    if (!stored) throw new Error('S5: the project is not configured');
    await world.store.settings.saveConfig(world.scenario.project.key, {
      ...stored,
      config: { ...stored.config, release: { ...stored.config.release, refreshOnSchedule: true } },
    });
    const created = ok(await world.invoke(developer(world), 'candidate/refresh', {}));
    await world.drain();
    progress(`S5: seeding ${PROJECTS - 1} more projects…`);
    for (let i = 1; i < PROJECTS; i++) await copyProject(world, created.versionId, i);
    setLatency(world, UPSTREAM_MS, STORAGE_MS);
    world.resetCalls();
    progress(`S5: one scheduled check over ${PROJECTS} projects…`);
    const run = await timed(() => world.runTrigger());
    const reports = checkReports(run.value);
    const outcomes: Record<string, number> = {};
    for (const report of reports) {
      const outcome = report.outcome.replace(/\d+/g, 'N');
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return {
      S5_scheduled_50_projects_s: {
        seconds: round(run.ms / 1000, 1),
        projects: reports.length,
        outcomes,
        calls: world.calls().total,
        target: 60,
      },
    };
  } finally {
    setLatency(world, 0, 0);
    await world.stop();
  }
}
