/**
 * Advances one release through its deploy state machine, one persisted step at a time, under the
 * release's lease. Run by the queue consumer (after an approval completes the policy) and by the
 * scheduled trigger (native Jira approvals, releases in flight, transient failures). Every step
 * writes its outcome before the next begins, so a crash resumes where it stopped and no step that
 * completed is repeated: no second dispatch, no duplicate approval attestation.
 *
 * It never sleeps: a step that must wait (a run in progress, prod not reporting yet) says how long,
 * and the caller re-queues the job with that delay. Staging is checked against the approved
 * fingerprints before any approval is attested, so Kosli only ever holds approvals of content
 * that is then dispatched.
 */
import { AppError, redact, toAppError } from '../errors';
import { buildDeployInputs } from '../github/deploy-inputs';
import type { JiraVersion } from '../jira/types';
import { approvalAttestation, approvalMarks, type ApprovalApprover } from '../release/attestations';
import type { ProjectConfig } from '../release/config';
import { dispatchedRun, mismatchesIn, nextStep, transition, type DeployEvent } from '../release/deploy-state';
import type { DeployState, DeployStep } from '../release/types';
import type { ReleaseRecord } from '../store/records';
import { approvalStatus, recordJiraDecisions } from './approval-status';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients, type ProjectClients } from './project-clients';
import { refreshHeld } from './refresh-candidate';
import { completeRollback } from './rollback-complete';
import { reportDeployOutcome } from './report-deployments';
import { tryWithReleaseLock, type Lease } from './release-lock';

/** A dispatch that errored may still have started a run: look for it this long before sending again. */
const DISPATCH_GRACE_MS = 180_000;
/** How soon to look at a deploy run in progress again. */
const RUN_POLL_SECONDS = 10;
/** How soon to read prod again while its environment report catches up. */
const VERIFY_POLL_SECONDS = 20;

export type AdvanceOutcome =
  | {
      ran: true;
      state: DeployState | null;
      /** Set when the release waits on something outside (a run, a report): look again after `retryInSeconds`. */
      waiting?: { why: string; retryInSeconds: number };
    }
  /** Another holder has the release's lease (until `leaseExpiresAt`, unless it renews it). */
  | { ran: false; state: null; leaseExpiresAt: string | null };

/**
 * Frees the project's candidate slot once its release is released (a new candidate may start). A
 * rollback is first recorded on the versions it concerns, then frees its own slot.
 */
async function freeSlot(deps: Deps, ctx: CallContext, config: ProjectConfig, record: ReleaseRecord): Promise<void> {
  if (record.rollback) {
    try {
      await completeRollback(deps, ctx, config, record);
    } catch (error) {
      // The rollback is released; its records are finished by the next check (the slot stays until then).
      await deps.store.audit.append(record.versionId, {
        at: deps.clock.now(),
        actor: ctx.actor,
        action: 'rollback.recorded',
        detail: `Not yet recorded on the Jira versions (the next check finishes it): ${toAppError(error).message}`,
      });
      return;
    }
    if ((await deps.store.slots.rollback(record.projectKey)) === record.versionId)
      await deps.store.slots.setRollback(record.projectKey, null);
    return;
  }
  if ((await deps.store.slots.candidate(record.projectKey)) === record.versionId)
    await deps.store.slots.clearCandidate(record.projectKey);
}

/** A step that cannot finish yet says why and when to look again; the worker records it and ends. */
interface Waiting {
  wait: { why: string; retryInSeconds: number };
}

function waitFor(why: string, retryInSeconds: number): Waiting {
  return { wait: { why, retryInSeconds } };
}

/**
 * Advances the release as far as it can go now. `version` may be passed when the caller already
 * read it (the scheduled trigger reads every candidate's version in one call).
 */
export async function advanceRelease(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  version?: JiraVersion,
): Promise<AdvanceOutcome> {
  const outcome = await tryWithReleaseLock(deps, versionId, (lease) =>
    advanceHeld(deps, ctx, versionId, lease, version),
  );
  return outcome.ran ? outcome.value : { ran: false, state: null, leaseExpiresAt: outcome.expiresAt };
}

type HeldOutcome = Extract<AdvanceOutcome, { ran: true }>;

async function advanceHeld(
  deps: Deps,
  ctx: CallContext,
  versionId: string,
  lease: Lease,
  given?: JiraVersion,
): Promise<HeldOutcome> {
  const loaded = await deps.store.releases.get(ctx.projectKey, versionId);
  if (!loaded) return { ran: true, state: null };
  const clients = await projectClients(deps, ctx.projectKey);
  if (loaded.released) {
    await freeSlot(deps, ctx, clients.config, loaded);
    return { ran: true, state: loaded.deploy };
  }
  let record: ReleaseRecord = loaded;

  const save = async (next: ReleaseRecord) => {
    record = { ...next, updatedAt: deps.clock.now() };
    await deps.store.releases.put(record);
  };
  const move = async (event: DeployEvent, detail: string, extra: Partial<ReleaseRecord> = {}) => {
    await save({ ...record, ...extra, deploy: transition(record.deploy, event, deps.clock.now()) });
    await deps.store.audit.append(versionId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: `deploy.${event.type}`,
      detail,
    });
    await reportDeployOutcome(deps, ctx.actor, clients.config, record);
  };

  // Content still being composed: nothing to approve yet (native approvals meanwhile are recorded
  // against the empty content when it is recorded, so they show as stale).
  if (record.composing) return { ran: true, state: record.deploy };
  if (record.deploy.kind === 'open') {
    const version = given ?? (await deps.jiraAsApp.getVersion(versionId));
    const approved = await checkApprovals(deps, clients.config, record, version);
    if (JSON.stringify(approved.record.jiraSeen) !== JSON.stringify(record.jiraSeen))
      await deps.store.releases.put(approved.record);
    record = approved.record;
    if (!approved.satisfied) return { ran: true, state: record.deploy };
    await move(
      { type: 'policySatisfied', contentHash: record.candidate.contentHash },
      `Approval policy satisfied for content ${record.candidate.contentHash.slice(0, 12)}`,
    );
  }

  const worker: StepContext = { deps, ctx, clients, save, stagingChecked: false };
  for (let step = nextStep(record.deploy); step !== null; step = nextStep(record.deploy)) {
    // A lease lost to a takeover (this invocation stalled past it): the new holder goes on from here.
    if (!lease.held()) return { ran: true, state: record.deploy };
    try {
      const done = await runStep(step, worker, record);
      if (done === 'reopened') {
        // The refresh wrote the recomputed candidate (and the reopened state) itself.
        record = (await deps.store.releases.get(ctx.projectKey, versionId)) ?? record;
        logStep(deps, record, step, 'reopened');
        return { ran: true, state: record.deploy };
      }
      if ('wait' in done) {
        const { why, retryInSeconds } = done.wait;
        logStep(deps, record, step, 'waiting', { retryInSeconds });
        // Each check while waiting would say the same thing again: the log keeps the first.
        const [last] = (await deps.store.audit.page(versionId, 1)).entries;
        if (last?.action !== 'deploy.waiting' || last.detail !== why) {
          await deps.store.audit.append(versionId, {
            at: deps.clock.now(),
            actor: ctx.actor,
            action: 'deploy.waiting',
            detail: why,
          });
        }
        return { ran: true, state: record.deploy, waiting: done.wait };
      }
      await move(done.event, done.detail, done.extra);
      logStep(deps, record, step, 'done');
      if (record.deploy.kind === 'released') await freeSlot(deps, ctx, clients.config, record);
    } catch (error) {
      const failure = toAppError(error);
      const transient = failure.transient || failure.maybeApplied;
      // An upstream may quote a token of another system back; the stored reason is shown to people.
      const reason = redact(failure.message, deps.log.secrets());
      await move(
        { type: 'stepFailed', step, reason, transient },
        `Step ${step} failed${transient ? ' (will retry)' : ''}: ${reason}`,
      );
      logStep(deps, record, step, 'failed', { code: failure.code, transient });
      return { ran: true, state: record.deploy };
    }
  }
  return { ran: true, state: record.deploy };
}

/** One log line per deploy step: which release, which step, how it ended, and the run when there is one. */
function logStep(
  deps: Deps,
  record: ReleaseRecord,
  step: DeployStep,
  result: string,
  extra: Record<string, string | number | boolean> = {},
): void {
  deps.log.log(result === 'failed' ? 'warn' : 'info', 'deploy.step', {
    release: record.versionId,
    project: record.projectKey,
    step,
    result,
    state: record.deploy.kind,
    runId: dispatchedRun(record.deploy)?.runId ?? null,
    ...extra,
  });
}

async function checkApprovals(
  deps: Deps,
  config: ProjectConfig,
  record: ReleaseRecord,
  version: JiraVersion,
): Promise<{ record: ReleaseRecord; satisfied: boolean }> {
  const recorded = await deps.store.decisions.latest(record.versionId);
  const status = await approvalStatus(deps, config, record, recorded, version, new Map());
  await recordJiraDecisions(deps, record.versionId, status.unrecorded);
  return { record: { ...record, jiraSeen: status.seen }, satisfied: status.evaluation.satisfied };
}

type StepResult = { event: DeployEvent; detail: string; extra?: Partial<ReleaseRecord> } | Waiting | 'reopened';

/** What every step of one invocation shares. */
interface StepContext {
  deps: Deps;
  ctx: CallContext;
  clients: ProjectClients;
  save: (next: ReleaseRecord) => Promise<void>;
  /** Staging was found running the approved fingerprints in this invocation (before attesting). */
  stagingChecked: boolean;
}

async function runStep(step: DeployStep, worker: StepContext, record: ReleaseRecord): Promise<StepResult> {
  const { deps, ctx, clients, save } = worker;
  switch (step) {
    case 'attest':
      if ((await reopenIfStagingMoved(worker, record)) === 'reopened') return 'reopened';
      return attest(deps, ctx, clients, record, save);
    case 'dispatch':
      return dispatch(worker, record);
    case 'follow':
      return follow(clients, record, save);
    case 'verify':
      return verify(deps, clients, record, save);
    case 'release':
      return release(deps, record, save);
  }
}

/**
 * The approvals are for the content staging ran when they were given. If staging runs something
 * else now, nothing is attested or dispatched: the candidate is recomputed and the approvals go stale.
 */
async function reopenIfStagingMoved(worker: StepContext, record: ReleaseRecord): Promise<'reopened' | 'same'> {
  const { deps, ctx, clients } = worker;
  // A rollback ships what an earlier release shipped, not what staging runs.
  if (record.rollback) {
    worker.stagingChecked = true;
    return 'same';
  }
  const staging = await latestSnapshot(clients.config, clients.kosli, 'staging');
  const drift = mismatchesIn(
    'staging',
    record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })),
    staging.artifacts,
  );
  if (drift.length === 0) {
    worker.stagingChecked = true;
    return 'same';
  }
  await refreshHeld(deps, ctx, record.versionId);
  await deps.store.audit.append(record.versionId, {
    at: deps.clock.now(),
    actor: ctx.actor,
    action: 'deploy.stale',
    detail: `Staging no longer runs the approved content (${drift.join('; ')}): nothing was attested or dispatched, and the approvals are stale`,
  });
  return 'reopened';
}

/** `custom:approval-jira` on the release trail and on each artifact's build trail, by fingerprint. */
async function attest(
  deps: Deps,
  ctx: CallContext,
  { config, kosli }: ProjectClients,
  record: ReleaseRecord,
  save: (r: ReleaseRecord) => Promise<void>,
): Promise<StepResult> {
  const hash = record.candidate.contentHash;
  const [version, recorded] = await Promise.all([
    deps.jiraAsApp.getVersion(record.versionId),
    deps.store.decisions.latest(record.versionId),
  ]);
  const status = await approvalStatus(deps, config, record, recorded, version, new Map());
  // Only the approvals that count go in: Kosli's jq rule requires every listed approver to be APPROVED.
  const approvers: ApprovalApprover[] = status.evaluation.approvers
    .filter((a) => a.current === 'approved')
    .map((a) => {
      const user = status.users.get(a.accountId);
      const comment = a.latest?.reason;
      return {
        accountId: a.accountId,
        displayName: user?.displayName ?? a.accountId,
        emailAddress: user?.emailAddress ?? '',
        status: 'APPROVED',
        ...(comment ? { comment } : {}),
      };
    });
  const data = approvalAttestation({
    version: { id: record.versionId, name: record.name, projectId: record.projectId, description: version.description },
    approvers,
    contentHash: hash,
    releasePage: ctx.links.releasePage(record.projectKey, record.versionId),
    marks: approvalMarks(record, (id) => status.users.get(id)?.displayName ?? id),
  });
  const annotations = {
    Approver: approvers
      .map((a) => a.displayName)
      .join(', ')
      .slice(0, 200),
    ContentHash: hash,
    ReleaseKind: record.rollback ? 'rollback' : 'forward',
    ...(record.rollback ? { RollbackTo: record.rollback.toVersionName.slice(0, 200) } : {}),
    ...(record.emergency ? { Emergency: record.emergency.reason.slice(0, 200) } : {}),
  };
  const targets = [
    {
      id: 'release',
      flow: config.kosli.releaseFlow,
      trail: record.versionId,
      fingerprint: undefined as string | undefined,
    },
    ...record.candidate.apps.map((app) => ({
      id: `app:${app.name}`,
      flow: app.to.flow,
      trail: app.to.trail,
      fingerprint: app.to.fingerprint as string | undefined,
    })),
  ];
  let done = record.attestedFor?.contentHash === hash ? [...record.attestedFor.targets] : [];
  const todo = targets.filter((target) => !done.includes(target.id));
  // A crash after Kosli accepted but before we saved would otherwise attest twice: look first, in one round.
  const existing = await Promise.all(
    todo.map((target) => kosli.trailAttestations(target.flow, target.trail, 'release-approval')),
  );
  for (const [i, target] of todo.entries()) {
    const already = (existing[i] ?? []).some(
      (a) =>
        a.userData?.['contentHash'] === hash &&
        (target.fingerprint === undefined || a.userData?.['fingerprint'] === target.fingerprint),
    );
    if (!already) {
      await kosli.attestCustom({
        flow: target.flow,
        trail: target.trail,
        name: 'release-approval',
        typeName: 'approval-jira',
        data,
        ...(target.fingerprint ? { fingerprint: target.fingerprint } : {}),
        annotations,
        userData: {
          contentHash: hash,
          versionId: record.versionId,
          ...(target.fingerprint ? { fingerprint: target.fingerprint } : {}),
        },
        externalUrls: { JiraRelease: ctx.links.jiraRelease(record.projectKey, record.versionId) },
      });
    }
    done = [...done, target.id];
    await save({ ...record, attestedFor: { contentHash: hash, targets: done } });
  }
  return {
    event: { type: 'attested' },
    detail: `Attested release-approval (${approvers.map((a) => a.displayName).join(', ')}) on ${targets.length} Kosli trail(s)`,
  };
}

/** Dispatches the prod workflow with the approved commits, never a fresh read of staging. */
async function dispatch(worker: StepContext, given: ReleaseRecord): Promise<StepResult> {
  const { deps, clients, save } = worker;
  const { config, github } = clients;
  let record = given;
  const workflow = config.github.prodWorkflow;
  const pending = record.pendingDispatch;
  if (pending) {
    const run = await github.findDispatchedRun({ workflow, requestId: pending.requestId, since: pending.since });
    if (run) {
      return {
        event: { type: 'dispatched', runId: run.id, runUrl: run.htmlUrl, requestId: pending.requestId },
        detail: `Found the deploy run ${run.id} of an earlier dispatch (request ${pending.requestId})`,
        extra: { pendingDispatch: null },
      };
    }
    const waited = Date.parse(deps.clock.now()) - Date.parse(pending.since);
    if (waited < DISPATCH_GRACE_MS) {
      return waitFor(
        `A dispatch (request ${pending.requestId}) may have started a run; looking for it before dispatching again`,
        Math.max(RUN_POLL_SECONDS, Math.ceil((DISPATCH_GRACE_MS - waited) / 1000 / 3)),
      );
    }
    // No run after the grace period: that dispatch did not happen. Settled, so the content may change.
    await save({ ...record, pendingDispatch: null });
    record = { ...record, pendingDispatch: null };
  }
  // Attested in an earlier invocation (a crash, a fault): staging may have moved meanwhile. (An
  // approval attested for content that then does not ship is the lesser harm of the two orders.)
  if (!worker.stagingChecked && (await reopenIfStagingMoved(worker, record)) === 'reopened') return 'reopened';

  // GitHub's clock may lag ours: look for the run from a minute before we sent it.
  const requestId = `rg-${record.versionId}-${deps.newId().slice(0, 12)}`;
  await save({
    ...record,
    pendingDispatch: { requestId, since: new Date(Date.parse(deps.clock.now()) - 60_000).toISOString() },
  });
  const inputs = buildDeployInputs({
    requestId,
    releaseId: record.versionId,
    environment: 'prod',
    kosliEnvironment: config.kosli.environments.prod,
    tagPattern: config.github.tagPattern,
    artifacts: record.candidate.apps.map((app) => ({
      app: app.name,
      commit: app.to.commit,
      fingerprint: app.to.fingerprint,
    })),
  });
  const result = await github.dispatchWorkflow({ workflow, ref: config.github.ref, inputs, requestId });
  return {
    event: { type: 'dispatched', runId: result.runId, runUrl: result.htmlUrl, requestId },
    detail: `Dispatched ${workflow} on ${config.github.ref} (run ${result.runId}) with ${record.candidate.apps.map((a) => `${a.name}@${a.to.commit.slice(0, 7)}`).join(', ')}`,
    extra: { pendingDispatch: null },
  };
}

/** Looks at the run once: concluded, or still going (the caller looks again after a delay). */
async function follow(
  { github }: ProjectClients,
  record: ReleaseRecord,
  save: (r: ReleaseRecord) => Promise<void>,
): Promise<StepResult> {
  const run = dispatchedRun(record.deploy);
  if (!run) throw new AppError('INTERNAL', 'No run recorded for a dispatched release.');
  const current = await github.getRun(run.runId);
  if (current.status === 'completed') {
    await save({ ...record, run: { status: current.status, conclusion: current.conclusion } });
    if (current.conclusion === 'success')
      return { event: { type: 'runSucceeded' }, detail: `Deploy run ${run.runId} succeeded` };
    throw new AppError(
      'POLICY_FAILED',
      `The deploy run ${run.runId} concluded "${current.conclusion ?? 'unknown'}": see ${current.htmlUrl}. Fix the cause, then retry.`,
    );
  }
  if (record.run?.status !== current.status)
    await save({ ...record, run: { status: current.status, conclusion: null } });
  return waitFor(`Deploy run ${run.runId} is ${current.status.replace('_', ' ')}`, RUN_POLL_SECONDS);
}

/** Prod must run exactly the approved fingerprints; the environment report may lag, so look again for a bounded time. */
async function verify(
  deps: Deps,
  { config, kosli }: ProjectClients,
  record: ReleaseRecord,
  save: (r: ReleaseRecord) => Promise<void>,
): Promise<StepResult> {
  const approved = record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint }));
  // When the deploy happened, also after transient failures of this step (the window must not restart).
  const live = record.deploy.kind === 'failed' ? record.deploy.from : record.deploy;
  const deployedAt = live.kind === 'deployed' ? live.at : deps.clock.now();
  const prod = await latestSnapshot(config, kosli, 'prod');
  const mismatches = mismatchesIn('prod', approved, prod.artifacts);
  const checkedAt = deps.clock.now();
  await save({ ...record, verification: { ok: mismatches.length === 0, checkedAt, mismatches } });
  if (mismatches.length === 0)
    return {
      event: { type: 'verified' },
      detail: `Prod runs exactly the approved artifacts (snapshot #${prod.index})`,
    };
  if (Date.parse(checkedAt) - Date.parse(deployedAt) > deps.timing.verifyWindowMs) {
    throw new AppError(
      'POLICY_FAILED',
      `Prod does not run the approved content ${Math.round(deps.timing.verifyWindowMs / 60000)} min after the deploy: ${mismatches.join('; ')}`,
    );
  }
  return waitFor(`Waiting for prod to report the approved artifacts: ${mismatches.join('; ')}`, VERIFY_POLL_SECONDS);
}

async function release(
  deps: Deps,
  record: ReleaseRecord,
  save: (r: ReleaseRecord) => Promise<void>,
): Promise<StepResult> {
  const run = dispatchedRun(record.deploy);
  if (run?.runUrl && !record.runLinked) {
    await deps.jiraAsApp.addRelatedWork(record.versionId, {
      category: 'Deployment',
      title: `Deploy run ${run.runId}`,
      url: run.runUrl,
    });
    await save({ ...record, runLinked: true });
  }
  const releaseDate = deps.clock.now().slice(0, 10);
  await deps.jiraAsApp.releaseVersion(record.versionId, releaseDate);
  // The candidate slot is freed only after `released` is saved (advanceHeld), so a crash here resumes.
  return {
    event: { type: 'released', releaseDate },
    detail: `Jira version ${record.name} released on ${releaseDate}`,
    extra: { released: true, releaseDate },
  };
}
