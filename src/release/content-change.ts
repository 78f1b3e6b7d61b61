/**
 * What changed between two contents of a release, for an approver whose approval went stale:
 * apps added, removed or moved to another commit (with how many new commits), issues added and removed.
 */

export interface ContentState {
  apps: readonly { name: string; fingerprint: string; commit: string }[];
  issueKeys: readonly string[];
}

export interface AppChange {
  name: string;
  change: 'added' | 'removed' | 'changed';
  fromCommit: string | null;
  toCommit: string | null;
  /** Commits of the current content that the earlier content did not ship (0 when unknown). */
  addedCommits: number;
}

export interface ContentDiff {
  apps: AppChange[];
  addedKeys: string[];
  removedKeys: string[];
}

/**
 * `commitsOf(app)`: the current content's commits of an app, oldest first. The commits added to an
 * app are those after the earlier content's commit; when that commit is not among them (staging went
 * back, or history was rewritten) every current commit counts as new.
 */
export function diffContent(
  before: ContentState,
  after: ContentState,
  commitsOf: (app: string) => readonly { sha: string }[],
): ContentDiff {
  const earlier = new Map(before.apps.map((app) => [app.name, app]));
  const later = new Map(after.apps.map((app) => [app.name, app]));
  const apps: AppChange[] = [];
  for (const app of after.apps) {
    const was = earlier.get(app.name);
    const commits = commitsOf(app.name);
    if (!was) {
      apps.push({
        name: app.name,
        change: 'added',
        fromCommit: null,
        toCommit: app.commit,
        addedCommits: commits.length,
      });
    } else if (was.fingerprint !== app.fingerprint) {
      const at = commits.findIndex((commit) => commit.sha === was.commit);
      apps.push({
        name: app.name,
        change: 'changed',
        fromCommit: was.commit,
        toCommit: app.commit,
        addedCommits: at === -1 ? commits.length : commits.length - at - 1,
      });
    }
  }
  for (const app of before.apps) {
    if (!later.has(app.name))
      apps.push({ name: app.name, change: 'removed', fromCommit: app.commit, toCommit: null, addedCommits: 0 });
  }
  const keysBefore = new Set(before.issueKeys);
  const keysAfter = new Set(after.issueKeys);
  return {
    apps,
    addedKeys: after.issueKeys.filter((key) => !keysBefore.has(key)),
    removedKeys: before.issueKeys.filter((key) => !keysAfter.has(key)),
  };
}
