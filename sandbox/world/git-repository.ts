/**
 * The sandbox's monorepo as a real git repository in a folder (`.sandbox/repo` by default), like the
 * original scripts' repo: `apps/<app>/<app>-content.txt` holds `counter=N`, each commit bumps it, and
 * deploys move the `running-<env>-<app>` tags. Anyone can look at it with plain git
 * (`git -C .sandbox/repo log --oneline --decorate`).
 *
 * git runs with the user's and the system's configuration switched off, so a machine without
 * `user.name`, or with commit signing or hooks configured globally, behaves the same.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderFingerprint, type CommitRequest, type CommitResult, type Repository } from './repository';

export interface GitRepositoryOptions {
  directory: string;
  /** The apps of the monorepo: their counters continue from the files when the folder exists. */
  apps: readonly { name: string; path: string }[];
  /** Author and committer date of new commits. */
  clock?: () => Date;
}

const COUNTER = /^counter=(\d+)$/m;

export class GitRepository implements Repository {
  readonly directory: string;
  private readonly counters = new Map<string, number>();
  private readonly clock: () => Date;

  constructor(options: GitRepositoryOptions) {
    this.directory = options.directory;
    this.clock = options.clock ?? (() => new Date());
    if (!existsSync(join(this.directory, '.git'))) {
      mkdirSync(this.directory, { recursive: true });
      this.git(['init', '--quiet', '--initial-branch=main']);
    }
    for (const app of options.apps) {
      const content = readIfExists(join(this.directory, contentFile(app.name, app.path)));
      this.counters.set(app.name, Number(content?.match(COUNTER)?.[1] ?? 0));
    }
  }

  commit(request: CommitRequest): CommitResult {
    const counter = (this.counters.get(request.app) ?? 0) + 1;
    const file = contentFile(request.app, request.path);
    const absolute = join(this.directory, file);
    const tracked = existsSync(absolute);
    mkdirSync(join(this.directory, request.path), { recursive: true });
    writeFileSync(absolute, `${request.app} content\ncounter=${counter}\n`);
    // git keeps seconds: the date reported is the one git records.
    const when = new Date(Math.floor(this.clock().getTime() / 1000) * 1000);
    const gitDate = `@${when.getTime() / 1000} +0000`;
    // Committing the path directly saves a `git add` (each git process costs tens of ms); a file
    // git does not know yet (the app's first commit) must be added first.
    if (!tracked) this.git(['add', '--', file]);
    this.git(
      [
        '-c',
        `user.name=${request.author.name}`,
        '-c',
        `user.email=${request.author.email}`,
        'commit',
        '--quiet',
        '--no-verify',
        '-m',
        request.message,
        '--',
        file,
      ],
      {
        GIT_AUTHOR_DATE: gitDate,
        GIT_COMMITTER_DATE: gitDate,
      },
    );
    this.counters.set(request.app, counter);
    return {
      sha: this.git(['rev-parse', 'HEAD']),
      files: [file],
      fingerprint: this.fingerprint(request.path),
      date: when.toISOString(),
    };
  }

  moveTag(tag: string, sha: string): void {
    this.git(['tag', '--force', tag, sha]);
  }

  describe(): string {
    return `git repository at ${this.directory}`;
  }

  /** The head of main and every tag → the commit it points at (one git call). */
  refs(): { head: string | null; tags: Record<string, string> } {
    const lines = this.git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/tags', 'refs/heads/main'])
      .split('\n')
      .filter(Boolean);
    const tags: Record<string, string> = {};
    let head: string | null = null;
    for (const line of lines) {
      const [ref = '', sha = ''] = line.split(' ');
      if (ref === 'refs/heads/main') head = sha;
      else tags[ref.slice('refs/tags/'.length)] = sha;
    }
    return { head, tags };
  }

  /** `git rev-parse --verify <ref>^{commit}`; undefined when the ref does not exist. */
  revParse(ref: string): string | undefined {
    try {
      return this.git(['rev-parse', '--quiet', '--verify', `${ref}^{commit}`]);
    } catch {
      return undefined;
    }
  }

  /** The app folder's fingerprint from the working tree (what a build would fingerprint). */
  fingerprint(path: string): string {
    const root = join(this.directory, path);
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const absolute = join(entry.parentPath, entry.name);
        return [absolute.slice(this.directory.length + 1), readFileSync(absolute, 'utf8')] as const;
      });
    return folderFingerprint(files);
  }

  private git(args: string[], env: Record<string, string> = {}): string {
    return execFileSync(
      'git',
      ['-C', this.directory, '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...gitEnvironment(), ...env },
      },
    ).trim();
  }
}

function contentFile(app: string, path: string): string {
  return `${path}/${app}-content.txt`;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The process environment without anything that would point git elsewhere or read the user's config. */
function gitEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
}
