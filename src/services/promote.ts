/**
 * Promote dev → staging: what runs in dev, asserted against staging's Kosli policies, deployed by
 * the staging workflow. One failed assert and nothing is dispatched; the answer says which
 * artifact failed which rule.
 */
import { AppError } from '../errors';
import { buildDeployInputs } from '../github/deploy-inputs';
import type { PromoteResult } from '../contract';
import type { CallContext, Deps } from './deps';
import { latestSnapshot, projectClients } from './project-clients';

export async function promoteToStaging(deps: Deps, ctx: CallContext): Promise<PromoteResult> {
  const { config, kosli, github } = await projectClients(deps, ctx.projectKey);
  const dev = await latestSnapshot(config, kosli, 'dev');
  const apps = config.apps.flatMap((app) => {
    const artifact = dev.artifacts.find((a) => a.name === app.name);
    return artifact ? [{ app: app.name, artifact }] : [];
  });
  if (apps.length === 0)
    throw new AppError(
      'NOTHING_TO_RELEASE',
      `Nothing of ${config.apps.map((a) => a.name).join(', ')} runs in ${config.kosli.environments.dev}.`,
    );
  const unknown = apps.filter(({ artifact }) => artifact.commit === null);
  if (unknown.length > 0) {
    throw new AppError(
      'NO_PROVENANCE',
      `No provenance in Kosli for ${unknown.map((u) => u.app).join(', ')} running in dev: it cannot be promoted.`,
    );
  }

  const staging = config.kosli.environments.staging;
  const asserts = await Promise.all(apps.map(({ artifact }) => kosli.assertArtifact(artifact.fingerprint, staging)));
  const failures = asserts.flatMap((result, i) =>
    result.compliant
      ? []
      : result.failures.map((f) => ({
          app: apps[i]?.app ?? '?',
          commit: apps[i]?.artifact.commit ?? null,
          policy: f.policy,
          rule: f.rule,
          resolutions: f.resolutions,
        })),
  );
  if (failures.length > 0) {
    const lines = failures.map(
      (f) => `${f.app}: ${f.policy} / ${f.rule}${f.resolutions.length ? ` (${f.resolutions.join('; ')})` : ''}`,
    );
    throw new AppError('POLICY_FAILED', `Not promoted: staging's Kosli policies refuse ${lines.join(', ')}.`, {
      details: { failures },
    });
  }

  const requestId = `rg-staging-${deps.newId().slice(0, 12)}`;
  const artifacts = apps.map(({ app, artifact }) => ({
    app,
    commit: artifact.commit ?? '',
    fingerprint: artifact.fingerprint,
  }));
  const inputs = buildDeployInputs({
    requestId,
    releaseId: null,
    environment: 'staging',
    kosliEnvironment: staging,
    tagPattern: config.github.tagPattern,
    artifacts,
  });
  const run = await github.dispatchWorkflow({
    workflow: config.github.stagingWorkflow,
    ref: config.github.ref,
    inputs,
    requestId,
  });
  const openId = await deps.store.slots.candidate(ctx.projectKey);
  if (openId) {
    await deps.store.audit.append(openId, {
      at: deps.clock.now(),
      actor: ctx.actor,
      action: 'staging.promoted',
      detail: `Promoted dev to staging (run ${run.runId}): ${artifacts.map((a) => `${a.app}@${a.commit.slice(0, 7)}`).join(', ')}`,
    });
  }
  return {
    runId: run.runId,
    runUrl: run.htmlUrl,
    apps: artifacts.map((a) => ({ name: a.app, commit: a.commit, fingerprint: a.fingerprint })),
  };
}
