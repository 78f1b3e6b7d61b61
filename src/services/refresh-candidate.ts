/**
 * Create or refresh the project's release candidate: compose it from what runs in staging and prod,
 * record it in Jira (one version the app owns, fix versions added for new keys only) and in Kosli
 * (a release trail with prod-software at creation and staging-software on every change).
 * An unchanged candidate refreshes with zero Jira writes.
 */
import type { RefreshResult } from '../contract';
import { AppError } from '../errors';
import { runningSoftware } from '../release/attestations';
import { jiraDecisions } from '../release/approvals';
import { composeCandidate, planRelease, type AppCommits, type AppRange } from '../release/candidate';
import { versionName, type ProjectConfig } from '../release/config';
import { canReopen, transition } from '../release/deploy-state';
import { normaliseSelection, selectApps, type HeldBackApp } from '../release/partial';
import type { Candidate, EnvironmentSnapshot, JiraEvidence } from '../release/types';
import { contentSnapshot, keyEntries, newReleaseRecord, toStoredCandidate, withHeldBack, type ReleaseRecord } from '../store/records';
import type { GitHubClient } from '../github/types';
import type { JiraVersion } from '../jira/types';
import { MAX_COMMITS_PER_CALL } from '../kosli/client';
import type { KosliClient } from '../kosli/types';
import { recordJiraDecisions } from './approval-status';
import { kosliTrailUrl, type CallContext, type Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';
import { reportStagingDeployment } from './report-deployments';
import { withReleaseLock } from './release-lock';
import { writeFixVersions } from './fix-versions';

/** Commits per app beyond which an ordinary (non-first) release is refused as implausible. */
const RANGE_LIMIT = 5000;
/**
 * The most Jira keys one candidate may hold: the JQL functions answer at most 5,000 keys, and a
 * Jira Deployments report of more is ten requests. Refused before anything is written.
 */
export const MAX_ISSUE_KEYS = 5000;

interface Composed {
  candidate: Candidate;
  commits: Map<string, AppCommits>;
  evidence: Map<string, JiraEvidence>;
  staging: EnvironmentSnapshot;
  prod: EnvironmentSnapshot;
  /** Apps that differ but are not chosen (partial release), and the choice itself. */
  heldBack: HeldBackApp[];
  selection: Selection;
}

type Selection = { apps: string[]; by: string } | null;

interface Running {
  staging: EnvironmentSnapshot;
  prod: EnvironmentSnapshot;
  /** Every app whose staging artifact differs from prod's, chosen or not. */
  ranges: AppRange[];
}

async function readRunning(config: ProjectConfig, kosli: KosliClient): Promise<Running> {
  const [staging, prod] = await Promise.all([latestSnapshot(config, kosli, 'staging'), latestSnapshot(config, kosli, 'prod')]);
  return { staging, prod, ranges: planRelease(config.apps, staging, prod) };
}

function choose(ranges: readonly AppRange[], selection: Selection): { chosen: AppRange[]; heldBack: HeldBackApp[] } {
  return selectApps(ranges, selection?.apps ?? null, selection?.by ?? '');
}

/** Reads what runs and composes the candidate: 2 snapshot reads, ⌈C/100⌉ commit pages per app, ⌈C/100⌉ Kosli lookups. */
export async function composeFromWorld(config: ProjectConfig, kosli: KosliClient, github: GitHubClient, selection: Selection = null, known?: Running): Promise<Composed> {
  const { staging, prod, ranges: differing } = known ?? (await readRunning(config, kosli));
  const { chosen: ranges, heldBack } = choose(differing, selection);
  // Kosli is asked about each full hundred of commits as soon as an app's listing ends, so the
  // lookups overlap the other apps' GitHub pages and still number ⌈commits/100⌉.
  const seen = new Set<string>();
  const waiting: string[] = [];
  const lookups: Promise<Map<string, JiraEvidence>>[] = [];
  const lookUp = (count: number) => {
    if (count <= 0) return;
    const lookup = kosli.jiraEvidence(config.kosli.sourceFlow, waiting.splice(0, count));
    lookup.catch(() => undefined); // observed below, once every listing has ended
    lookups.push(lookup);
  };
  const commitLists = await Promise.all(
    ranges.map(async (range) => {
      const list = await commitsFor(github, range, config.release.firstReleaseCommitLimit);
      for (const commit of list.commits) {
        if (seen.has(commit.sha)) continue;
        seen.add(commit.sha);
        waiting.push(commit.sha);
      }
      lookUp(waiting.length - (waiting.length % MAX_COMMITS_PER_CALL));
      return list;
    }),
  );
  lookUp(waiting.length);
  const evidence = new Map<string, JiraEvidence>((await Promise.all(lookups)).flatMap((found) => [...found]));
  const commits = new Map(ranges.map((range, i) => [range.app.name, commitLists[i] ?? { commits: [], baseFound: false, truncated: false }]));
  return { candidate: composeCandidate(ranges, commits, evidence), commits, evidence, staging, prod, heldBack, selection };
}

/** Staging and prod run exactly the artifacts the record was composed from. */
function sameArtifacts(record: ReleaseRecord, ranges: readonly AppRange[]): boolean {
  const apps = record.candidate.apps;
  return (
    apps.length === ranges.length &&
    ranges.every((range) => {
      const app = apps.find((a) => a.name === range.app.name);
      return app !== undefined && app.to.fingerprint === range.to.fingerprint && (app.from?.fingerprint ?? null) === (range.from?.fingerprint ?? null);
    })
  );
}

/** Nothing is left to do for the recorded content. */
function settled(record: ReleaseRecord): boolean {
  const setUp = record.setup.trail && record.setup.prodSoftware && record.setup.links;
  return setUp && record.stagingRecordedHash === record.candidate.contentHash && record.fixVersions.pending === 0;
}

/** Which apps are held back, and who chose, is part of what the page says, though not of what ships. */
function sameChoice(record: ReleaseRecord, heldBack: readonly HeldBackApp[], selection: Selection): boolean {
  return JSON.stringify([record.candidate.heldBack ?? [], record.selection ?? null]) === JSON.stringify([heldBack, selection]);
}

/** Unchanged content: only the choice of apps is written again when it differs (nothing else is rewritten). */
async function rewriteChoice(deps: Deps, record: ReleaseRecord, composed: Composed): Promise<{ record: ReleaseRecord; keys: string[] }> {
  const keys = composed.candidate.issueKeys;
  if (sameChoice(record, composed.heldBack, composed.selection)) return { record, keys };
  const next: ReleaseRecord = { ...record, candidate: withHeldBack(record.candidate, composed.heldBack), selection: composed.selection };
  await deps.store.releases.put(next);
  return { record: next, keys };
}

function refuseOversized(candidate: Candidate): void {
  if (candidate.issueKeys.length > MAX_ISSUE_KEYS) {
    throw new AppError(
      'INVALID_INPUT',
      `This candidate references ${candidate.issueKeys.length} Jira issues; a release holds at most ${MAX_ISSUE_KEYS} (the limit of Jira's JQL function answers). Release the apps in smaller steps.`,
    );
  }
}

async function commitsFor(github: GitHubClient, range: AppRange, firstReleaseLimit: number): Promise<AppCommits> {
  const from = range.from;
  const since = from?.commitTimestamp != null ? new Date(from.commitTimestamp * 1000).toISOString() : null;
  const found = await github.commitsTouchingPath({
    head: range.to.commit,
    base: from?.commit ?? null,
    path: range.app.path,
    since,
    limit: from ? RANGE_LIMIT : firstReleaseLimit,
  });
  return { commits: found.commits, baseFound: found.baseFound, truncated: found.truncated };
}

/** The apps the open candidate's creator chose, kept across refreshes until someone chooses again. */
async function storedSelection(deps: Deps, projectKey: string, versionId: string | undefined): Promise<Selection> {
  if (!versionId) return null;
  return (await deps.store.releases.get(projectKey, versionId))?.selection ?? null;
}

function today(iso: string): string {
  return iso.slice(0, 10);
}

function describeContent(candidate: Candidate): string {
  const apps = candidate.apps.map((app) => `${app.name} ${app.to.commit.slice(0, 7)}`).join(', ');
  return `${apps}; ${candidate.issueKeys.length} issue(s)`;
}

/**
 * The Jira version's description never changes with the content (a rewrite per refresh would be a
 * Jira write for nothing): the content lives on the release page it links to.
 */
const VERSION_DESCRIPTION = 'Release candidate managed by Kosli Release Gate: its content, evidence and approvals are on the release page linked under Related work.';

export async function refreshCandidate(deps: Deps, ctx: CallContext, options: { apps?: string[] } = {}): Promise<RefreshResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const [running, owned] = await Promise.all([readRunning(config, kosli), deps.store.slots.candidate(ctx.projectKey)]);
  const stored = owned ? await deps.store.releases.get(ctx.projectKey, owned) : undefined;
  const chosen = normaliseSelection(options.apps, config.apps.map((app) => app.name));
  const selection = options.apps !== undefined ? (chosen ? { apps: chosen, by: ctx.actor } : null) : (stored?.selection ?? null);
  if (owned && stored && settled(stored)) {
    // Same artifacts in staging and prod, same choice, nothing left to write: answered from what is stored.
    const { chosen: ranges, heldBack } = choose(running.ranges, selection);
    if (sameArtifacts(stored, ranges) && sameChoice(stored, heldBack, selection)) {
      return { versionId: owned, name: stored.name, created: false, changed: false, addedKeys: [], contentHash: stored.candidate.contentHash };
    }
  }
  const composed = await composeFromWorld(config, kosli, github, selection, running);
  refuseOversized(composed.candidate);
  if (owned) return withReleaseLock(deps, owned, () => refreshExisting(deps, ctx, config, kosli, owned, composed));
  // Creation is single-flight per project: the project lock stops two clicks creating two versions.
  return withReleaseLock(deps, `project-${ctx.projectKey}`, async () => {
    const raced = await deps.store.slots.candidate(ctx.projectKey);
    if (raced) return withReleaseLock(deps, raced, () => refreshExisting(deps, ctx, config, kosli, raced, composed));
    return createCandidate(deps, ctx, config, kosli, composed);
  });
}

/** Recomposes an existing candidate for a caller that already holds the release's lock (the deploy worker). */
export async function refreshHeld(deps: Deps, ctx: CallContext, versionId: string): Promise<RefreshResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const composed = await composeFromWorld(config, kosli, github, await storedSelection(deps, ctx.projectKey, versionId));
  refuseOversized(composed.candidate);
  return refreshExisting(deps, ctx, config, kosli, versionId, composed);
}

async function createCandidate(deps: Deps, ctx: CallContext, config: ProjectConfig, kosli: KosliClient, composed: Composed): Promise<RefreshResult> {
  const now = deps.clock.now();
  const version = (await adoptVersionOfFailedCreate(deps, ctx)) ?? (await createVersion(deps, ctx, versionName(config.release.namePattern, now), now));
  // The new release's lock is taken before the slot names it, so no refresh can set it up alongside.
  return withReleaseLock(deps, version.id, () => setUpCreated(deps, ctx, config, kosli, composed, version, now));
}

/**
 * Creating a version is not idempotent: a 5xx or timeout may hide a version Jira did create. The
 * intended name is written down first and cleared only once the project's slot names the version,
 * so any failure before that (the version, its record, its keys) leads the next attempt to adopt
 * that version instead of making a twin (or failing forever on a duplicate name).
 */
/**
 * Jira allows one version of a name per project, and a name pattern can repeat (a daily pattern, or
 * two candidates within a second): a taken name becomes "name (2)", "name (3)"… up to a bound.
 */
export async function createVersion(deps: Deps, ctx: CallContext, name: string, now: string, pendingSlot = ctx.projectKey): Promise<JiraVersion> {
  for (let n = 1; ; n += 1) {
    const free = n === 1 ? name : `${name} (${n})`;
    await deps.store.slots.setPendingVersion(pendingSlot, free);
    try {
      return await deps.jiraAsApp.createVersion({ projectId: ctx.projectId, name: free, description: VERSION_DESCRIPTION, startDate: today(now) });
    } catch (error) {
      const nameTaken = error instanceof AppError && error.code === 'CONFLICT' && error.details?.['field'] === 'name';
      if (!nameTaken) throw error;
      // The version of that name is someone else's: it must never be adopted as ours.
      await deps.store.slots.setPendingVersion(pendingSlot, null);
      if (n >= MAX_NAME_SUFFIX) throw error;
    }
  }
}

/** How many versions of one name pattern a project may get in one period before creation gives up. */
const MAX_NAME_SUFFIX = 20;

/** `pendingSlot`: whose pending creation (the candidate's by default; a rollback has its own). */
export async function adoptVersionOfFailedCreate(deps: Deps, ctx: CallContext, pendingSlot = ctx.projectKey): Promise<JiraVersion | undefined> {
  const name = await deps.store.slots.pendingVersion(pendingSlot);
  if (!name) return undefined;
  return (await deps.jiraAsApp.listUnreleasedVersions(ctx.projectKey)).find((v) => v.name === name);
}

/** Writes the content's keys, then the record naming them; returns the keys written. */
async function writeContent(deps: Deps, record: Omit<ReleaseRecord, 'candidate' | 'selection'>, composed: Composed, previous: ReleaseRecord | null): Promise<{ record: ReleaseRecord; keys: string[] }> {
  const { candidate } = composed;
  const entries = keyEntries(candidate, keysBySha(composed.evidence));
  const counts = new Map(previous?.candidate.apps.map((app) => [app.name, app.commitCount]) ?? []);
  const [buckets] = await Promise.all([
    deps.store.keys.put(record.versionId, candidate.contentHash, entries),
    ...candidate.apps.map((app) => deps.store.commits.put(record.versionId, app.name, app.commits, counts.get(app.name) ?? 0)),
  ]);
  const fixed = previous ? new Set(await deps.store.keys.fixed(record.versionId, previous.fixVersions.chunks)) : new Set<string>();
  const pending = candidate.issueKeys.filter((key) => !fixed.has(key)).length;
  const next: ReleaseRecord = { ...record, candidate: toStoredCandidate(candidate, entries, buckets, composed.heldBack), selection: composed.selection, fixVersions: { ...record.fixVersions, pending } };
  await deps.store.releases.put(next);
  if (previous && previous.candidate.keys.contentHash !== candidate.contentHash) await deps.store.keys.drop(record.versionId, previous.candidate.keys);
  return { record: next, keys: candidate.issueKeys };
}

async function setUpCreated(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  composed: Composed,
  version: { id: string; name: string },
  now: string,
): Promise<RefreshResult> {
  const { candidate } = composed;
  // Everything the release is made of is written before the slot names it: a failure on the way
  // leaves no slot pointing at a missing record, and the pending name adopts the version next time.
  const identity = { versionId: version.id, projectKey: ctx.projectKey, projectId: ctx.projectId, name: version.name };
  const { record, keys } = await writeContent(deps, newReleaseRecord(identity, now), composed, null);
  await deps.store.snapshots.put(version.id, contentSnapshot(record.candidate, keys, now, ctx.actor));
  await deps.store.audit.append(version.id, { at: now, actor: ctx.actor, action: 'candidate.created', detail: `Version ${version.name} created: ${describeContent(candidate)}.` });
  // From here on the app owns this version and never creates another.
  await deps.store.slots.setCandidate(ctx.projectKey, version.id);
  await deps.store.slots.setPendingVersion(ctx.projectKey, null);

  const ready = await ensureSetUp(deps, ctx, config, kosli, record, composed.prod, true);
  const written = await recordContent(deps, ctx, config, kosli, ready, composed);
  return { versionId: version.id, name: version.name, created: true, changed: true, addedKeys: written, contentHash: candidate.contentHash };
}

async function refreshExisting(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  versionId: string,
  composed: Composed,
): Promise<RefreshResult> {
  const record = await deps.store.releases.get(ctx.projectKey, versionId);
  if (!record) throw new AppError('INTERNAL', `The app's record of version ${versionId} is missing.`);
  const { candidate } = composed;
  const changed = record.candidate.contentHash !== candidate.contentHash;
  if (!changed && settled(record) && sameChoice(record, composed.heldBack, composed.selection)) {
    return { versionId, name: record.name, created: false, changed: false, addedKeys: [], contentHash: candidate.contentHash };
  }
  // A dispatch that may have started a run is settled before the content may change.
  if (changed && (!canReopen(record.deploy) || record.pendingDispatch !== null)) {
    throw new AppError('DEPLOY_IN_PROGRESS', `Release ${record.name} is already deploying the approved content; it cannot change now.`);
  }
  const now = deps.clock.now();
  // Native approvals given for the content being replaced are recorded against it first, so that
  // they show as stale instead of counting for content their approvers never saw.
  const seen = changed ? await recordNativeDecisions(deps, record, now) : record.jiraSeen;
  const { record: next, keys } = changed
    ? await writeContent(
        deps,
        {
          ...record,
          jiraSeen: seen,
          updatedAt: now,
          deploy: record.deploy.kind !== 'open' ? transition(record.deploy, { type: 'contentChanged' }, now) : record.deploy,
          attestedFor: null,
        },
        composed,
        record,
      )
    : await rewriteChoice(deps, record, composed);
  if (changed) {
    await deps.store.snapshots.put(versionId, contentSnapshot(next.candidate, keys, now, ctx.actor));
    await deps.store.audit.append(versionId, {
      at: now,
      actor: ctx.actor,
      action: 'candidate.changed',
      detail: `Content changed (${record.candidate.contentHash.slice(0, 12)} → ${candidate.contentHash.slice(0, 12)}): ${describeContent(candidate)}. Earlier approvals are stale.`,
    });
  }
  const ready = await ensureSetUp(deps, ctx, config, kosli, next, composed.prod, false);
  const written = await recordContent(deps, ctx, config, kosli, ready, composed);
  return { versionId, name: record.name, created: false, changed, addedKeys: written, contentHash: candidate.contentHash };
}

async function recordNativeDecisions(deps: Deps, record: ReleaseRecord, at: string): Promise<ReleaseRecord['jiraSeen']> {
  const version = await deps.jiraAsApp.getVersion(record.versionId);
  const native = jiraDecisions(record.jiraSeen, version.approvers, record.candidate.contentHash, at);
  await recordJiraDecisions(deps, record.versionId, native.decisions);
  return native.seen;
}

/**
 * The one-time steps of a new release, each recorded when done so that a fault half-way through
 * creation is finished by the next refresh instead of being repeated.
 */
export async function ensureSetUp(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  record: ReleaseRecord,
  prod: EnvironmentSnapshot,
  fresh: boolean,
): Promise<ReleaseRecord> {
  let current = record;
  const mark = async (step: keyof ReleaseRecord['setup']) => {
    current = { ...current, setup: { ...current.setup, [step]: true } };
    await deps.store.releases.put(current);
  };
  const releaseFlow = config.kosli.releaseFlow;
  if (!current.setup.trail) {
    await kosli.beginTrail(releaseFlow, record.versionId, {
      description: `Jira release ${record.name}`,
      externalUrls: { JiraRelease: ctx.links.jiraRelease(ctx.projectKey, record.versionId) },
    });
    await mark('trail');
  }
  if (!current.setup.prodSoftware) {
    await kosli.attestCustom({ flow: releaseFlow, trail: record.versionId, name: 'prod-software', typeName: 'running-sw', data: runningSoftware(prod, config.apps) });
    await mark('prodSoftware');
  }
  if (!current.setup.links) {
    // A retry after a partial failure lists what is there first and adds only what is missing.
    const existing = fresh ? [] : await deps.jiraAsApp.listRelatedWork(record.versionId);
    const wanted = [
      { category: 'Other link', title: 'Kosli Release Gate: release page', url: ctx.links.releasePage(ctx.projectKey, record.versionId) },
      { category: 'Audit', title: 'Kosli Trail', url: kosliTrailUrl(config, record.versionId) },
    ];
    for (const link of wanted) {
      if (!existing.some((work) => work.url === link.url)) await deps.jiraAsApp.addRelatedWork(record.versionId, link);
    }
    await mark('links');
    await deps.store.audit.append(record.versionId, { at: deps.clock.now(), actor: ctx.actor, action: 'kosli.trail', detail: `Kosli trail ${releaseFlow}/${record.versionId} begun with prod-software; release page and trail linked from the Jira release` });
  }
  return current;
}

/** Writes what changed: staging-software on the release trail, fix versions for new keys. */
async function recordContent(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  record: ReleaseRecord,
  composed: Composed,
): Promise<string[]> {
  const { candidate } = composed;
  let current = record;
  if (current.stagingRecordedHash !== candidate.contentHash) {
    await kosli.attestCustom({
      flow: config.kosli.releaseFlow,
      trail: record.versionId,
      name: 'staging-software',
      typeName: 'running-sw',
      data: runningSoftware(composed.staging, config.apps),
      userData: { contentHash: candidate.contentHash, jiraKeys: candidate.issueKeys },
    });
    current = { ...current, stagingRecordedHash: candidate.contentHash };
    await deps.store.releases.put(current);
    await deps.store.audit.append(record.versionId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'kosli.staging-software',
      detail: `Recorded staging-software on Kosli trail ${config.kosli.releaseFlow}/${record.versionId}`,
    });
    await reportStagingDeployment(deps, ctx.actor, config, current, composed.staging, candidate.issueKeys);
  }
  return writeFixVersions(deps, ctx, current, candidate.issueKeys);
}

function keysBySha(evidence: ReadonlyMap<string, JiraEvidence>): Map<string, string[]> {
  return new Map([...evidence].map(([sha, e]) => [sha, e.keys.filter((k) => k.exists).map((k) => k.key)]));
}
