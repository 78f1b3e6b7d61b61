import { describe, expect, it } from 'vitest';
import { diffContent } from '../../src/release/content-change';

const sha = (n: number) => String(n).padStart(40, '0');
const commits = (...ns: number[]) => ns.map((n) => ({ sha: sha(n) }));

describe('diffContent', () => {
  it('counts the commits after the earlier content, and lists issues added and removed', () => {
    const diff = diffContent(
      {
        apps: [
          { name: 'backend', fingerprint: 'a', commit: sha(2) },
          { name: 'frontend', fingerprint: 'f', commit: sha(9) },
        ],
        issueKeys: ['OPS-1', 'OPS-2'],
      },
      {
        apps: [
          { name: 'backend', fingerprint: 'b', commit: sha(4) },
          { name: 'frontend', fingerprint: 'f', commit: sha(9) },
        ],
        issueKeys: ['OPS-2', 'OPS-3'],
      },
      (app) => (app === 'backend' ? commits(1, 2, 3, 4) : commits(9)),
    );
    expect(diff).toEqual({
      apps: [{ name: 'backend', change: 'changed', fromCommit: sha(2), toCommit: sha(4), addedCommits: 2 }],
      addedKeys: ['OPS-3'],
      removedKeys: ['OPS-1'],
    });
  });

  it('names apps that joined or left, and counts every commit when the earlier one is gone', () => {
    const diff = diffContent(
      {
        apps: [
          { name: 'backend', fingerprint: 'a', commit: sha(7) },
          { name: 'worker', fingerprint: 'w', commit: sha(8) },
        ],
        issueKeys: [],
      },
      {
        apps: [
          { name: 'backend', fingerprint: 'b', commit: sha(3) },
          { name: 'frontend', fingerprint: 'f', commit: sha(5) },
        ],
        issueKeys: [],
      },
      (app) => (app === 'backend' ? commits(1, 2, 3) : commits(4, 5)),
    );
    expect(diff.apps).toEqual([
      { name: 'backend', change: 'changed', fromCommit: sha(7), toCommit: sha(3), addedCommits: 3 },
      { name: 'frontend', change: 'added', fromCommit: null, toCommit: sha(5), addedCommits: 2 },
      { name: 'worker', change: 'removed', fromCommit: sha(8), toCommit: null, addedCommits: 0 },
    ]);
  });
});
