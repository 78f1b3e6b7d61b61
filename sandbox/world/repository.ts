/**
 * The monorepo the simulated world commits to. The in-memory one serves tests and the benchmark;
 * the sandbox uses a real git repository (git-repository.ts). Both give each commit a sha and each
 * app folder a fingerprint (sha256 of its content, as `kosli fingerprint --artifact-type dir`).
 */
import { createHash } from 'node:crypto';

export interface CommitRequest {
  app: string;
  path: string;
  message: string;
  author: { name: string; email: string };
}

export interface CommitResult {
  sha: string;
  files: string[];
  /** sha256 of the app folder after the commit. */
  fingerprint: string;
  date: string;
}

export interface Repository {
  commit(request: CommitRequest): CommitResult;
  /** Records that a tag now points at a commit (the real repository moves its git tag). */
  moveTag(tag: string, sha: string): void;
  describe(): string;
}

/** Each commit bumps `counter=N` in the app's content file, like the original demo. */
export class MemoryRepository implements Repository {
  private readonly counters = new Map<string, number>();
  private sequence = 0;
  readonly tags = new Map<string, string>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  commit(request: CommitRequest): CommitResult {
    const counter = (this.counters.get(request.app) ?? 0) + 1;
    this.counters.set(request.app, counter);
    const file = `${request.path}/${request.app}-content.txt`;
    const content = `${request.app} content\ncounter=${counter}\n`;
    const sha = createHash('sha1').update(`${++this.sequence}:${request.message}:${content}`).digest('hex');
    // Git records commit times in whole seconds.
    const date = new Date(Math.floor(this.clock().getTime() / 1000) * 1000).toISOString();
    return { sha, files: [file], fingerprint: folderFingerprint([[file, content]]), date };
  }

  moveTag(tag: string, sha: string): void {
    this.tags.set(tag, sha);
  }

  describe(): string {
    return 'in-memory repository';
  }
}

/** sha256 over the folder's files, sorted by path: same content, same fingerprint. */
export function folderFingerprint(files: readonly (readonly [path: string, content: string])[]): string {
  const hash = createHash('sha256');
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash
      .update(path.split('/').pop() ?? path)
      .update('\0')
      .update(content)
      .update('\0');
  }
  return hash.digest('hex');
}
