import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  ensureBundled,
  fixturePath,
  GitHubApiDouble,
  runBundledAction,
  sampleEvent,
} from '@spikeformer-actions/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../src/pr-comment.js';
import { buildBottleRepo } from './bottle-repo.js';

// The bundled action against the local GitHub API double, which checks every request and
// response against GitHub's OpenAPI description; event payloads are valid by GitHub's webhook schemas.
let ws = '';
let baseSha = '';
let headSha = '';
let double: GitHubApiDouble;
const TOKEN = 'ghs_qualityGateTestToken0123456789';
const OWNER = 'spikeformer';
const REPO = 'spikeformer-kit';

beforeAll(async () => {
  ensureBundled('actions/quality-gate');
  ws = buildBottleRepo().dir;
  baseSha = execFileSync('git', ['rev-parse', 'base'], { cwd: ws, encoding: 'utf8' }).trim();
  headSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ws, encoding: 'utf8' }).trim();
  mkdirSync(path.join(ws, 'reports'));
  copyFileSync(fixturePath('reports/coverage/cobertura-pr.xml'), path.join(ws, 'reports/cobertura-pr.xml'));
  copyFileSync(fixturePath('reports/junit/pytest-pr-failures.xml'), path.join(ws, 'reports/junit-pr.xml'));
  double = new GitHubApiDouble();
  await double.start();
}, 240_000);
afterAll(async () => {
  await double.close();
  if (ws) rmSync(ws, { recursive: true, force: true });
});
beforeEach(() => {
  double.requests.length = 0;
  double.assertNoViolations();
});

/** stdout without its add-mask commands (the runner consumes them; they are the only place a secret may appear). */
const unmasked = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

const pullRequest = (number: number) =>
  sampleEvent('pull_request', {
    action: 'synchronize',
    number,
    pull_request: { number, base: { sha: baseSha, ref: 'base' }, head: { sha: headSha, ref: 'feature' } },
  });

const gate = (inputs: Record<string, string>, eventName: string, event: Record<string, unknown>) =>
  runBundledAction('actions/quality-gate', {
    inputs: {
      coverage: 'reports/cobertura-pr.xml',
      junit: 'reports/junit-pr.xml',
      'max-test-failures': '3',
      ...inputs,
    },
    workspace: ws,
    eventName,
    event,
    env: { GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
    timeoutMs: 60_000,
  });

describe('quality-gate on merge_group', () => {
  it('takes the diff base from merge_group.base_sha and computes changed-line coverage', async () => {
    const event = sampleEvent('merge_group', {
      action: 'checks_requested',
      merge_group: {
        base_sha: baseSha,
        head_sha: headSha,
        base_ref: 'refs/heads/base',
        head_ref: 'refs/heads/gh-readonly-queue/base/pr-7-' + headSha,
      },
    });
    const r = await gate({ 'min-diff-coverage': '80' }, 'merge_group', event);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs['diff-coverage']).toBe('82.93');
    expect(r.stdout).toContain(
      `Changed lines: git diff against merge-base ${baseSha.slice(0, 12)} of ${baseSha} and HEAD`,
    );
    expect(r.stdout).toContain('PASS    Changed-line coverage: 82.93% (threshold ≥ 80%)');
    // Not a pull request: no comment, no GitHub call.
    expect(r.stdout).toContain('PR comment: skipped, the event is not a pull request');
    expect(double.requests).toEqual([]);
  }, 90_000);
});

describe('quality-gate PR comment', () => {
  it('creates one comment, then updates it in place on a re-run, with zero OpenAPI violations', async () => {
    const first = await gate({ 'min-diff-coverage': '90' }, 'pull_request', pullRequest(7));
    expect(first.exitCode).toBe(1);
    expect(first.outputs.status).toBe('failed');
    const comments = () => double.state.commentsOn(OWNER, REPO, 7);
    expect(comments()).toHaveLength(1);
    const created = comments()[0]!;
    expect(first.stdout).toContain(
      `PR comment created: https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${created.id}`,
    );
    expect(created.body.startsWith(`${COMMENT_MARKER}\n\n<h3>Quality gate: failed ❌</h3>`)).toBe(true);
    expect(created.body).toContain('<tr><td>Changed-line coverage</td><td>82.93%</td><td>≥ 90%</td></tr>');
    expect(created.body).toContain('<li>Changed-line coverage 82.93% (34/41 executable changed lines)</li>');
    expect(created.body).toContain('<li>Tests: 3 failed of 366</li>');
    expect(created.body).toContain(
      `<code>bottle.py</code>: <a href="https://github.com/${OWNER}/${REPO}/blob/${headSha}/bottle.py#L2980">2980</a>, <a href="https://github.com/${OWNER}/${REPO}/blob/${headSha}/bottle.py#L2983">2983</a>`,
    );
    expect(created.body).toContain(
      `<a href="https://github.com/${OWNER}/${REPO}/blob/${headSha}/test/test_pr_extras.py#L26-L27">26-27</a>`,
    );
    expect(created.body).toContain(
      `<a href="https://github.com/${OWNER}/${REPO}/actions/runs/9000000001">Details in the job summary</a>`,
    );
    expect(created.author.login).toBe('github-actions[bot]');

    const second = await gate({ 'min-diff-coverage': '80' }, 'pull_request', pullRequest(7));
    expect(second.exitCode).toBe(0);
    expect(comments()).toHaveLength(1);
    const updated = comments()[0]!;
    expect(updated.id).toBe(created.id);
    expect(second.stdout).toContain(
      `PR comment updated: https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${created.id}`,
    );
    expect(updated.body.startsWith(`${COMMENT_MARKER}\n\n<h3>Quality gate: passed ✅</h3>`)).toBe(true);
    expect(updated.body).not.toContain('Failed condition');

    expect(double.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
      'issues/list-comments 200',
      'issues/create-comment 201',
      'issues/list-comments 200',
      'issues/update-comment 200',
    ]);
    expect(double.requests.every((q) => q.headers.authorization === `token ${TOKEN}`)).toBe(true);
    // The token is masked first thing (the runner hides it from then on) and shown nowhere else.
    expect(first.masks).toEqual([TOKEN]);
    expect(unmasked(first.stdout + second.stdout) + first.summary + second.summary).not.toContain(TOKEN);
    double.assertNoViolations();
  }, 120_000);

  it("a fork's read-only token (403) leaves a notice, and the gate's verdict stands", async () => {
    double.fail('issues/create-comment', 403, 'Resource not accessible by integration', 1);
    const r = await gate({}, 'pull_request', pullRequest(8));
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('passed');
    expect(r.annotations.filter((a) => a.title === 'Quality gate comment').map((a) => [a.level, a.message])).toEqual([
      [
        'notice',
        expect.stringMatching(
          /^No PR comment: GitHub refused the comment \(403: Resource not accessible by integration.*\); the token needs pull-requests: write, and a pull request from a fork gets a read-only token$/,
        ),
      ],
    ]);
    expect(double.state.commentsOn(OWNER, REPO, 8)).toEqual([]);
    expect(unmasked(r.stdout)).not.toContain(TOKEN);
    double.assertNoViolations();
  }, 90_000);

  it('an empty token leaves a notice and calls nothing; comment: false stays silent', async () => {
    const noToken = await gate({ 'github-token': '' }, 'pull_request', pullRequest(9));
    expect(noToken.exitCode).toBe(0);
    expect(
      noToken.annotations.filter((a) => a.title === 'Quality gate comment').map((a) => [a.level, a.message]),
    ).toEqual([
      [
        'notice',
        'No PR comment: github-token is empty (give it a token with pull-requests: write, or set comment: false)',
      ],
    ]);
    const off = await gate({ comment: 'false' }, 'pull_request', pullRequest(9));
    expect(off.exitCode).toBe(0);
    expect(off.annotations.filter((a) => a.title === 'Quality gate comment')).toEqual([]);
    expect(off.stdout).not.toContain('PR comment');
    expect(double.requests).toEqual([]);
  }, 90_000);

  it('refuses a token with a line break before any side effect', async () => {
    const r = await gate({ 'github-token': 'ghs_a\nghs_b' }, 'pull_request', pullRequest(10));
    expect(r.exitCode).toBe(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "quality-gate: Input 'github-token': contains whitespace or a control character",
    ]);
    expect(unmasked(r.stdout)).not.toContain('ghs_a');
    expect(double.requests).toEqual([]);
  }, 60_000);
});
