/**
 * Advances one release through its deploy state machine, one persisted step at a time, under the
 * release's lock. Run by the queue consumer (after an approval completes the policy) and by the
 * scheduled trigger (native Jira approvals, releases in flight, transient failures). Every step
 * writes its outcome before the next begins, so a crash resumes where it stopped and no step that
 * completed is repeated: no second dispatch, no duplicate approval attestation.
 */
import { AppError, toAppError } from '../errors';
import { buildDeployInputs } from '../github/deploy-inputs';
import type { JiraVersion } from '../jira/types';
import { approvalAttestation, type ApprovalApprover } from '../release/attestations';
import type { ProjectConfig } from '../release/config';
import { dispatchedRun, nextStep, transition, verifyProd, type DeployEvent } from '../release/deploy-state';
import type { DeployState, DeployStep } from '../release/types';
import type { ReleaseRecord } from '../store/release-store';
import { approvalStatus, recordJiraDecisions } from './approval-status';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients, type ProjectClients } from './project-clients';
import { refreshHeld } from './refresh-candidate';
import { tryWithReleaseLock } from './release-lock';

/** A dispatch that errored may still have started a run: look for it this long before sending again. */
const DISPATCH_GRACE_MS = 180_000;
/** Polls start quick (a run often ends in seconds) and slow down to this. */
const MAX_POLL_MS = 15_000;

export interface AdvanceOutcome {
  /** False when another worker held the release's lock. */
  ran: boolean;
  state: DeployState | null;
}

/** Frees the project's candidate slot once its release is released (a new candidate may start). */
async function freeSlot(deps: Deps, record: ReleaseRecord): Promise<void> {
  if ((await deps.store.openCandidateId(record.projectKey)) === record.versionId) await deps.store.clearCandidateSlot(record.projectKey);
}

class Waiting {
  constructor(readonly why: string) {}
}

/**
 * Advances the release as far as it can go now. `version` may be passed when the caller already
 * read it (the scheduled trigger reads every candidate's version in one call).
 */
export async function advanceRelease(deps: Deps, ctx: CallContext, versionId: string, version?: JiraVersion): Promise<AdvanceOutcome> {
  const outcome = await tryWithReleaseLock(deps, versionId, () => advanceHeld(deps, ctx, versionId, version));
  return outcome.ran ? { ran: true, state: outcome.value } : { ran: false, state: null };
}

async function advanceHeld(deps: Deps, ctx: CallContext, versionId: string, given?: JiraVersion): Promise<DeployState | null> {
  const loaded = await deps.store.getRelease(ctx.projectKey, versionId);
  if (!loaded) return null;
  if (loaded.released) {
    await freeSlot(deps, loaded);
    return loaded.deploy;
  }
  let record: ReleaseRecord = loaded;
  const clients = await projectClients(deps, ctx.projectKey);

  const save = async (next: ReleaseRecord) => {
    record = { ...next, updatedAt: deps.clock.now() };
    await deps.store.putRelease(record);
  };
  const move = async (event: DeployEvent, detail: string, extra: Partial<ReleaseRecord> = {}) => {
    await save({ ...record, ...extra, deploy: transition(record.deploy, event, deps.clock.now()) });
    await deps.store.audit(versionId, { at: deps.clock.now(), actor: ctx.actor, action: `deploy.${event.type}`, detail });
  };

  if (record.deploy.kind === 'open') {
    const version = given ?? (await deps.jiraAsApp.getVersion(versionId));
    const approved = await checkApprovals(deps, clients.config, record, version);
    if (JSON.stringify(approved.record.jiraSeen) !== JSON.stringify(record.jiraSeen)) await deps.store.putRelease(approved.record);
    record = approved.record;
    if (!approved.satisfied) return record.deploy;
    await move({ type: 'policySatisfied', contentHash: record.candidate.contentHash }, `Approval policy satisfied for content ${record.candidate.contentHash.slice(0, 12)}`);
  }

  // One budget for the whole invocation, however many steps wait on it.
  const deadline = Date.now() + deps.timing.followRunForMs;
  for (let step = nextStep(record.deploy); step !== null; step = nextStep(record.deploy)) {
    try {
      const done = await runStep(step, deps, ctx, clients, record, save, deadline);
      if (done === 'reopened') return record.deploy;
      await move(done.event, done.detail, done.extra);
      if (record.deploy.kind === 'released') await freeSlot(deps, record);
    } catch (error) {
      if (error instanceof Waiting) {
        // Each check while waiting would say the same thing again: the log keeps the first.
        const last = (await deps.store.auditLog(versionId)).at(-1);
        if (last?.action !== 'deploy.waiting' || last.detail !== error.why) {
          await deps.store.audit(versionId, { at: deps.clock.now(), actor: ctx.actor, action: 'deploy.waiting', detail: error.why });
        }
        return record.deploy;
      }
      const failure = toAppError(error);
      const transient = failure.transient || failure.maybeApplied;
      await move({ type: 'stepFailed', step, reason: failure.message, transient }, `Step ${step} failed${transient ? ' (will retry)' : ''}: ${failure.message}`);
      return record.deploy;
    }
  }
  return record.deploy;
}

async function checkApprovals(deps: Deps, config: ProjectConfig, record: ReleaseRecord, version: JiraVersion): Promise<{ record: ReleaseRecord; satisfied: boolean }> {
  const recorded = await deps.store.decisions(record.versionId);
  const status = await approvalStatus(deps, config, record, recorded, version, new Map());
  await recordJiraDecisions(deps, record.versionId, status.unrecorded);
  return { record: { ...record, jiraSeen: status.seen }, satisfied: status.evaluation.satisfied };
}

type StepResult = { event: DeployEvent; detail: string; extra?: Partial<ReleaseRecord> } | 'reopened';

async function runStep(
  step: DeployStep,
  deps: Deps,
  ctx: CallContext,
  clients: ProjectClients,
  record: ReleaseRecord,
  save: (next: ReleaseRecord) => Promise<void>,
  deadline: number,
): Promise<StepResult> {
  switch (step) {
    case 'attest':
      return attest(deps, ctx, clients, record, save);
    case 'dispatch':
      return dispatch(deps, ctx, clients, record, save);
    case 'follow':
      return follow(deps, clients, record, save, deadline);
    case 'verify':
      return verify(deps, clients, record, save, deadline);
    case 'release':
      return release(deps, record, save);
  }
}

/** `custom:approval-jira` on the release trail and on each artifact's build trail, by fingerprint. */
async function attest(deps: Deps, ctx: CallContext, { config, kosli }: ProjectClients, record: ReleaseRecord, save: (r: ReleaseRecord) => Promise<void>): Promise<StepResult> {
  const hash = record.candidate.contentHash;
  const [version, recorded] = await Promise.all([deps.jiraAsApp.getVersion(record.versionId), deps.store.decisions(record.versionId)]);
  const status = await approvalStatus(deps, config, record, recorded, version, new Map());
  // Only the approvals that count go in: Kosli's jq rule requires every listed approver to be APPROVED.
  const approvers: ApprovalApprover[] = status.evaluation.approvers
    .filter((a) => a.current === 'approved')
    .map((a) => {
      const user = status.users.get(a.accountId);
      const comment = a.latest?.reason;
      return { accountId: a.accountId, displayName: user?.displayName ?? a.accountId, emailAddress: user?.emailAddress ?? '', status: 'APPROVED', ...(comment ? { comment } : {}) };
    });
  const data = approvalAttestation({
    version: { id: record.versionId, name: record.name, projectId: record.projectId, description: version.description },
    approvers,
    contentHash: hash,
    releasePage: ctx.links.releasePage(record.projectKey, record.versionId),
  });
  const annotations = { Approver: approvers.map((a) => a.displayName).join(', ').slice(0, 200), ContentHash: hash };
  const targets = [
    { id: 'release', flow: config.kosli.releaseFlow, trail: record.versionId, fingerprint: undefined as string | undefined },
    ...record.candidate.apps.map((app) => ({ id: `app:${app.name}`, flow: app.to.flow, trail: app.to.trail, fingerprint: app.to.fingerprint as string | undefined })),
  ];
  let done = record.attestedFor?.contentHash === hash ? [...record.attestedFor.targets] : [];
  const todo = targets.filter((target) => !done.includes(target.id));
  // A crash after Kosli accepted but before we saved would otherwise attest twice: look first, in one round.
  const existing = await Promise.all(todo.map((target) => kosli.trailAttestations(target.flow, target.trail, 'release-approval')));
  for (const [i, target] of todo.entries()) {
    const already = (existing[i] ?? []).some(
      (a) => a.userData?.['contentHash'] === hash && (target.fingerprint === undefined || a.userData?.['fingerprint'] === target.fingerprint),
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
        userData: { contentHash: hash, versionId: record.versionId, ...(target.fingerprint ? { fingerprint: target.fingerprint } : {}) },
        externalUrls: { JiraRelease: ctx.links.jiraRelease(record.projectKey, record.versionId) },
      });
    }
    done = [...done, target.id];
    await save({ ...record, attestedFor: { contentHash: hash, targets: done } });
  }
  return { event: { type: 'attested' }, detail: `Attested release-approval (${approvers.map((a) => a.displayName).join(', ')}) on ${targets.length} Kosli trail(s)` };
}

/** Dispatches the prod workflow with the approved commits, never a fresh read of staging. */
async function dispatch(deps: Deps, ctx: CallContext, { config, kosli, github }: ProjectClients, given: ReleaseRecord, save: (r: ReleaseRecord) => Promise<void>): Promise<StepResult> {
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
    if (Date.parse(deps.clock.now()) - Date.parse(pending.since) < DISPATCH_GRACE_MS) {
      throw new Waiting(`A dispatch (request ${pending.requestId}) may have started a run; looking for it before dispatching again`);
    }
    // No run after the grace period: that dispatch did not happen. Settled, so the content may change.
    await save({ ...record, pendingDispatch: null });
    record = { ...record, pendingDispatch: null };
  }
  const staging = await latestSnapshot(config, kosli, 'staging');
  const drift = verifyProd(record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint })), staging.artifacts);
  if (drift.length > 0) {
    // Staging moved since approval: the approvals are for content that no longer runs there.
    await refreshHeld(deps, ctx, record.versionId);
    await deps.store.audit(record.versionId, { at: deps.clock.now(), actor: ctx.actor, action: 'deploy.stale', detail: `Staging changed since approval (${drift.join('; ')}); nothing dispatched, approvals are stale` });
    return 'reopened';
  }

  // GitHub's clock may lag ours: look for the run from a minute before we sent it.
  const requestId = `rg-${record.versionId}-${deps.newId().slice(0, 12)}`;
  await save({ ...record, pendingDispatch: { requestId, since: new Date(Date.parse(deps.clock.now()) - 60_000).toISOString() } });
  const inputs = buildDeployInputs({
    requestId,
    releaseId: record.versionId,
    environment: 'prod',
    kosliEnvironment: config.kosli.environments.prod,
    tagPattern: config.github.tagPattern,
    artifacts: record.candidate.apps.map((app) => ({ app: app.name, commit: app.to.commit, fingerprint: app.to.fingerprint })),
  });
  const result = await github.dispatchWorkflow({ workflow, ref: config.github.ref, inputs, requestId });
  return {
    event: { type: 'dispatched', runId: result.runId, runUrl: result.htmlUrl, requestId },
    detail: `Dispatched ${workflow} on ${config.github.ref} (run ${result.runId}) with ${record.candidate.apps.map((a) => `${a.name}@${a.to.commit.slice(0, 7)}`).join(', ')}`,
    extra: { pendingDispatch: null },
  };
}

/** Follows the run to its conclusion, within this invocation's time budget. */
async function follow(deps: Deps, { github }: ProjectClients, record: ReleaseRecord, save: (r: ReleaseRecord) => Promise<void>, deadline: number): Promise<StepResult> {
  const run = dispatchedRun(record.deploy);
  if (!run) throw new AppError('INTERNAL', 'No run recorded for a dispatched release.');
  for (let wait = deps.timing.pollEveryMs; ; wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
    const current = await github.getRun(run.runId);
    if (current.status === 'completed') {
      await save({ ...record, run: { status: current.status, conclusion: current.conclusion } });
      if (current.conclusion === 'success') return { event: { type: 'runSucceeded' }, detail: `Deploy run ${run.runId} succeeded` };
      throw new AppError('POLICY_FAILED', `The deploy run ${run.runId} concluded "${current.conclusion ?? 'unknown'}": see ${current.htmlUrl}. Fix the cause, then retry.`);
    }
    if (record.run?.status !== current.status) await save({ ...record, run: { status: current.status, conclusion: null } });
    if (Date.now() + wait > deadline) throw new Waiting(`Deploy run ${run.runId} is ${current.status}`);
    await deps.timing.sleep(wait);
  }
}

/** Prod must run exactly the approved fingerprints; the environment report may lag, so retry for a bounded time. */
async function verify(deps: Deps, { config, kosli }: ProjectClients, record: ReleaseRecord, save: (r: ReleaseRecord) => Promise<void>, deadline: number): Promise<StepResult> {
  const approved = record.candidate.apps.map((app) => ({ name: app.name, fingerprint: app.to.fingerprint }));
  // When the deploy happened, also after transient failures of this step (the window must not restart).
  const live = record.deploy.kind === 'failed' ? record.deploy.from : record.deploy;
  const deployedAt = live.kind === 'deployed' ? live.at : deps.clock.now();
  for (let wait = deps.timing.pollEveryMs; ; wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
    const prod = await latestSnapshot(config, kosli, 'prod');
    const mismatches = verifyProd(approved, prod.artifacts);
    const checkedAt = deps.clock.now();
    await save({ ...record, verification: { ok: mismatches.length === 0, checkedAt, mismatches } });
    if (mismatches.length === 0) return { event: { type: 'verified' }, detail: `Prod runs exactly the approved artifacts (snapshot #${prod.index})` };
    if (Date.parse(checkedAt) - Date.parse(deployedAt) > deps.timing.verifyWindowMs) {
      throw new AppError('POLICY_FAILED', `Prod does not run the approved content ${Math.round(deps.timing.verifyWindowMs / 60000)} min after the deploy: ${mismatches.join('; ')}`);
    }
    if (Date.now() + wait > deadline) throw new Waiting(`Waiting for prod to report the approved artifacts: ${mismatches.join('; ')}`);
    await deps.timing.sleep(wait);
  }
}

async function release(deps: Deps, record: ReleaseRecord, save: (r: ReleaseRecord) => Promise<void>): Promise<StepResult> {
  const run = dispatchedRun(record.deploy);
  if (run?.runUrl && !record.runLinked) {
    await deps.jiraAsApp.addRelatedWork(record.versionId, { category: 'Deployment', title: `Deploy run ${run.runId}`, url: run.runUrl });
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
