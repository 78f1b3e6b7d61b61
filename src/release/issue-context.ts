/**
 * Where an issue's commits run, per environment: the rule behind the issue panel. Pure: the caller
 * reads the release the issue belongs to, the latest snapshots and what was verified, and passes them.
 *
 * An environment holds the issue's commits for an app when it runs the release's build of that app,
 * or a build of a later commit than the release's last commit touching the app (main is linear, as
 * the candidate assumes). It does not when it runs the build the release replaces, or an older one.
 */
import type { EnvironmentRole, EnvironmentSnapshot } from './types';

export interface IssueReleaseApp {
  name: string;
  /** The build the release ships, and the one it replaces (null on the app's first release). */
  to: { fingerprint: string; commit: string };
  from: { fingerprint: string } | null;
  /** Date (ISO) of the release's last commit touching the app; null when not recorded. */
  lastCommitAt: string | null;
}

export interface EnvironmentEvidence {
  role: EnvironmentRole;
  environment: string;
  snapshot: EnvironmentSnapshot;
  /** When the app verified the release running here and reported it to Jira; null when it did not. */
  verifiedAt: string | null;
}

export type Holds = 'yes' | 'no' | 'unknown';

export interface AppInEnvironment {
  app: string;
  holds: Holds;
  exact: boolean;
  fingerprint: string;
  commit: string | null;
  compliant: boolean | null;
  kosliUrl: string | null;
}

export interface IssueInEnvironment {
  role: EnvironmentRole;
  environment: string;
  status: 'running' | 'not-running' | 'unknown';
  summary: string;
  apps: AppInEnvironment[];
  since: string | null;
  sinceSource: 'verified' | 'snapshot' | null;
  snapshotIndex: number;
}

const short = (commit: string | null): string => (commit ? commit.slice(0, 7) : 'unknown commit');

function judge(app: IssueReleaseApp, snapshot: EnvironmentSnapshot): AppInEnvironment | null {
  const artifact = snapshot.artifacts.find((a) => a.name === app.name);
  if (!artifact) return null;
  const exact = artifact.fingerprint === app.to.fingerprint;
  let holds: Holds;
  if (exact) holds = 'yes';
  else if (artifact.fingerprint === app.from?.fingerprint) holds = 'no';
  else if (artifact.commitTimestamp === null || app.lastCommitAt === null) holds = 'unknown';
  else holds = artifact.commitTimestamp * 1000 >= Date.parse(app.lastCommitAt) ? 'yes' : 'no';
  return {
    app: app.name,
    holds,
    exact,
    fingerprint: artifact.fingerprint,
    commit: artifact.commit,
    compliant: artifact.compliant,
    kosliUrl: artifact.htmlUrl,
  };
}

function compliance(app: AppInEnvironment): string {
  return app.compliant === true
    ? 'Kosli compliant'
    : app.compliant === false
      ? 'NOT compliant in Kosli'
      : 'no Kosli compliance verdict';
}

export function issueInEnvironment(
  issueKey: string,
  apps: readonly IssueReleaseApp[],
  evidence: EnvironmentEvidence,
): IssueInEnvironment {
  const { role, environment, snapshot } = evidence;
  const base = { role, environment, snapshotIndex: snapshot.index };
  if (snapshot.index === 0) {
    return {
      ...base,
      status: 'unknown',
      summary: `${environment} has never reported to Kosli: no evidence of what runs there.`,
      apps: [],
      since: null,
      sinceSource: null,
    };
  }
  const judged = apps.map((app) => ({ app, found: judge(app, snapshot) }));
  const seen = judged.flatMap(({ found }) => (found ? [found] : []));
  const absent = judged.filter(({ found }) => !found).map(({ app }) => app.name);
  const unknown = seen.filter((a) => a.holds === 'unknown').map((a) => a.app);
  const missing = [...absent, ...seen.filter((a) => a.holds === 'no').map((a) => a.app)];
  const describe = seen
    .map((a) => `${a.app} ${short(a.commit)}${a.exact ? '' : ' (a later build)'}, ${compliance(a)}`)
    .join('; ');
  if (missing.length === 0 && unknown.length === 0) {
    const allExact = seen.every((a) => a.exact);
    const verified = allExact && evidence.verifiedAt !== null;
    return {
      ...base,
      status: 'running',
      summary: `${issueKey} runs in ${environment}: ${describe}.`,
      apps: seen,
      since: verified ? evidence.verifiedAt : snapshot.takenAt,
      sinceSource: verified ? 'verified' : snapshot.takenAt ? 'snapshot' : null,
    };
  }
  if (missing.length === 0) {
    return {
      ...base,
      status: 'unknown',
      summary: `Cannot tell whether ${issueKey} runs in ${environment}: Kosli has no provenance (commit) for ${unknown.join(', ')} there.`,
      apps: seen,
      since: null,
      sinceSource: null,
    };
  }
  const why =
    absent.length > 0
      ? `${absent.join(', ')} does not run there`
      : `it runs a build from before ${issueKey}'s commits (${missing.join(', ')})`;
  return {
    ...base,
    status: 'not-running',
    summary: `${issueKey} is not in ${environment} yet: ${why}.`,
    apps: seen,
    since: null,
    sinceSource: null,
  };
}
