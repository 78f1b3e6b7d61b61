/**
 * What the shipped deploy workflow (github/workflows/kosli-release-gate-deploy.yml) does once its
 * Kosli assertions pass: check the artifacts with the workflow's own input rules, then move the tag
 * `tag_pattern` names (the app's `tagName`) for each app to its commit. The GitHub fake only runs a
 * workflow's executor; this simulation is plugged in by the world (simulation.ts) and the GitHub
 * tests. A run without these inputs just succeeds.
 */
import { z } from 'zod';
import type { RunExecutor } from '../fakes/github/world';
import { tagName } from '../../src/release/config';

// The deploy workflow's own input checks.
const DEPLOY_APP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const DEPLOY_COMMIT = /^[0-9a-f]{40}$/;
const DEPLOY_FINGERPRINT = /^[0-9a-f]{64}$/;

const deployArtifactsSchema = z
  .array(
    z.object({
      app: z.string().regex(DEPLOY_APP),
      commit: z.string().regex(DEPLOY_COMMIT),
      fingerprint: z.string().regex(DEPLOY_FINGERPRINT),
    }),
  )
  .min(1);

export const runDeployWorkflow: RunExecutor = (run, world) => {
  const { artifacts, environment, tag_pattern: tagPattern } = run.inputs;
  if (artifacts === undefined || environment === undefined || tagPattern === undefined) return 'success';
  let parsed: unknown;
  try {
    parsed = JSON.parse(artifacts);
  } catch {
    return 'failure';
  }
  const checked = deployArtifactsSchema.safeParse(parsed);
  if (!checked.success || checked.data.some((artifact) => !world.commits.has(artifact.commit))) return 'failure';
  for (const { app, commit } of checked.data) world.setRef(`tags/${tagName(tagPattern, environment, app)}`, commit);
  return 'success';
};
