/**
 * The contract between the app and the deploy workflow it ships
 * (github/workflows/kosli-release-gate-deploy.yml): the `workflow_dispatch` inputs, built here and
 * nowhere else, so the deploy and promote code and the workflow cannot disagree. A test checks that
 * the workflow declares exactly these input names.
 */
import { AppError } from '../errors';

/** The inputs the deploy workflow declares, in the order it declares them. */
export const DEPLOY_INPUT_NAMES = [
  'request_id',
  'release_id',
  'environment',
  'artifacts',
  'kosli_environment',
  'tag_pattern',
] as const;
export type DeployInputName = (typeof DEPLOY_INPUT_NAMES)[number];

/** The workflow's default `tag_pattern`: the app's own default, so both name tags alike (`tagName` in the core). */
export { DEFAULT_TAG_PATTERN } from '../release/config';

export type DeployEnvironment = 'staging' | 'prod';

export interface DeployArtifact {
  /** The app name, as the artifact is named in Kosli snapshots. */
  app: string;
  /** The commit to deploy, 40 hex. */
  commit: string;
  /** The artifact's sha256, 64 hex: the workflow asserts it against the Kosli environment first. */
  fingerprint: string;
}

export interface DeployRequest {
  /** Unique per dispatch; the workflow puts it in its run-name so a run can be found without a run id. */
  requestId: string;
  /** The Jira version id; null for a staging promotion that belongs to no release yet. */
  releaseId: string | null;
  environment: DeployEnvironment;
  kosliEnvironment: string;
  tagPattern: string;
  /** Exactly the apps to deploy (a partial release or a rollback lists fewer); the workflow leaves the others alone. */
  artifacts: DeployArtifact[];
}

// The same rules the workflow applies to its inputs before using them (they come from outside).
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$/;
const RELEASE_ID = /^[A-Za-z0-9._-]{1,100}$/;
const APP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const COMMIT = /^[0-9a-f]{40}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const KOSLI_ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const TAG_PATTERN = /^[A-Za-z0-9{}._-]{1,100}$/;

function invalid(message: string): AppError {
  return new AppError('INVALID_INPUT', `Cannot build the deploy request: ${message}`);
}

/**
 * The `workflow_dispatch` inputs for one deploy. Pure; throws INVALID_INPUT when a value would be
 * refused by the workflow's own validation, so a bad request fails here and not in a GitHub run.
 */
export function buildDeployInputs(request: DeployRequest): Record<DeployInputName, string> {
  if (!REQUEST_ID.test(request.requestId))
    throw invalid(`request id "${request.requestId}" must be 8-100 letters, digits, ".", "_", ":" or "-".`);
  if (request.releaseId !== null && !RELEASE_ID.test(request.releaseId))
    throw invalid(`release id "${request.releaseId}" is not a Jira version id.`);
  if (request.environment !== 'staging' && request.environment !== 'prod')
    throw invalid(`environment must be staging or prod.`);
  if (!KOSLI_ENVIRONMENT.test(request.kosliEnvironment))
    throw invalid(`"${request.kosliEnvironment}" is not a Kosli environment name.`);
  if (
    !TAG_PATTERN.test(request.tagPattern) ||
    !request.tagPattern.includes('{env}') ||
    !request.tagPattern.includes('{app}')
  ) {
    throw invalid(
      `tag pattern "${request.tagPattern}" must contain {env} and {app} and only letters, digits, ".", "_", "-".`,
    );
  }
  if (request.artifacts.length === 0) throw invalid('there is no artifact to deploy.');
  const seen = new Set<string>();
  for (const artifact of request.artifacts) {
    if (!APP.test(artifact.app))
      throw invalid(`app name "${artifact.app}" may use letters, digits, ".", "_" and "-" only.`);
    if (seen.has(artifact.app)) throw invalid(`app "${artifact.app}" is listed twice.`);
    seen.add(artifact.app);
    if (!COMMIT.test(artifact.commit))
      throw invalid(`the commit of "${artifact.app}" must be 40 lowercase hex characters.`);
    if (!FINGERPRINT.test(artifact.fingerprint))
      throw invalid(`the fingerprint of "${artifact.app}" must be 64 lowercase hex characters.`);
  }
  // Sorted by app and with a fixed key order, so the same deploy always produces the same input.
  const artifacts = [...request.artifacts]
    .sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0))
    .map(({ app, commit, fingerprint }) => ({ app, commit, fingerprint }));
  return {
    request_id: request.requestId,
    release_id: request.releaseId ?? '',
    environment: request.environment,
    artifacts: JSON.stringify(artifacts),
    kosli_environment: request.kosliEnvironment,
    tag_pattern: request.tagPattern,
  };
}
