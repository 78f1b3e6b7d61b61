/** The sandbox's monorepo is a real git repository: real shas, counters that survive a reopen, tags. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitRepository } from '../../sandbox/world/git-repository';
import { MemoryRepository } from '../../sandbox/world/repository';

const APPS = [
  { name: 'backend', path: 'apps/backend' },
  { name: 'frontend', path: 'apps/frontend' },
];
const dana = { name: 'Dana Developer', email: 'dana@example.com' };
const folders: string[] = [];

function aRepository(clock?: () => Date): { repo: GitRepository; directory: string } {
  const root = mkdtempSync(join(tmpdir(), 'krg-git-'));
  folders.push(root);
  const directory = join(root, 'repo');
  return { repo: new GitRepository({ directory, apps: APPS, ...(clock ? { clock } : {}) }), directory };
}

const git = (directory: string, ...args: string[]) =>
  execFileSync('git', ['-C', directory, ...args], { encoding: 'utf8' }).trim();

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('GitRepository', () => {
  it('commits the bumped counter as the author, at the clock time, and reports the real sha', () => {
    const { repo, directory } = aRepository(() => new Date('2025-03-04T10:11:12.345Z'));
    const first = repo.commit({ app: 'backend', path: 'apps/backend', message: 'OPS-11 faster search', author: dana });
    const second = repo.commit({
      app: 'backend',
      path: 'apps/backend',
      message: 'OPS-13 delivery estimate',
      author: dana,
    });

    expect(second.sha).toBe(git(directory, 'rev-parse', 'HEAD'));
    expect(git(directory, 'rev-parse', 'HEAD~1')).toBe(first.sha);
    expect(git(directory, 'log', '-1', '--format=%an <%ae>|%cn|%aI|%s')).toBe(
      'Dana Developer <dana@example.com>|Dana Developer|2025-03-04T10:11:12+00:00|OPS-13 delivery estimate',
    );
    expect(second.files).toEqual(['apps/backend/backend-content.txt']);
    expect(second.date).toBe('2025-03-04T10:11:12.000Z');
    expect(readFileSync(join(directory, 'apps/backend/backend-content.txt'), 'utf8')).toBe(
      'backend content\ncounter=2\n',
    );
  });

  it('fingerprints the app folder exactly like the in-memory repository', () => {
    const { repo } = aRepository();
    const memory = new MemoryRepository();
    for (let i = 0; i < 2; i++) {
      const real = repo.commit({ app: 'frontend', path: 'apps/frontend', message: `OPS-12 change ${i}`, author: dana });
      const fake = memory.commit({
        app: 'frontend',
        path: 'apps/frontend',
        message: `OPS-12 change ${i}`,
        author: dana,
      });
      expect(real.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(real.fingerprint).toBe(fake.fingerprint);
    }
  });

  it('moves tags and lists them with the head of main', () => {
    const { repo, directory } = aRepository();
    const a = repo.commit({ app: 'backend', path: 'apps/backend', message: 'one', author: dana });
    const b = repo.commit({ app: 'frontend', path: 'apps/frontend', message: 'two', author: dana });
    repo.moveTag('running-prod-backend', a.sha);
    repo.moveTag('running-prod-backend', b.sha);
    expect(git(directory, 'rev-parse', 'running-prod-backend')).toBe(b.sha);
    expect(repo.refs()).toEqual({ head: b.sha, tags: { 'running-prod-backend': b.sha } });
    expect(repo.revParse('running-prod-backend')).toBe(b.sha);
    expect(repo.revParse('no-such-tag')).toBeUndefined();
  });

  it('reopens an existing folder and continues the counters from the files', () => {
    const { repo, directory } = aRepository();
    repo.commit({ app: 'backend', path: 'apps/backend', message: 'one', author: dana });
    repo.commit({ app: 'backend', path: 'apps/backend', message: 'two', author: dana });
    const reopened = new GitRepository({ directory, apps: APPS });
    const third = reopened.commit({ app: 'backend', path: 'apps/backend', message: 'three', author: dana });
    expect(readFileSync(join(directory, 'apps/backend/backend-content.txt'), 'utf8')).toBe(
      'backend content\ncounter=3\n',
    );
    expect(git(directory, 'rev-list', '--count', third.sha)).toBe('3');
  });
});
