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
import { versionName, type ProjectConfig } from '../release/config';
import { transition } from '../release/deploy-state';
import { planContent, planRefresh, sameChoice } from '../release/refresh-plan';
import { normaliseSelection } from '../release/partial';
import type { Candidate, EnvironmentSnapshot, JiraEvidence } from '../release/types';
import {
  choose,
  ComposeInBackground,
  composeFromWorld,
  readRunning,
  type ComposeOptions,
  type Composed,
  type Running,
  type Selection,
} from './compose';
import {
  composingResult,
  INLINE_PAGE_LIMIT,
  queueComposition,
  resumeIfStalled,
  startComposition,
} from './compose-start';
import {
  contentSnapshot,
  keyEntries,
  newReleaseRecord,
  toStoredCandidate,
  withHeldBack,
  type ReleaseRecord,
} from '../store/records';
import type { KosliClient } from '../kosli/types';
import { recordJiraDecisions } from './approval-status';
import { CONSUMER_LIMIT_SECONDS, kosliTrailUrl, type CallContext, type Deps } from './deps';
import { projectClients } from './project-clients';
import { reportStagingDeployment } from './report-deployments';
import { withReleaseLock } from './release-lock';
import { writeFixVersions } from './fix-versions';
import { adoptVersionOfFailedCreate, createVersion } from './candidate-version';
import { refreshResult } from './refresh-result';

/**
 * The most Jira keys one candidate may hold: the JQL functions answer at most 5,000 keys, and a
 * Jira Deployments report of more is ten requests. Refused before anything is written.
 */
export const MAX_ISSUE_KEYS = 5000;

/**
 * Unchanged content: only the choice of apps is written again when it differs (nothing else is
 * rewritten), or the composing mark cleared when a background composition found the same content.
 */
async function rewriteChoice(
  deps: Deps,
  record: ReleaseRecord,
  composed: Composed,
): Promise<{ record: ReleaseRecord; keys: string[] }> {
  const keys = composed.candidate.issueKeys;
  if (!record.composing && sameChoice(record, composed.heldBack, composed.selection)) return { record, keys };
  const next: ReleaseRecord = {
    ...record,
    candidate: withHeldBack(record.candidate, composed.heldBack),
    selection: composed.selection,
    composing: null,
  };
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

function describeContent(candidate: Candidate): string {
  const apps = candidate.apps.map((app) => `${app.name} ${app.to.commit.slice(0, 7)}`).join(', ');
  return `${apps}; ${candidate.issueKeys.length} issue(s)`;
}

export async function refreshCandidate(
  deps: Deps,
  ctx: CallContext,
  options: { apps?: string[] } = {},
): Promise<RefreshResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const [running, owned] = await Promise.all([readRunning(config, kosli), deps.store.slots.candidate(ctx.projectKey)]);
  const stored = owned ? await deps.store.releases.get(ctx.projectKey, owned) : undefined;
  if (stored?.composing) {
    // The consumer composes from what runs when it starts; a refresh meanwhile only revives a stalled one.
    await resumeIfStalled(deps, stored, true);
    return composingResult(stored);
  }
  const chosen = normaliseSelection(
    options.apps,
    config.apps.map((app) => app.name),
  );
  const selection =
    options.apps !== undefined ? (chosen ? { apps: chosen, by: ctx.actor } : null) : (stored?.selection ?? null);
  const { chosen: ranges, heldBack } = choose(running.ranges, selection);
  if (owned && stored && planRefresh(stored, { ranges, heldBack }, selection) === 'answer-stored') {
    return refreshResult(stored, { contentHash: stored.candidate.contentHash });
  }
  let composed: Composed;
  try {
    composed = await composeFromWorld(config, kosli, github, selection, running, {
      inlinePageLimit: INLINE_PAGE_LIMIT,
    });
  } catch (error) {
    if (!(error instanceof ComposeInBackground)) throw error;
    return startComposition(deps, ctx, config, owned, selection, error.pages);
  }
  refuseOversized(composed.candidate);
  if (owned) return withReleaseLock(deps, owned, () => refreshExisting(deps, ctx, config, kosli, owned, composed));
  // Creation is single-flight per project: the project lock stops two clicks creating two versions.
  return withReleaseLock(deps, `project-${ctx.projectKey}`, async () => {
    const raced = await deps.store.slots.candidate(ctx.projectKey);
    if (raced) return withReleaseLock(deps, raced, () => refreshExisting(deps, ctx, config, kosli, raced, composed));
    return createCandidate(deps, ctx, config, kosli, composed);
  });
}

/**
 * Recomposes an existing candidate for a caller that already holds the release's lock (the deploy
 * worker, the composition job), with no size gate: both run in the consumer's 900 s. `staged`
 * gives a background composition its checkpoints and progress for what runs now.
 */
export async function refreshHeld(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  staged?: (running: Running, selection: Selection) => ComposeOptions,
): Promise<RefreshResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const [record, running] = await Promise.all([
    deps.store.releases.get(ctx.projectKey, versionId),
    readRunning(config, kosli),
  ]);
  const selection = record?.composing ? record.composing.selection : (record?.selection ?? null);
  const composed = await composeFromWorld(config, kosli, github, selection, running, staged?.(running, selection));
  refuseOversized(composed.candidate);
  return refreshExisting(deps, ctx, config, kosli, versionId, composed);
}

async function createCandidate(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  composed: Composed,
): Promise<RefreshResult> {
  const now = deps.clock.now();
  const version =
    (await adoptVersionOfFailedCreate(deps, ctx)) ??
    (await createVersion(deps, ctx, versionName(config.release.namePattern, now), now));
  // The new release's lock is taken before the slot names it, so no refresh can set it up alongside.
  return withReleaseLock(deps, version.id, () => setUpCreated(deps, ctx, config, kosli, composed, version, now));
}

/** Writes the content's keys, then the record naming them; returns the keys written. */
async function writeContent(
  deps: Deps,
  record: Omit<ReleaseRecord, 'candidate' | 'selection'>,
  composed: Composed,
  previous: ReleaseRecord | null,
): Promise<{ record: ReleaseRecord; keys: string[] }> {
  const { candidate } = composed;
  const entries = keyEntries(candidate, keysBySha(composed.evidence));
  const counts = new Map(previous?.candidate.apps.map((app) => [app.name, app.commitCount]) ?? []);
  const [buckets] = await Promise.all([
    deps.store.keys.put(record.versionId, candidate.contentHash, entries),
    ...candidate.apps.map((app) =>
      deps.store.commits.put(record.versionId, app.name, app.commits, counts.get(app.name) ?? 0),
    ),
  ]);
  const fixed = previous
    ? new Set(await deps.store.keys.fixed(record.versionId, previous.fixVersions.chunks))
    : new Set<string>();
  const pending = candidate.issueKeys.filter((key) => !fixed.has(key)).length;
  const next: ReleaseRecord = {
    ...record,
    candidate: toStoredCandidate(candidate, entries, buckets, composed.heldBack),
    selection: composed.selection,
    fixVersions: { ...record.fixVersions, pending },
  };
  await deps.store.releases.put(next);
  if (previous && previous.candidate.keys.contentHash !== candidate.contentHash)
    await deps.store.keys.drop(record.versionId, previous.candidate.keys);
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
  await deps.store.audit.append(version.id, {
    at: now,
    actor: ctx.actor,
    action: 'candidate.created',
    detail: `Version ${version.name} created: ${describeContent(candidate)}.`,
  });
  // From here on the app owns this version and never creates another.
  await deps.store.slots.setCandidate(ctx.projectKey, version.id);
  await deps.store.slots.setPendingVersion(ctx.projectKey, null);

  const ready = await ensureSetUp(deps, ctx, config, kosli, record, composed.prod, true);
  const written = await recordContent(deps, ctx, config, kosli, ready, composed);
  return refreshResult(
    { versionId: version.id, name: version.name },
    { created: true, changed: true, addedKeys: written, contentHash: candidate.contentHash },
  );
}

async function refreshExisting(
  deps: Deps,
  ctx: CallContext,
  config: ProjectConfig,
  kosli: KosliClient,
  versionId: string,
  composed: Composed,
): Promise<RefreshResult> {
  const record = await deps.store.releases.owned(ctx.projectKey, versionId);
  const { candidate } = composed;
  const step = planContent(record, {
    contentHash: candidate.contentHash,
    heldBack: composed.heldBack,
    selection: composed.selection,
  });
  if (step.kind === 'nothing') {
    return refreshResult(record, { contentHash: candidate.contentHash });
  }
  if (step.kind === 'refused') {
    throw new AppError(
      'DEPLOY_IN_PROGRESS',
      `Release ${record.name} is already deploying the approved content; it cannot change now.`,
    );
  }
  const changed = step.kind === 'change';
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
          deploy:
            record.deploy.kind !== 'open' ? transition(record.deploy, { type: 'contentChanged' }, now) : record.deploy,
          attestedFor: null,
          composing: null,
        },
        composed,
        record,
      )
    : await rewriteChoice(deps, record, composed);
  if (changed) {
    await deps.store.snapshots.put(versionId, contentSnapshot(next.candidate, keys, now, ctx.actor));
    const first = record.candidate.contentHash === '';
    await deps.store.audit.append(versionId, {
      at: now,
      actor: ctx.actor,
      action: first ? 'candidate.composed' : 'candidate.changed',
      detail: first
        ? `Content composed: ${describeContent(candidate)}.`
        : `Content changed (${record.candidate.contentHash.slice(0, 12)} → ${candidate.contentHash.slice(0, 12)}): ${describeContent(candidate)}. Earlier approvals are stale.`,
    });
  }
  const ready = await ensureSetUp(deps, ctx, config, kosli, next, composed.prod, false);
  const written = await recordContent(deps, ctx, config, kosli, ready, composed);
  return refreshResult(record, { changed, addedKeys: written, contentHash: candidate.contentHash });
}

async function recordNativeDecisions(
  deps: Deps,
  record: ReleaseRecord,
  at: string,
): Promise<ReleaseRecord['jiraSeen']> {
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
    await kosli.attestCustom({
      flow: releaseFlow,
      trail: record.versionId,
      name: 'prod-software',
      typeName: 'running-sw',
      data: runningSoftware(prod, config.apps),
    });
    await mark('prodSoftware');
  }
  if (!current.setup.links) {
    // A retry after a partial failure lists what is there first and adds only what is missing.
    const existing = fresh ? [] : await deps.jiraAsApp.listRelatedWork(record.versionId);
    const wanted = [
      {
        category: 'Other link',
        title: 'Kosli Release Gate: release page',
        url: ctx.links.releasePage(ctx.projectKey, record.versionId),
      },
      { category: 'Audit', title: 'Kosli Trail', url: kosliTrailUrl(config, record.versionId) },
    ];
    for (const link of wanted) {
      if (!existing.some((work) => work.url === link.url)) await deps.jiraAsApp.addRelatedWork(record.versionId, link);
    }
    await mark('links');
    await deps.store.audit.append(record.versionId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'kosli.trail',
      detail: `Kosli trail ${releaseFlow}/${record.versionId} begun with prod-software; release page and trail linked from the Jira release`,
    });
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
  const written = await writeFixVersions(deps, ctx, current, candidate.issueKeys);
  // The invocation's time ran out first: the consumer (900 s) carries on now, not the next scheduled check.
  if (written.length < current.fixVersions.pending && (ctx.invocation?.limitSeconds ?? 0) < CONSUMER_LIMIT_SECONDS) {
    await queueComposition(
      deps,
      ctx.projectKey,
      record.versionId,
      `${current.fixVersions.pending - written.length} fix versions left`,
    );
  }
  return written;
}

function keysBySha(evidence: ReadonlyMap<string, JiraEvidence>): Map<string, string[]> {
  return new Map([...evidence].map(([sha, e]) => [sha, e.keys.filter((k) => k.exists).map((k) => k.key)]));
}
