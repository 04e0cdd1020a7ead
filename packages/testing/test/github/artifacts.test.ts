import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addWorkflowRun,
  GitHubApiDouble,
  installGhStandIn,
  readZip,
  uploadArtifact,
  type StoredWorkflowRun,
} from '../../src/github/index.js';

let double: GitHubApiDouble;
let push: StoredWorkflowRun;
let pr: StoredWorkflowRun;
let fork: StoredWorkflowRun;
const ids: Record<string, number> = {};

beforeAll(async () => {
  double = new GitHubApiDouble();
  await double.start();
  const s = double.state;
  push = addWorkflowRun(s, { owner: 'octo', repo: 'app', event: 'push', headBranch: 'main' });
  pr = addWorkflowRun(s, {
    owner: 'octo',
    repo: 'app',
    event: 'pull_request',
    headBranch: 'feature',
    conclusion: 'failure',
  });
  fork = addWorkflowRun(s, {
    owner: 'octo',
    repo: 'app',
    event: 'pull_request',
    headBranch: 'main',
    headRepository: 'mallory/app',
  });
  ids['push-baseline'] = uploadArtifact(s, push, 'baseline', { 'scan.json': '{"push":true}' }).id;
  ids['push-history'] = uploadArtifact(s, push, 'history', { 'gate.json': '{}', 'sub/dir.txt': 'x' }).id;
  ids['pr-baseline'] = uploadArtifact(s, pr, 'baseline', { 'scan.json': '{"pr":true}' }).id;
  ids['fork-baseline'] = uploadArtifact(s, fork, 'baseline', { 'scan.json': '{"fork":true}' }).id;
  const old = uploadArtifact(s, push, 'old', { 'a.txt': 'a' }, 1);
  old.expired = true;
  ids['old'] = old.id;
}, 60_000);
afterAll(() => double.close());

async function get(
  p: string,
  redirect: 'follow' | 'manual' = 'follow',
): Promise<{ status: number; json: unknown; link: string | null; location: string | null; bytes: Buffer }> {
  const res = await fetch(`${double.url}${p}`, {
    headers: { authorization: 'token test-token', accept: 'application/vnd.github+json' },
    redirect,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    json: type.startsWith('application/json') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined,
    link: res.headers.get('link'),
    location: res.headers.get('location'),
    bytes,
  };
}

function takeViolations(): string[] {
  const problems = double.violations.map((v) => `${v.operationId ?? '-'}: ${v.problem}`);
  double.violations.length = 0;
  return problems;
}

type ArtifactList = {
  total_count: number;
  artifacts: Array<{
    id: number;
    name: string;
    expired: boolean;
    workflow_run: { id: number; head_branch: string; repository_id: number; head_repository_id: number };
  }>;
};

describe('Actions artifacts and runs in the GitHub API double', () => {
  it('lists artifacts newest first, by name, expired ones flagged, with the run that uploaded each', async () => {
    const all = (await get('/repos/octo/app/actions/artifacts')).json as ArtifactList;
    expect(all.total_count).toBe(5);
    expect(all.artifacts.map((a) => [a.id, a.expired])).toEqual([
      [ids['old'], true],
      [ids['fork-baseline'], false],
      [ids['pr-baseline'], false],
      [ids['push-history'], false],
      [ids['push-baseline'], false],
    ]);
    const named = (await get('/repos/octo/app/actions/artifacts?name=baseline&per_page=100')).json as ArtifactList;
    expect(named.artifacts.map((a) => [a.workflow_run.id, a.workflow_run.head_branch])).toEqual([
      [fork.id, 'main'],
      [pr.id, 'feature'],
      [push.id, 'main'],
    ]);
    const [forkRun, , pushRun] = named.artifacts.map((a) => a.workflow_run);
    expect(pushRun!.head_repository_id).toBe(pushRun!.repository_id);
    expect(forkRun!.head_repository_id).not.toBe(forkRun!.repository_id);
    expect((await get('/repos/other/app/actions/artifacts')).json).toEqual({ total_count: 0, artifacts: [] });
    expect(takeViolations()).toEqual([]);
  });

  it('pages the artifact list with per_page/page and a Link header; total_count counts every page', async () => {
    const first = await get('/repos/octo/app/actions/artifacts?name=baseline&per_page=2');
    expect((first.json as ArtifactList).total_count).toBe(3);
    expect((first.json as ArtifactList).artifacts.map((a) => a.id)).toEqual([ids['fork-baseline'], ids['pr-baseline']]);
    const base = `${double.url}/repos/octo/app/actions/artifacts?name=baseline&per_page=2`;
    expect(first.link).toBe(`<${base}&page=2>; rel="next", <${base}&page=2>; rel="last"`);
    const second = await get('/repos/octo/app/actions/artifacts?name=baseline&per_page=2&page=2');
    expect((second.json as ArtifactList).artifacts.map((a) => a.id)).toEqual([ids['push-baseline']]);
    expect(second.link).toBe(`<${base}&page=1>; rel="first", <${base}&page=1>; rel="prev"`);
    expect(takeViolations()).toEqual([]);
  });

  it("lists one run's artifacts (what download-artifact asks with run-id), by name and direction", async () => {
    const run = (await get(`/repos/octo/app/actions/runs/${push.id}/artifacts?name=history`)).json as ArtifactList;
    expect(run.artifacts.map((a) => a.id)).toEqual([ids['push-history']]);
    const asc = (await get(`/repos/octo/app/actions/runs/${push.id}/artifacts?direction=asc`)).json as ArtifactList;
    expect(asc.artifacts.map((a) => a.id)).toEqual([ids['push-baseline'], ids['push-history'], ids['old']]);
    expect((await get('/repos/octo/app/actions/runs/99999999/artifacts')).status).toBe(404);
    expect(takeViolations()).toEqual([]);
  });

  it('gets one artifact, and 404 for an id of another repository', async () => {
    const one = await get(`/repos/octo/app/actions/artifacts/${ids['push-baseline']}`);
    expect(one.json).toMatchObject({
      id: ids['push-baseline'],
      name: 'baseline',
      archive_download_url: `${double.url}/repos/octo/app/actions/artifacts/${ids['push-baseline']}/zip`,
      expires_at: expect.stringMatching(/^2026-04-\d\dT/),
    });
    expect((await get(`/repos/octo/other/actions/artifacts/${ids['push-baseline']}`)).status).toBe(404);
    expect(takeViolations()).toEqual([]);
  });

  it('downloads the zip through a 302 to a URL that needs no token; expired is 410, another format 404', async () => {
    const redirect = await get(`/repos/octo/app/actions/artifacts/${ids['push-history']}/zip`, 'manual');
    expect(redirect.status).toBe(302);
    expect(redirect.location).toMatch(new RegExp(`^${double.url}/_blobs/${ids['push-history']}/[0-9a-f]{24}\\.zip$`));
    const zip = Buffer.from(await (await fetch(redirect.location!)).arrayBuffer());
    expect(Object.fromEntries(Object.entries(readZip(zip)).map(([k, v]) => [k, v.toString('utf8')]))).toEqual({
      'gate.json': '{}',
      'sub/dir.txt': 'x',
    });
    // The archive is a real zip, as download-artifact and unzip read it.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'artifact-')), 'a.zip');
    writeFileSync(file, zip);
    const listed = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' });
    expect([listed.status, listed.stdout]).toEqual([0, 'gate.json\nsub/dir.txt\n']);
    const gone = await get(`/repos/octo/app/actions/artifacts/${ids['old']}/zip`, 'manual');
    expect([gone.status, gone.json]).toEqual([
      410,
      { message: 'Artifact has expired', documentation_url: 'https://docs.github.com/rest' },
    ]);
    expect((await get(`/repos/octo/app/actions/artifacts/${ids['push-history']}/tar`, 'manual')).status).toBe(404);
    expect(takeViolations()).toEqual([]);
  });

  it('gets a run with its event and head repository, and lists runs by event, branch and status', async () => {
    const one = (await get(`/repos/octo/app/actions/runs/${fork.id}`)).json as Record<string, unknown>;
    expect(one).toMatchObject({
      id: fork.id,
      event: 'pull_request',
      head_branch: 'main',
      repository: { full_name: 'octo/app' },
      head_repository: { full_name: 'mallory/app' },
    });
    type Runs = { total_count: number; workflow_runs: Array<{ id: number }> };
    const list = async (q: string): Promise<number[]> =>
      ((await get(`/repos/octo/app/actions/runs${q}`)).json as Runs).workflow_runs.map((r) => r.id);
    expect(await list('')).toEqual([fork.id, pr.id, push.id]);
    expect(await list('?event=push&branch=main')).toEqual([push.id]);
    expect(await list('?branch=main')).toEqual([fork.id, push.id]);
    expect(await list('?status=failure')).toEqual([pr.id]);
    expect(await list('?status=completed&per_page=1&page=2')).toEqual([pr.id]);
    expect((await get('/repos/octo/app/actions/runs/99999999')).status).toBe(404);
    expect(takeViolations()).toEqual([]);
  });

  it('records a query parameter the description does not have', async () => {
    await get('/repos/octo/app/actions/runs?branch=main&sort=asc');
    await get('/repos/octo/app/actions/artifacts?per_page=many');
    expect(takeViolations()).toEqual([
      "actions/list-workflow-runs-for-repo: query parameter 'sort' is not in the description",
      "actions/list-artifacts-for-repo: query parameter 'per_page' must be integer",
    ]);
  });
});

describe('the gh stand-in', () => {
  const node = path.resolve(__dirname, '../../../../node_modules/.bin/node');
  // Asynchronous: the double answers from this process, so a synchronous spawn would wait forever.
  const gh = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => {
    const bin = installGhStandIn(node);
    const child = spawn('gh', args, {
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, GITHUB_API_URL: double.url, GH_TOKEN: 'gh-token' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  };

  it('sends gh api GETs to GITHUB_API_URL with the token, --jq printing strings raw', async () => {
    const r = await gh('api', `repos/octo/app/actions/runs/${push.id}`, '--jq', '.event');
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'push\n', '']);
    expect(double.requests.at(-1)?.headers.authorization).toBe('token gh-token');
  });

  it('--paginate follows the Link header and filters each page', async () => {
    const r = await gh(
      'api',
      'repos/octo/app/actions/artifacts?name=baseline&per_page=1',
      '--paginate',
      '-q',
      '.artifacts[].id',
    );
    expect([r.status, r.stdout]).toEqual([
      0,
      `${ids['fork-baseline']}\n${ids['pr-baseline']}\n${ids['push-baseline']}\n`,
    ]);
  });

  it('an HTTP error prints the body, says the status on stderr and exits 1', async () => {
    const r = await gh('api', 'repos/octo/app/actions/runs/99999999', '--jq', '.event');
    expect([r.status, r.stdout, r.stderr]).toEqual([
      1,
      '{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}',
      'gh: Not Found (HTTP 404)\n',
    ]);
    expect(takeViolations()).toEqual([]);
  });
});
