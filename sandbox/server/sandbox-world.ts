/**
 * The sandbox's world and its lifecycle: one folder (`.sandbox/` for `npm start`) holds everything
 * that persists between runs:
 *
 *   repo/          the monorepo, a real git repository (commits, running-<env>-<app> tags)
 *   storage.json   the app's Forge storage (config, candidates, decisions, deploy state, audit)
 *   world.bin      the fakes' state (Jira versions and approvers, Kosli trails and snapshots,
 *                  GitHub commits, refs and runs), saved a second after each change and on stop
 *
 * The three are one world: a folder missing any of them (an interrupted first start) is started
 * over, and a saved world that cannot be restored (another scenario, fakes changed shape) stops
 * the start with a sentence saying to use `--fresh`.
 *
 * While it runs, dispatched workflow runs settle on their own (queued → in_progress → completed
 * after `workflowDelayMs`) and the scheduled trigger runs every `triggerIntervalMs`, as Forge runs
 * it every five minutes, so approvals given in Jira's own release UI are picked up.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalKvs } from '../forge-runtime';
import { GitRepository } from '../world/git-repository';
import { DEFAULT_SCENARIO, type Scenario } from '../world/scenario';
import type { FaultProfile } from '../fakes/http-fake';
import { type Realism, startWorld, type World } from '../world/start-world';
import { hasWorldSnapshot, restoreWorldSnapshot, saveWorldSnapshot, SnapshotMismatch } from './world-snapshot';

export type LogLine = (line: string) => void;

export interface SandboxWorldOptions {
  dataDir: string;
  /** Delete the folder first. */
  fresh?: boolean;
  scenario?: Scenario;
  /** The URL the browser uses: links the app writes (Jira related work) point here. */
  siteUrl: string;
  workflowDelayMs: number;
  /** The fakes' eventual consistency (startWorld's Realism). */
  realism: Realism;
  /** Random faults on all three fakes, when set. */
  faults?: FaultProfile;
  /** Null: no automatic trigger (tests run it through the control API). */
  triggerIntervalMs: number | null;
  /** How often unsaved changes are written (default 1 s). */
  saveEveryMs?: number;
  log: LogLine;
}

export interface SandboxWorld {
  world: World;
  repository: GitRepository;
  dataDir: string;
  /** When the world was restored from the folder: when it had been saved. */
  restoredFrom: string | null;
  /** Records that the world changed; it is saved on the next tick. */
  touch(): void;
  /** Runs the scheduled trigger once and waits for the deploy work it queued (one run at a time). */
  runTrigger(): Promise<unknown>;
  stop(): Promise<void>;
}

export class SandboxStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxStartError';
  }
}

const STOP_GRACE_MS = 5_000;

export function sandboxPaths(dataDir: string): { repo: string; storage: string; snapshot: string } {
  return { repo: join(dataDir, 'repo'), storage: join(dataDir, 'storage.json'), snapshot: join(dataDir, 'world.bin') };
}

export async function openSandboxWorld(options: SandboxWorldOptions): Promise<SandboxWorld> {
  const { dataDir, log } = options;
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const paths = sandboxPaths(dataDir);
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  const complete = hasWorldSnapshot(paths.snapshot) && existsSync(paths.repo) && existsSync(paths.storage);
  if (!complete && existsSync(dataDir)) {
    log(`${dataDir} holds an incomplete sandbox (interrupted first start?): starting a fresh one.`);
    rmSync(dataDir, { recursive: true, force: true });
  }

  const repository = new GitRepository({ directory: paths.repo, apps: scenario.apps });
  const storage = new LocalKvs({ filePath: paths.storage });
  // A deploy waiting on a run looks again after a delay (10 s in Forge); the sandbox runs those
  // delays five times faster, as its workflow runs take seconds rather than minutes.
  const world = await startWorld({
    scenario,
    repository,
    storage,
    siteUrl: options.siteUrl,
    seed: !complete,
    queueDelayScaleMs: 200,
    realism: options.realism,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  let restoredFrom: string | null = null;
  if (complete) {
    try {
      restoredFrom = restoreWorldSnapshot(paths.snapshot, world).savedAt;
    } catch (error) {
      await world.stop();
      storage.close();
      if (error instanceof SnapshotMismatch) {
        throw new SandboxStartError(`${error.message} Start over with \`npm start -- --fresh\` (deletes ${dataDir}).`);
      }
      throw error;
    }
  }

  const github = world.github.world;
  github.settleAfterMs = options.workflowDelayMs;
  let dirty = !complete;
  let lastCalls = -1;
  const save = () => {
    const calls = world.calls().total;
    if (!dirty && calls === lastCalls) return;
    try {
      saveWorldSnapshot(paths.snapshot, world);
      dirty = false;
      lastCalls = calls;
    } catch (error) {
      log(`could not save the world to ${paths.snapshot}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  save();
  const unsubscribe = github.onRunCompleted(() => {
    dirty = true;
  });
  const timers: NodeJS.Timeout[] = [setInterval(save, options.saveEveryMs ?? 1_000)];
  // Runs that were in flight when the sandbox stopped finish now, as they would have meanwhile.
  if (github.runs.some((run) => run.status !== 'completed'))
    timers.push(setTimeout(() => void github.settleRuns(), options.workflowDelayMs));

  let triggerChain: Promise<unknown> = Promise.resolve();
  const runTrigger = (): Promise<unknown> => {
    const next = triggerChain.then(() => world.runTrigger());
    triggerChain = next
      .catch(() => undefined)
      .finally(() => {
        dirty = true;
      });
    return next;
  };
  if (options.triggerIntervalMs !== null) {
    timers.push(
      setInterval(() => {
        runTrigger().catch((error: unknown) =>
          log(`scheduled check failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      }, options.triggerIntervalMs),
    );
  }

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    for (const timer of timers) clearInterval(timer);
    unsubscribe();
    // Deploy work in flight may be following a run; give it a moment, then save what there is.
    await Promise.race([
      triggerChain.then(() => world.stop()),
      new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
    ]);
    dirty = true;
    save();
    storage.close();
  };

  return {
    world,
    repository,
    dataDir,
    restoredFrom,
    touch: () => {
      dirty = true;
    },
    runTrigger,
    stop: () => (stopped ??= stop()),
  };
}
