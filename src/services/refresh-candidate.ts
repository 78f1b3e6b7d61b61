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
import { addedKeys, composeCandidate, planRelease, type AppCommits, type AppRange } from '../release/candidate';
import { versionName, type ProjectConfig } from '../release/config';
import { canReopen, transition } from '../release/deploy-state';
import { normaliseSelection, selectApps, type HeldBackApp } from '../release/partial';
import type { Candidate, EnvironmentSnapshot, JiraEvidence } from '../release/types';
import { contentSnapshot, toStoredCandidate, type ReleaseRecord } from '../store/release-store';
import type { GitHubClient } from '../github/types';
import type { JiraVersion } from '../jira/types';
import type { KosliClient } from '../kosli/types';
import { recordJiraDecisions } from './approval-status';
import { kosliTrailUrl, type CallContext, type Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';
import { reportStagingDeployment } from './report-deployments';
import { withReleaseLock } from './release-lock';

/** Commits per app beyond which an ordinary (non-first) release is refused as implausible. */
const RANGE_LIMIT = 5000;

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

/** Reads what runs and composes the candidate: 2 snapshot reads, ⌈C/100⌉ commit pages per app, ⌈C/100⌉ Kosli lookups. */
export async function composeFromWorld(config: ProjectConfig, kosli: KosliClient, github: GitHubClient, selection: Selection = null): Promise<Composed> {
  const [staging, prod] = await Promise.all([
    latestSnapshot(config, kosli, 'staging'),
    latestSnapshot(config, kosli, 'prod'),
  ]);
  const { chosen: ranges, heldBack } = selectApps(planRelease(config.apps, staging, prod), selection?.apps ?? null, selection?.by ?? '');
  const commitLists = await Promise.all(ranges.map((range) => commitsFor(github, range, config.release.firstReleaseCommitLimit)));
  const commits = new Map(ranges.map((range, i) => [range.app.name, commitLists[i] ?? { commits: [], baseFound: false, truncated: false }]));
  const shas = [...new Set(commitLists.flatMap((list) => list.commits.map((c) => c.sha)))];
  const evidence = shas.length > 0 ? await kosli.jiraEvidence(config.kosli.sourceFlow, shas) : new Map<string, JiraEvidence>();
  return { candidate: composeCandidate(ranges, commits, evidence), commits, evidence, staging, prod, heldBack, selection };
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
  return (await deps.store.getRelease(projectKey, versionId))?.selection ?? null;
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

/** Fix-version writes a refresh makes before it leaves the rest to the scheduled check (resolvers have 25 s). */
const FIX_VERSION_BUDGET_MS = 12_000;

export async function refreshCandidate(deps: Deps, ctx: CallContext, options: { apps?: string[] } = {}): Promise<RefreshResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const owned = await deps.store.openCandidateId(ctx.projectKey);
  const chosen = normaliseSelection(options.apps, config.apps.map((app) => app.name));
  const selection = options.apps !== undefined ? (chosen ? { apps: chosen, by: ctx.actor } : null) : await storedSelection(deps, ctx.projectKey, owned);
  const composed = await composeFromWorld(config, kosli, github, selection);
  if (owned) return withReleaseLock(deps, owned, () => refreshExisting(deps, ctx, config, kosli, owned, composed));
  // Creation is single-flight per project: the project lock stops two clicks creating two versions.
  return withReleaseLock(deps, `project-${ctx.projectKey}`, async () => {
    const raced = await deps.store.openCandidateId(ctx.projectKey);
    if (raced) return withReleaseLock(deps, raced, () => refreshExisting(deps, ctx, config, kosli, raced, composed));
    return createCandidate(deps, ctx, config, kosli, composed);
  });
}

/** Recomposes an existing candidate for a caller that already holds the release's lock (the deploy worker). */
export async function refreshHeld(deps: Deps, ctx: CallContext, versionId: string): Promise<RefreshResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const composed = await composeFromWorld(config, kosli, github, await storedSelection(deps, ctx.projectKey, versionId));
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
 * intended name is written down first, so the next attempt adopts that version instead of making a
 * twin (or failing forever on a duplicate name).
 */
export async function createVersion(deps: Deps, ctx: CallContext, name: string, now: string, pendingSlot = ctx.projectKey): Promise<JiraVersion> {
  await deps.store.setPendingVersion(pendingSlot, name);
  const version = await deps.jiraAsApp.createVersion({ projectId: ctx.projectId, name, description: VERSION_DESCRIPTION, startDate: today(now) });
  await deps.store.setPendingVersion(pendingSlot, null);
  return version;
}

/** `pendingSlot`: whose pending creation (the candidate's by default; a rollback has its own). */
export async function adoptVersionOfFailedCreate(deps: Deps, ctx: CallContext, pendingSlot = ctx.projectKey): Promise<JiraVersion | undefined> {
  const name = await deps.store.pendingVersion(pendingSlot);
  if (!name) return undefined;
  const found = (await deps.jiraAsApp.listUnreleasedVersions(ctx.projectKey)).find((v) => v.name === name);
  await deps.store.setPendingVersion(pendingSlot, null);
  return found;
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
  // Claimed right after creation: from here on the app owns this version and never creates another.
  await deps.store.setCandidateSlot(ctx.projectKey, version.id);
  const record: ReleaseRecord = {
    versionId: version.id,
    projectKey: ctx.projectKey,
    projectId: ctx.projectId,
    name: version.name,
    createdAt: now,
    updatedAt: now,
    candidate: toStoredCandidate(candidate, keysBySha(composed.evidence), composed.heldBack),
    selection: composed.selection,
    deploy: { kind: 'open' },
    setup: { trail: false, prodSoftware: false, links: false },
    fixVersionKeys: [],
    jiraSeen: {},
    stagingRecordedHash: null,
    attestedFor: null,
    pendingDispatch: null,
    run: null,
    runLinked: false,
    verification: null,
    released: false,
    releaseDate: null,
  };
  await deps.store.putRelease(record);
  await deps.store.putContentSnapshot(version.id, contentSnapshot(record.candidate, now, ctx.actor));
  await deps.store.audit(version.id, { at: now, actor: ctx.actor, action: 'candidate.created', detail: `Version ${version.name} created: ${describeContent(candidate)}.` });

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
  const record = await deps.store.getRelease(ctx.projectKey, versionId);
  if (!record) throw new AppError('INTERNAL', `The app's record of version ${versionId} is missing.`);
  const { candidate } = composed;
  const changed = record.candidate.contentHash !== candidate.contentHash;
  const setUp = record.setup.trail && record.setup.prodSoftware && record.setup.links;
  const pending = addedKeys(record.fixVersionKeys, candidate.issueKeys);
  // Which apps are held back is part of what the page says, though not of what ships.
  const sameChoice = JSON.stringify([record.candidate.heldBack ?? [], record.selection ?? null]) === JSON.stringify([composed.heldBack, composed.selection]);
  if (!changed && sameChoice && setUp && record.stagingRecordedHash === candidate.contentHash && pending.length === 0) {
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
  const next: ReleaseRecord = {
    ...record,
    jiraSeen: seen,
    updatedAt: now,
    candidate: toStoredCandidate(candidate, keysBySha(composed.evidence), composed.heldBack),
    selection: composed.selection,
    deploy: changed && record.deploy.kind !== 'open' ? transition(record.deploy, { type: 'contentChanged' }, now) : record.deploy,
    attestedFor: changed ? null : record.attestedFor,
  };
  await deps.store.putRelease(next);
  if (changed) {
    await deps.store.putContentSnapshot(versionId, contentSnapshot(next.candidate, now, ctx.actor));
    await deps.store.audit(versionId, {
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
    await deps.store.putRelease(current);
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
    await deps.store.audit(record.versionId, { at: deps.clock.now(), actor: ctx.actor, action: 'kosli.trail', detail: `Kosli trail ${releaseFlow}/${record.versionId} begun with prod-software; release page and trail linked from the Jira release` });
  }
  return current;
}

/** Writes what changed: commits, staging-software on the release trail, fix versions for new keys. */
async function recordContent(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  record: ReleaseRecord,
  composed: Composed,
): Promise<string[]> {
  const { candidate } = composed;
  await Promise.all(candidate.apps.map((app) => deps.store.putCommits(record.versionId, app.name, app.commits)));
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
    await deps.store.putRelease(current);
    await deps.store.audit(record.versionId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'kosli.staging-software',
      detail: `Recorded staging-software on Kosli trail ${config.kosli.releaseFlow}/${record.versionId}`,
    });
    await reportStagingDeployment(deps, ctx.actor, config, current, composed.staging);
  }
  return writeFixVersions(deps, ctx.actor, current);
}

/**
 * Adds the release's fix version to the issues that do not have it from the app yet, one by one
 * (Jira's per-issue and burst limits punish parallel edits), remembering each write so that a
 * fault or the time budget leaves a precise remainder for the next refresh or scheduled check.
 */
export async function writeFixVersions(deps: Deps, actor: string, record: ReleaseRecord): Promise<string[]> {
  const pending = addedKeys(record.fixVersionKeys, record.candidate.issueKeys);
  const written: string[] = [];
  const deadline = Date.now() + FIX_VERSION_BUDGET_MS;
  try {
    for (const key of pending) {
      if (Date.now() > deadline) break;
      await deps.jiraAsApp.addFixVersion(key, record.versionId);
      written.push(key);
    }
  } finally {
    if (written.length > 0) {
      await deps.store.putRelease({ ...record, fixVersionKeys: [...record.fixVersionKeys, ...written] });
      const left = pending.length - written.length;
      await deps.store.audit(record.versionId, {
        at: deps.clock.now(),
        actor,
        action: 'jira.fixVersions',
        detail: `Added to the release: ${written.join(', ')}${left > 0 ? `; ${left} more to add` : ''}`,
      });
    }
  }
  return written;
}

function keysBySha(evidence: ReadonlyMap<string, JiraEvidence>): Map<string, string[]> {
  return new Map([...evidence].map(([sha, e]) => [sha, e.keys.filter((k) => k.exists).map((k) => k.key)]));
}
