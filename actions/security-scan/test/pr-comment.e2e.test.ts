import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, GitHubApiDouble, runBundledAction, sampleEvent } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../src/comment-body.js';

// The bundled action against the local GitHub API double, which checks every request and
// response against GitHub's OpenAPI description; event payloads are valid by GitHub's webhook schemas.
const ACTION = 'actions/security-scan';
const TOKEN = 'ghs_securityScanTestToken0123456789';
const OWNER = 'spikeformer';
const REPO = 'spikeformer-kit';
const HEAD = 'abcdef0123456789abcdef0123456789abcdef01';
const OTHER = '1111111111111111111111111111111111111111';
const BLOB = `https://github.com/${OWNER}/${REPO}/blob/${HEAD}`;

let double: GitHubApiDouble;
const dirs: string[] = [];

beforeAll(async () => {
  ensureBundled(ACTION);
  double = new GitHubApiDouble();
  await double.start();
  // #12 is a fork's pull request (the payload lists none); #13 a same-repository one at another head.
  double.state.pulls.push(
    { number: 12, owner: OWNER, repo: REPO, headOwner: 'forker', headBranch: 'feature', headSha: HEAD },
    { number: 13, owner: OWNER, repo: REPO, headOwner: OWNER, headBranch: 'moved', headSha: OTHER },
    // One branch heading two pull requests (into different bases).
    { number: 15, owner: OWNER, repo: REPO, headOwner: OWNER, headBranch: 'twin', headSha: HEAD },
    { number: 16, owner: OWNER, repo: REPO, headOwner: OWNER, headBranch: 'twin', headSha: HEAD },
  );
}, 240_000);
afterAll(async () => {
  await double.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  double.requests.length = 0;
  double.assertNoViolations();
});

const semgrepResult = (checkId: string, file: string, line: number, message: string, severity = 'ERROR') => ({
  check_id: checkId,
  path: file,
  start: { line, col: 1 },
  end: { line, col: 5 },
  extra: { message, severity, lines: 'x', metadata: {} },
});

/** A workspace with a semgrep report of `findings` code findings (all new: no baseline). */
function workspace(findings = 2): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'scan-comment-'));
  dirs.push(ws);
  mkdirSync(path.join(ws, 'src dir'));
  const results = [
    semgrepResult('python.lang.security.audit.eval', 'src dir/app.py', 3, 'eval of user input'),
    semgrepResult('python.lang.security.audit.exec', 'src dir/app.py', 9, 'exec of user input', 'WARNING'),
  ];
  for (let i = 2; i < findings; i++)
    results.push(semgrepResult(`rule.r${i}`, `src dir/m${i}.py`, i, `finding ${i}`, 'INFO'));
  writeFileSync(path.join(ws, 'semgrep.json'), JSON.stringify({ results: results.slice(0, findings), errors: [] }));
  return ws;
}

const pullRequest = (number: number) =>
  sampleEvent('pull_request', {
    action: 'synchronize',
    number,
    pull_request: { number, head: { sha: HEAD, ref: 'feature' }, base: { sha: OTHER, ref: 'main' } },
  });

/** A user as GitHub's schema wants one (the sample's repository owner, renamed): a fork's owner by default. */
const forker = (login = 'forker'): Record<string, unknown> => ({
  ...((sampleEvent('workflow_run', { action: 'completed' })['repository'] as Record<string, unknown>)[
    'owner'
  ] as Record<string, unknown>),
  login,
  gravatar_id: '',
  type: 'User',
});

const workflowRun = (headSha: string, id = 31337, over: Record<string, unknown> = {}) =>
  sampleEvent('workflow_run', {
    action: 'completed',
    workflow_run: {
      id,
      event: 'pull_request',
      head_sha: headSha,
      head_branch: 'feature',
      head_repository: {
        ...(sampleEvent('workflow_run', { action: 'completed' })['repository'] as Record<string, unknown>),
        owner: forker(),
      },
      pull_requests: [],
      ...over,
    },
  });

/** A same-repository pull request as `workflow_run.pull_requests` lists it. */
const listedPull = (number: number, sha: string) => {
  const repo = { id: 700000001, url: `https://api.github.com/repos/${OWNER}/${REPO}`, name: REPO };
  return {
    url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${number}`,
    id: 500_000 + number,
    number,
    head: { ref: 'twin', sha, repo },
    base: { ref: 'main', sha: OTHER, repo },
  };
};

const scan = (ws: string, inputs: Record<string, string>, eventName: string, event: Record<string, unknown>) =>
  runBundledAction(ACTION, {
    inputs: { reports: 'semgrep.json', ...inputs },
    workspace: ws,
    eventName,
    event,
    env: { GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
    timeoutMs: 60_000,
  });

const unmasked = (stdout: string): string => stdout.replace(/^::add-mask::.*$/gm, '');
const commentNotices = (r: { annotations: Array<{ title?: string; level: string; message: string }> }) =>
  r.annotations.filter((a) => a.title === 'Security scan comment').map((a) => [a.level, a.message]);
/** Error annotations that are not findings (those name a file). */
const errors = (r: { annotations: Array<{ level: string; message: string; file?: string }> }) =>
  r.annotations.filter((a) => a.level === 'error' && a.file === undefined).map((a) => a.message);

describe('security-scan PR comment', () => {
  it('creates one comment, then updates it in place on a re-run, with zero OpenAPI violations', async () => {
    const ws = workspace(2);
    const first = await scan(ws, {}, 'pull_request', pullRequest(7));
    expect(first.exitCode).toBe(1);
    expect(first.outputs.status).toBe('failed');
    const comments = () => double.state.commentsOn(OWNER, REPO, 7);
    expect(comments()).toHaveLength(1);
    const created = comments()[0]!;
    expect(first.stdout).toContain(
      `PR comment created: https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${created.id}`,
    );
    expect(created.body).toBe(
      [
        COMMENT_MARKER,
        '<h3>Security scan: failed ❌</h3>',
        '<p>1 finding(s) at or above high (1 high)</p>',
        '<table><tr><th>Critical</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th><th>New</th><th>Fixed</th><th>Suppressed</th></tr><tr><td>0</td><td>1</td><td>1</td><td>0</td><td>0</td><td>2</td><td>0</td><td>0</td></tr></table>',
        `<details open><summary>New findings (2)</summary>\n\n<ul><li><strong>high</strong> <code>python.lang.security.audit.eval</code> eval of user input — <a href="${BLOB}/src%20dir/app.py#L3">src dir/app.py:3</a></li><li><strong>medium</strong> <code>python.lang.security.audit.exec</code> exec of user input — <a href="${BLOB}/src%20dir/app.py#L9">src dir/app.py:9</a></li></ul>\n\n\n</details>`,
        `<p><a href="https://github.com/${OWNER}/${REPO}/actions/runs/9000000001">Details in the job summary</a></p>`,
      ].join('\n\n') + '\n',
    );
    expect(created.author.login).toBe('github-actions[bot]');

    // The re-run after a fix: one finding left, below the gate.
    writeFileSync(
      path.join(ws, 'semgrep.json'),
      JSON.stringify({
        results: [
          semgrepResult('python.lang.security.audit.exec', 'src dir/app.py', 9, 'exec of user input', 'WARNING'),
        ],
        errors: [],
      }),
    );
    const second = await scan(ws, {}, 'pull_request', pullRequest(7));
    expect(second.exitCode).toBe(0);
    expect(comments()).toHaveLength(1);
    const updated = comments()[0]!;
    expect(updated.id).toBe(created.id);
    expect(second.stdout).toContain(
      `PR comment updated: https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${created.id}`,
    );
    expect(
      updated.body.startsWith(
        `${COMMENT_MARKER}\n\n<h3>Security scan: passed ✅</h3>\n\n<p>no finding at or above high</p>`,
      ),
    ).toBe(true);
    expect(updated.body).toContain('<details><summary>New findings (1)</summary>');

    expect(double.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
      'issues/list-comments 200',
      'issues/create-comment 201',
      'issues/list-comments 200',
      'issues/update-comment 200',
    ]);
    expect(double.requests.every((q) => q.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(unmasked(first.stdout + second.stdout) + first.summary + second.summary).not.toContain(TOKEN);
    // The JSON output names the commit scanned: what a workflow_run comment is checked against.
    expect((JSON.parse(readFileSync(path.join(ws, 'security-scan.json'), 'utf8')) as { commit: string }).commit).toBe(
      HEAD,
    );
    double.assertNoViolations();
  }, 120_000);

  it('lists at most 30 new findings, then "and N more"', async () => {
    const r = await scan(workspace(45), { 'fail-on': 'none' }, 'pull_request', pullRequest(8));
    expect(r.exitCode).toBe(0);
    const body = double.state.commentsOn(OWNER, REPO, 8)[0]!.body;
    expect(body.match(/<li>/g)).toHaveLength(30);
    expect(body).toContain('<p>… and 15 more.</p>');
    expect(body).toContain('<details><summary>New findings (45)</summary>');
    double.assertNoViolations();
  }, 90_000);

  it("a fork's read-only token (403) leaves a notice naming pull-requests: write, and the verdict stands", async () => {
    double.fail('issues/create-comment', 403, 'Resource not accessible by integration', 1);
    const r = await scan(workspace(2), {}, 'pull_request', pullRequest(9));
    expect(r.exitCode).toBe(1);
    expect(r.outputs.status).toBe('failed');
    expect(commentNotices(r)).toEqual([
      [
        'notice',
        expect.stringMatching(
          /^No PR comment: GitHub refused the comment \(403: Resource not accessible by integration.*\); the token needs pull-requests: write, and a pull request from a fork gets a read-only token$/,
        ),
      ],
    ]);
    expect(errors(r)).toEqual(['security-scan: 1 finding(s) at or above high (1 high)']);
    expect(double.state.commentsOn(OWNER, REPO, 9)).toEqual([]);
    double.assertNoViolations();
  }, 90_000);

  it('an empty token leaves a notice and calls nothing; comment: false and a push stay silent', async () => {
    const ws = workspace(1);
    const noToken = await scan(ws, { 'github-token': '' }, 'pull_request', pullRequest(10));
    expect(commentNotices(noToken)).toEqual([
      [
        'notice',
        'No PR comment: github-token is empty (give it a token with pull-requests: write, or set comment: false)',
      ],
    ]);
    const off = await scan(ws, { comment: 'false' }, 'pull_request', pullRequest(10));
    expect(commentNotices(off)).toEqual([]);
    expect(off.stdout).not.toContain('PR comment');
    const push = await scan(
      ws,
      {},
      'push',
      sampleEvent('push', { ref: 'refs/heads/main', before: OTHER, after: HEAD }),
    );
    expect(push.stdout).toContain('PR comment: skipped, the event is not a pull request');
    expect(double.requests).toEqual([]);
  }, 90_000);
});

describe('security-scan fork-safe comment (workflow_run, comment-from)', () => {
  /** The pull request run's JSON output, "downloaded" into a fresh workspace as download-artifact would. */
  async function uploaded(): Promise<string> {
    const pr = workspace(2);
    const r = await scan(pr, { 'github-token': '' }, 'pull_request', pullRequest(12));
    expect(r.outputs['json-file']).toBe('security-scan.json');
    const ws = mkdtempSync(path.join(tmpdir(), 'scan-comment-from-'));
    dirs.push(ws);
    mkdirSync(path.join(ws, 'artifact'));
    cpSync(path.join(pr, 'security-scan.json'), path.join(ws, 'artifact/security-scan.json'));
    return ws;
  }
  const commentFrom = (ws: string, event: Record<string, unknown>, inputs: Record<string, string> = {}) =>
    runBundledAction(ACTION, {
      inputs: { 'comment-from': 'artifact/security-scan.json', ...inputs },
      workspace: ws,
      eventName: 'workflow_run',
      event,
      env: { GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
      timeoutMs: 60_000,
    });

  it("posts the pull request run's comment on the fork's pull request, found by head, then updates it", async () => {
    const ws = await uploaded();
    double.requests.length = 0;
    const r = await commentFrom(ws, workflowRun(HEAD));
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const comments = double.state.commentsOn(OWNER, REPO, 12);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.startsWith(`${COMMENT_MARKER}\n\n<h3>Security scan: failed ❌</h3>`)).toBe(true);
    expect(body).toContain(`<a href="${BLOB}/src%20dir/app.py#L3">src dir/app.py:3</a>`);
    // The link to the details is the pull request run's, not the workflow_run job's.
    expect(body).toContain(
      `<a href="https://github.com/${OWNER}/${REPO}/actions/runs/31337">Details in the job summary</a>`,
    );
    expect(r.stdout).toContain(
      `PR comment created: https://github.com/${OWNER}/${REPO}/pull/12#issuecomment-${comments[0]!.id}`,
    );
    // It only comments: no SARIF, no JSON, no outputs.
    expect(r.outputs).toEqual({});
    expect(double.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
      'pulls/list 200',
      'issues/list-comments 200',
      'issues/create-comment 201',
    ]);
    expect(double.calls('pulls/list')[0]!.query).toEqual({
      state: 'open',
      head: 'forker:feature',
      per_page: '100',
      page: '1',
    });

    const again = await commentFrom(ws, workflowRun(HEAD));
    expect(again.exitCode).toBe(0);
    expect(double.state.commentsOn(OWNER, REPO, 12)).toHaveLength(1);
    expect(again.stdout).toContain('PR comment updated');
    double.assertNoViolations();
  }, 120_000);

  it('refuses results whose commit is not the head the workflow run ran on, with one error line and no call', async () => {
    const ws = await uploaded();
    double.requests.length = 0;
    const r = await commentFrom(ws, workflowRun(OTHER));
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toEqual([
      `security-scan: the results are for commit ${HEAD}, but the workflow run ran on ${OTHER}: refusing to post them`,
    ]);
    expect(r.stdout).not.toContain('Stack trace');
    expect(double.requests).toEqual([]);
  }, 120_000);

  it('skips a pull request that moved on: no open pull request has the head', async () => {
    const ws = await uploaded();
    const json = path.join(ws, 'artifact/security-scan.json');
    writeFileSync(json, readFileSync(json, 'utf8').replace(HEAD, OTHER));
    double.requests.length = 0;
    const r = await commentFrom(ws, workflowRun(OTHER, 5));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      `PR comment skipped: no open pull request has head ${OTHER} (closed, or pushed to since the run)`,
    );
    expect(double.requests.map((q) => q.operationId)).toEqual(['pulls/list']);
    double.assertNoViolations();
  }, 120_000);

  it('a commit heading two pull requests: skipped, unless the payload names one of them', async () => {
    const ws = await uploaded();
    const sameRepo = (pulls: unknown[]) =>
      workflowRun(HEAD, 77, {
        head_branch: 'twin',
        head_repository: {
          ...(sampleEvent('workflow_run', { action: 'completed' })['repository'] as Record<string, unknown>),
          owner: forker(OWNER),
        },
        pull_requests: pulls,
      });
    const ambiguous = await commentFrom(ws, sameRepo([]));
    expect(ambiguous.exitCode).toBe(0);
    expect(ambiguous.stdout).toContain(
      `PR comment skipped: 2 open pull requests have head ${HEAD} (#15, #16): not choosing one`,
    );
    expect(double.state.commentsOn(OWNER, REPO, 15)).toEqual([]);
    expect(double.state.commentsOn(OWNER, REPO, 16)).toEqual([]);

    const named = await commentFrom(ws, sameRepo([listedPull(16, HEAD), listedPull(15, OTHER)]));
    expect(named.exitCode).toBe(0);
    expect(double.state.commentsOn(OWNER, REPO, 15)).toEqual([]);
    expect(double.state.commentsOn(OWNER, REPO, 16)).toHaveLength(1);
    expect(double.calls('pulls/list').at(-1)!.query.head).toBe(`${OWNER}:twin`);
    double.assertNoViolations();
  }, 120_000);

  it('refuses comment-from on an event that is not workflow_run', async () => {
    const ws = await uploaded();
    const r = await runBundledAction(ACTION, {
      inputs: { 'comment-from': 'artifact/security-scan.json' },
      workspace: ws,
      eventName: 'pull_request',
      event: pullRequest(12),
      env: { GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
      timeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toEqual([
      'security-scan: a comment from an earlier run needs a workflow_run event (on: workflow_run)',
    ]);
  }, 120_000);
});
