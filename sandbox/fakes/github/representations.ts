/**
 * The JSON GitHub sends for the world's objects: users, repositories, commits, comparisons, refs,
 * workflows and runs, with the fields the OpenAPI description marks required (the contract suite
 * validates every response against it). API links point at the fake itself (`api`), page links at
 * the world's html base.
 */
import { createHash } from 'node:crypto';
import type { FakeCommit, FakeRun, FakeWorkflow, GitHubWorld } from './world';

const DOCS = 'https://docs.github.com/rest';

function nodeId(kind: string, key: string | number): string {
  return Buffer.from(`${kind}:${key}`).toString('base64').replace(/=+$/, '');
}

function numericId(key: string): number {
  return Number.parseInt(createHash('sha1').update(key).digest('hex').slice(0, 8), 16);
}

export function errorBody(
  status: number,
  message: string,
): { message: string; documentation_url: string; status: string } {
  return { message, documentation_url: DOCS, status: String(status) };
}

export function simpleUser(api: string, world: GitHubWorld, login: string): Record<string, unknown> {
  const id = numericId(`user:${login}`);
  const url = `${api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${world.htmlBaseUrl}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'Organization',
    site_admin: false,
  };
}

function repoId(world: GitHubWorld): number {
  return numericId(`repo:${world.fullName}`);
}

/** The "minimal repository" embedded in runs. */
export function minimalRepository(api: string, world: GitHubWorld): Record<string, unknown> {
  const url = `${api}/repos/${world.owner}/${world.repo}`;
  const id = repoId(world);
  return {
    id,
    node_id: nodeId('Repository', id),
    name: world.repo,
    full_name: world.fullName,
    owner: simpleUser(api, world, world.owner),
    private: world.privateRepo,
    html_url: world.htmlUrl,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
  };
}

/** GET /repos/{owner}/{repo}: the "full repository", with the caller's permissions when authenticated. */
export function fullRepository(api: string, world: GitHubWorld, authenticated: boolean): Record<string, unknown> {
  const created = '2025-01-06T09:00:00Z';
  const pushed = [...world.commits.values()].reduce(
    (latest, commit) => (commit.date > latest ? commit.date : latest),
    created,
  );
  return {
    ...minimalRepository(api, world),
    clone_url: `${world.htmlUrl}.git`,
    git_url: `git://${new URL(world.htmlBaseUrl).host}/${world.fullName}.git`,
    ssh_url: `git@${new URL(world.htmlBaseUrl).host}:${world.fullName}.git`,
    svn_url: world.htmlUrl,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: world.commits.size,
    default_branch: world.defaultBranch,
    open_issues: 0,
    open_issues_count: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: world.privateRepo ? 'private' : 'public',
    pushed_at: pushed.replace(/\.\d{3}Z$/, 'Z'),
    created_at: created,
    updated_at: pushed.replace(/\.\d{3}Z$/, 'Z'),
    ...(authenticated ? { permissions: { ...world.permissions } } : {}),
    license: null,
    network_count: 0,
    subscribers_count: 0,
  };
}

function gitUser(commit: FakeCommit): { name: string; email: string; date: string } {
  return { ...commit.author, date: commit.date.replace(/\.\d{3}Z$/, 'Z') };
}

export function commitJson(api: string, world: GitHubWorld, commit: FakeCommit): Record<string, unknown> {
  const url = `${api}/repos/${world.fullName}/commits/${commit.sha}`;
  const tree = createHash('sha1').update(`tree:${commit.sha}`).digest('hex');
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    commit: {
      author: gitUser(commit),
      committer: gitUser(commit),
      message: commit.message,
      tree: { sha: tree, url: `${api}/repos/${world.fullName}/git/trees/${tree}` },
      url: `${api}/repos/${world.fullName}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url,
    html_url: `${world.htmlUrl}/commit/${commit.sha}`,
    comments_url: `${url}/comments`,
    // The fake's authors have no GitHub accounts, like commits made with an unlinked e-mail.
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/repos/${world.fullName}/commits/${sha}`,
      html_url: `${world.htmlUrl}/commit/${sha}`,
    })),
  };
}

/** The changed files of a comparison: the paths the commits touch, capped at 300 like GitHub. */
export function diffEntries(
  api: string,
  world: GitHubWorld,
  commits: FakeCommit[],
  head: string,
): Record<string, unknown>[] {
  const paths = [...new Set(commits.flatMap((commit) => commit.files))].sort().slice(0, 300);
  return paths.map((filename) => ({
    sha: createHash('sha1').update(`blob:${head}:${filename}`).digest('hex'),
    filename,
    status: 'modified',
    additions: 1,
    deletions: 1,
    changes: 2,
    blob_url: `${world.htmlUrl}/blob/${head}/${encodeURI(filename)}`,
    raw_url: `${world.htmlUrl}/raw/${head}/${encodeURI(filename)}`,
    contents_url: `${api}/repos/${world.fullName}/contents/${encodeURI(filename)}?ref=${head}`,
    patch: '@@ -1 +1 @@',
  }));
}

export function gitRefJson(api: string, world: GitHubWorld, ref: string, sha: string): Record<string, unknown> {
  return {
    ref: `refs/${ref}`,
    node_id: nodeId('Ref', `${world.fullName}:${ref}`),
    url: `${api}/repos/${world.fullName}/git/refs/${ref}`,
    object: { type: 'commit', sha, url: `${api}/repos/${world.fullName}/git/commits/${sha}` },
  };
}

export function workflowJson(api: string, world: GitHubWorld, workflow: FakeWorkflow): Record<string, unknown> {
  return {
    id: workflow.id,
    node_id: nodeId('Workflow', workflow.id),
    name: workflow.name,
    path: `.github/workflows/${workflow.file}`,
    state: workflow.state,
    created_at: workflow.createdAt,
    updated_at: workflow.createdAt,
    url: `${api}/repos/${world.fullName}/actions/workflows/${workflow.id}`,
    html_url: `${world.htmlUrl}/blob/${world.defaultBranch}/.github/workflows/${workflow.file}`,
    badge_url: `${world.htmlUrl}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

export function runJson(api: string, world: GitHubWorld, run: FakeRun): Record<string, unknown> {
  const url = `${api}/repos/${world.fullName}/actions/runs/${run.id}`;
  const workflow = world.findWorkflow(run.workflowFile);
  const head = world.commits.get(run.headSha);
  const actor = simpleUser(api, world, 'kosli-release-gate');
  const repository = minimalRepository(api, world);
  return {
    id: run.id,
    name: workflow?.name ?? run.workflowFile,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.ref,
    head_sha: run.headSha,
    path: `.github/workflows/${run.workflowFile}`,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id + 1_000_000,
    check_suite_node_id: nodeId('CheckSuite', run.id + 1_000_000),
    url,
    html_url: run.htmlUrl,
    pull_requests: [],
    referenced_workflows: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    actor,
    triggering_actor: actor,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${api}/repos/${world.fullName}/check-suites/${run.id + 1_000_000}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/repos/${world.fullName}/actions/workflows/${run.workflowId}`,
    head_commit: head
      ? {
          id: head.sha,
          tree_id: createHash('sha1').update(`tree:${head.sha}`).digest('hex'),
          message: head.message,
          timestamp: head.date.replace(/\.\d{3}Z$/, 'Z'),
          author: head.author,
          committer: head.author,
        }
      : null,
    repository,
    head_repository: repository,
  };
}
