import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { repoApi, simpleUser, type Urls } from './objects.js';
import type { GitHubState } from './state.js';

/** A workflow run the test says happened (the double runs nothing). */
export interface StoredWorkflowRun {
  id: number;
  owner: string;
  repo: string;
  /** The repository the head commit comes from: a fork for a fork's pull request. */
  headOwner: string;
  headRepo: string;
  event: string;
  headBranch: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  /** The workflow file, e.g. `.github/workflows/ci.yml`. */
  path: string;
  runNumber: number;
  createdAt: string;
  actor: { login: string; id: number };
}

/** An artifact a run uploaded: the zip GitHub serves for it, and whether its retention ran out. */
export interface StoredArtifact {
  id: number;
  owner: string;
  repo: string;
  runId: number;
  name: string;
  zip: Buffer;
  createdAt: string;
  expiresAt: string;
  /** Set by the test to model the end of the retention period. */
  expired: boolean;
}

export interface WorkflowRunInit {
  owner: string;
  repo: string;
  event: string;
  headBranch: string;
  headSha?: string;
  /** `owner/repo` of the head commit; the repository itself by default. */
  headRepository?: string;
  status?: string;
  conclusion?: string | null;
  path?: string;
}

/** Records a workflow run, as GitHub does when an event starts one. */
export function addWorkflowRun(state: GitHubState, init: WorkflowRunInit): StoredWorkflowRun {
  const [headOwner = init.owner, headRepo = init.repo] = (init.headRepository ?? '').split('/').filter(Boolean);
  const id = state.id();
  const run: StoredWorkflowRun = {
    id,
    owner: init.owner,
    repo: init.repo,
    headOwner,
    headRepo,
    event: init.event,
    headBranch: init.headBranch,
    headSha: init.headSha ?? createHash('sha1').update(`run ${id}`).digest('hex'),
    status: init.status ?? 'completed',
    conclusion: init.conclusion === undefined ? 'success' : init.conclusion,
    path: init.path ?? '.github/workflows/ci.yml',
    runNumber: state.workflowRuns.size + 1,
    createdAt: state.now(),
    actor: { login: 'octocat', id: 1 },
  };
  state.workflowRuns.set(run.id, run);
  return run;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Stores what actions/upload-artifact uploads from `run` (it talks to the artifact service, not
 * the REST API): the files zipped, kept for `retentionDays`.
 */
export function uploadArtifact(
  state: GitHubState,
  run: StoredWorkflowRun,
  name: string,
  files: Record<string, string | Buffer>,
  retentionDays = 90,
): StoredArtifact {
  const createdAt = state.now();
  const artifact: StoredArtifact = {
    id: state.id(),
    owner: run.owner,
    repo: run.repo,
    runId: run.id,
    name,
    zip: zipFiles(files),
    createdAt,
    expiresAt: new Date(Date.parse(createdAt) + retentionDays * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    expired: false,
  };
  state.artifacts.set(artifact.id, artifact);
  return artifact;
}

export function minimalRepository(urls: Urls, owner: string, repo: string, id: number): Record<string, unknown> {
  const api = repoApi(urls, owner, repo);
  const owned = `${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const templated = (suffix: string): string => `${api}/${suffix}`;
  return {
    id,
    node_id: `R_${id}`,
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: simpleUser(urls, owner, 1000 + (id % 1000)),
    private: false,
    html_url: `${urls.server}/${owned}`,
    description: null,
    fork: false,
    url: api,
    archive_url: templated('{archive_format}{/ref}'),
    assignees_url: templated('assignees{/user}'),
    blobs_url: templated('git/blobs{/sha}'),
    branches_url: templated('branches{/branch}'),
    collaborators_url: templated('collaborators{/collaborator}'),
    comments_url: templated('comments{/number}'),
    commits_url: templated('commits{/sha}'),
    compare_url: templated('compare/{base}...{head}'),
    contents_url: templated('contents/{+path}'),
    contributors_url: templated('contributors'),
    deployments_url: templated('deployments'),
    downloads_url: templated('downloads'),
    events_url: templated('events'),
    forks_url: templated('forks'),
    git_commits_url: templated('git/commits{/sha}'),
    git_refs_url: templated('git/refs{/sha}'),
    git_tags_url: templated('git/tags{/sha}'),
    hooks_url: templated('hooks'),
    issue_comment_url: templated('issues/comments{/number}'),
    issue_events_url: templated('issues/events{/number}'),
    issues_url: templated('issues{/number}'),
    keys_url: templated('keys{/key_id}'),
    labels_url: templated('labels{/name}'),
    languages_url: templated('languages'),
    merges_url: templated('merges'),
    milestones_url: templated('milestones{/number}'),
    notifications_url: templated('notifications{?since,all,participating}'),
    pulls_url: templated('pulls{/number}'),
    releases_url: templated('releases{/id}'),
    stargazers_url: templated('stargazers'),
    statuses_url: templated('statuses/{sha}'),
    subscribers_url: templated('subscribers'),
    subscription_url: templated('subscription'),
    tags_url: templated('tags'),
    teams_url: templated('teams'),
    trees_url: templated('git/trees{/sha}'),
  };
}

export function workflowRun(urls: Urls, state: GitHubState, r: StoredWorkflowRun): Record<string, unknown> {
  const api = repoApi(urls, r.owner, r.repo);
  const repositoryId = state.repositoryId(r.owner, r.repo);
  const headRepositoryId = state.repositoryId(r.headOwner, r.headRepo);
  const author = { name: 'Octo Cat', email: 'octocat@example.com' };
  return {
    id: r.id,
    name: 'spikeformer CI',
    node_id: `WFR_${r.id}`,
    check_suite_id: r.id + 1,
    check_suite_node_id: `CS_${r.id + 1}`,
    head_branch: r.headBranch,
    head_sha: r.headSha,
    path: r.path,
    run_number: r.runNumber,
    run_attempt: 1,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: 161335,
    url: `${api}/actions/runs/${r.id}`,
    html_url: `${urls.server}/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.createdAt,
    updated_at: r.createdAt,
    actor: simpleUser(urls, r.actor.login, r.actor.id),
    triggering_actor: simpleUser(urls, r.actor.login, r.actor.id),
    run_started_at: r.createdAt,
    jobs_url: `${api}/actions/runs/${r.id}/jobs`,
    logs_url: `${api}/actions/runs/${r.id}/logs`,
    check_suite_url: `${api}/check-suites/${r.id + 1}`,
    artifacts_url: `${api}/actions/runs/${r.id}/artifacts`,
    cancel_url: `${api}/actions/runs/${r.id}/cancel`,
    rerun_url: `${api}/actions/runs/${r.id}/rerun`,
    workflow_url: `${api}/actions/workflows/161335`,
    head_commit: {
      id: r.headSha,
      tree_id: createHash('sha1').update(`tree ${r.headSha}`).digest('hex'),
      message: 'the head commit',
      timestamp: r.createdAt,
      author,
      committer: author,
    },
    repository: minimalRepository(urls, r.owner, r.repo, repositoryId),
    head_repository: minimalRepository(urls, r.headOwner, r.headRepo, headRepositoryId),
    head_repository_id: headRepositoryId,
    display_title: 'the head commit',
  };
}

export function artifactJson(
  urls: Urls,
  state: GitHubState,
  a: StoredArtifact,
  run: StoredWorkflowRun | undefined,
): Record<string, unknown> {
  const api = repoApi(urls, a.owner, a.repo);
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.zip.length,
    url: `${api}/actions/artifacts/${a.id}`,
    archive_download_url: `${api}/actions/artifacts/${a.id}/zip`,
    expired: a.expired,
    created_at: a.createdAt,
    expires_at: a.expiresAt,
    updated_at: a.createdAt,
    digest: `sha256:${createHash('sha256').update(a.zip).digest('hex')}`,
    workflow_run: run
      ? {
          id: run.id,
          repository_id: state.repositoryId(run.owner, run.repo),
          head_repository_id: state.repositoryId(run.headOwner, run.headRepo),
          head_branch: run.headBranch,
          head_sha: run.headSha,
        }
      : null,
  };
}

/** A zip of `files` (deflated, as GitHub serves artifacts), readable by unzip and readZip. */
export function zipFiles(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(0x00210000, 12);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The files of a zip written by zipFiles (stored or deflated entries, read from the central directory). */
export function readZip(zip: Buffer): Record<string, Buffer> {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('not a zip: bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const packedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    out[name] = method === 8 ? inflateRawSync(packed) : Buffer.from(packed);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}
