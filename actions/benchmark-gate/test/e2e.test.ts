import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureBundled,
  fixturePath,
  GitHubApiDouble,
  runBundledAction,
  sampleEvent,
} from '@spikeformer-actions/testing';

// The bundled action run as the runner runs it, on the real pytest-benchmark fixtures, with the
// PR comment posted to the local GitHub API double, which checks every request and response
// against GitHub's OpenAPI description; event payloads are valid by GitHub's webhook schemas.

const TOKEN = 'ghs_benchmarkGateTestToken0123456789';
const OWNER = 'spikeformer';
const REPO = 'spikeformer-kit';
const BASE_SHA = 'b'.repeat(40);
const RERUN_SHA = 'c'.repeat(40);
const MARKER = '<!-- spikeformer-actions/benchmark-gate:benchmark-gate -->';
let double: GitHubApiDouble;
let workspace = '';

beforeAll(async () => {
  ensureBundled('actions/benchmark-gate');
  double = new GitHubApiDouble();
  await double.start();
  workspace = mkdtempSync(path.join(tmpdir(), 'benchmark-gate-e2e-'));
  for (const name of ['base.json', 'base-rerun.json', 'slow.json'])
    copyFileSync(fixturePath(`reports/pytest-benchmark/${name}`), path.join(workspace, name));
}, 240_000);

afterAll(async () => {
  await double.close();
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

const pullRequest = (number: number, base = RERUN_SHA) => ({
  eventName: 'pull_request',
  event: sampleEvent('pull_request', {
    action: 'synchronize',
    number,
    pull_request: { number, base: { sha: base, ref: 'main' }, head: { sha: 'd'.repeat(40), ref: 'feature' } },
  }),
});

describe('benchmark-gate bundled, end to end', () => {
  it('first run without a baseline file starts the history; rerun of the same code passes; slow fails with exactly the slower benchmarks; a re-run updates the PR comment in place', async () => {
    const first = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: {
        results: 'base.json',
        baseline: 'history/benchmark-gate.json',
        'json-file': 'history/benchmark-gate.json',
      },
      env: { GITHUB_RUN_ID: '101', GITHUB_SHA: BASE_SHA },
      timeoutMs: 60_000,
    });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('passed');
    expect(first.outputs['json-file']).toBe('history/benchmark-gate.json');
    expect(
      first.annotations.some(
        (a) => a.level === 'notice' && a.message.includes('history/benchmark-gate.json not found'),
      ),
    ).toBe(true);
    const history = JSON.parse(readFileSync(path.join(workspace, 'history/benchmark-gate.json'), 'utf8')) as {
      schema: string;
      version: number;
      runs: Array<{ id: string }>;
    };
    expect(history.schema).toBe('spikeformer-actions/benchmark-gate/history');
    expect(history.runs.map((r) => r.id)).toEqual(['101.1']);

    const rerun = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: {
        results: 'base-rerun.json',
        baseline: 'history/benchmark-gate.json',
        'json-file': 'history/benchmark-gate.json',
      },
      env: { GITHUB_RUN_ID: '102', GITHUB_SHA: RERUN_SHA },
      timeoutMs: 60_000,
    });
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.outputs.status).toBe('passed');
    expect(rerun.outputs.regressions).toBe('0');
    expect(rerun.outputs.unchanged).toBe('6');

    const slow = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'slow.json', baseline: 'history/benchmark-gate.json', 'json-file': 'out/slow.json' },
      env: { GITHUB_RUN_ID: '103', GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
      ...pullRequest(7),
      timeoutMs: 60_000,
    });
    expect(slow.exitCode).toBe(1);
    expect(slow.outputs.status).toBe('failed');
    expect(slow.outputs.regressions).toBe('2');
    const errors = slow.annotations.filter((a) => a.level === 'error');
    // The log neutralises '::' in untrusted text with a zero-width space; names are compared without it.
    const named = errors
      .filter((a) => a.title === 'Benchmark regression')
      .map((a) => a.message.replace(/\u200b/g, '').split(': worse by')[0]);
    expect(named.sort()).toEqual([
      'test_bench_bottle.py::test_route_lookup',
      'test_bench_bottle.py::test_template_render',
    ]);
    expect(errors.some((a) => a.message.startsWith('benchmark-gate: Failed: 2 regression(s)'))).toBe(true);
    // Summary: the table sorted by severity and one history chart per regression.
    expect(slow.summary).toContain('<table>');
    // Names are HTML-escaped in the summary ('_' → '&#95;').
    expect(slow.summary.indexOf('route&#95;lookup')).toBeGreaterThan(0);
    expect(slow.summary.indexOf('route&#95;lookup')).toBeLessThan(slow.summary.indexOf('html&#95;escape'));
    expect(slow.summary.match(/```mermaid\nxychart-beta/g)?.length).toBe(2);
    // The chart of a regression runs over the history: base, rerun, this run (run ids on the x axis).
    expect(slow.summary).toContain('x-axis ["101.1", "102.1", "103.1"]');
    expect(slow.summary).toContain('y-axis "us"');
    // The history's newest run measured the PR's base commit: the summary and the comment say so.
    const note = `The baseline's newest run (102.1) measured this pull request's base, commit ${RERUN_SHA.slice(0, 12)}.`;
    // HTML-escaped in both (an apostrophe is &#39;).
    const shownNote = note.replaceAll("'", '&#39;');
    expect(slow.summary).toContain(`<p>${shownNote}</p>`);
    const comments = () => double.state.commentsOn(OWNER, REPO, 7);
    expect(comments()).toHaveLength(1);
    const created = comments()[0]!;
    expect(slow.stdout).toContain(
      `PR comment created: https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${created.id}`,
    );
    expect(created.body.startsWith(`${MARKER}\n### Benchmark gate: Failed: 2 regression(s), `)).toBe(true);
    expect(created.body).toContain(`\n${shownNote}\n`);
    expect(created.body).toContain('route&#95;lookup | 8.757 µs | 34.72 µs');
    expect(created.body).toContain('4 benchmark(s) unchanged.');
    expect(created.author.login).toBe('github-actions[bot]');

    const again = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'base-rerun.json', baseline: 'history/benchmark-gate.json', 'json-file': 'out/again.json' },
      env: { GITHUB_RUN_ID: '103', GITHUB_RUN_ATTEMPT: '2', GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
      ...pullRequest(7),
      timeoutMs: 60_000,
    });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.outputs.status).toBe('passed');
    expect(comments()).toHaveLength(1);
    const updated = comments()[0]!;
    expect(updated.id).toBe(created.id);
    expect(again.stdout).toContain(
      `PR comment updated: https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${created.id}`,
    );
    expect(
      updated.body.startsWith(
        `${MARKER}\n### Benchmark gate: Passed: 0 regression(s), 0 inconclusive, 0 improvement(s), 6 unchanged.\n`,
      ),
    ).toBe(true);
    expect(double.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
      'issues/list-comments 200',
      'issues/create-comment 201',
      'issues/list-comments 200',
      'issues/update-comment 200',
    ]);
    expect(double.requests.every((q) => q.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(again.masks).toEqual([TOKEN]);
    expect(unmasked(slow.stdout + again.stdout) + slow.summary + again.summary).not.toContain(TOKEN);
    double.assertNoViolations();
  }, 240_000);

  it('a corrupt or foreign-schema baseline is an error naming the file, not a reset', async () => {
    writeFileSync(
      path.join(workspace, 'corrupt.json'),
      '{"schema": "spikeformer-actions/benchmark-gate/history", "version": 1, "runs": [',
    );
    const corrupt = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'base.json', baseline: 'corrupt.json', 'json-file': 'out/corrupt.json' },
      env: { GITHUB_RUN_ID: '201' },
      timeoutMs: 60_000,
    });
    expect(corrupt.exitCode).toBe(1);
    expect(corrupt.annotations.find((a) => a.level === 'error')?.message).toMatch(/corrupt\.json.*invalid JSON/);

    // A pytest-benchmark report is not a history: refused with a pointer to json-file.
    const foreign = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'slow.json', baseline: 'base.json', 'json-file': 'out/foreign.json' },
      env: { GITHUB_RUN_ID: '202' },
      timeoutMs: 60_000,
    });
    expect(foreign.exitCode).toBe(1);
    expect(foreign.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /base\.json.*not a usable benchmark-gate history.*schema/,
    );

    // A report without benchmarks means they did not run: an error, not a pass.
    writeFileSync(path.join(workspace, 'empty.json'), JSON.stringify({ results: [] }));
    const empty = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'empty.json', format: 'hyperfine', 'json-file': 'out/empty.json' },
      env: { GITHUB_RUN_ID: '203' },
      timeoutMs: 60_000,
    });
    expect(empty.exitCode).toBe(1);
    expect(empty.annotations.find((a) => a.level === 'error')?.message).toMatch(/no benchmarks in empty\.json/);
  }, 240_000);
});

describe('benchmark-gate PR comment and base note', () => {
  const gate = (
    inputs: Record<string, string>,
    event: { eventName: string; event: Record<string, unknown> },
    env: Record<string, string> = {},
  ) =>
    runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: {
        results: 'base-rerun.json',
        baseline: 'history/benchmark-gate.json',
        'json-file': 'out/comment.json',
        ...inputs,
      },
      env: { GITHUB_RUN_ID: '301', GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN, ...env },
      ...event,
      timeoutMs: 60_000,
    });
  const commentNotes = (r: { annotations: Array<{ level: string; title?: string; message: string }> }) =>
    r.annotations.filter((a) => a.title === 'Benchmark gate comment').map((a) => [a.level, a.message]);

  it("a fork's read-only token (403) leaves a notice naming the permission, and the verdict stands", async () => {
    double.fail('issues/create-comment', 403, 'Resource not accessible by integration', 1);
    const r = await gate({}, pullRequest(8));
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.status).toBe('passed');
    expect(commentNotes(r)).toEqual([
      [
        'notice',
        expect.stringMatching(
          /^No PR comment: GitHub refused the comment \(403: Resource not accessible by integration.*\); the token needs pull-requests: write, and a pull request from a fork gets a read-only token$/,
        ),
      ],
    ]);
    expect(r.annotations.filter((a) => a.level === 'warning' || a.level === 'error')).toEqual([]);
    expect(double.state.commentsOn(OWNER, REPO, 8)).toEqual([]);
    expect(double.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
      'issues/list-comments 200',
      'issues/create-comment 403',
    ]);
    expect(unmasked(r.stdout)).not.toContain(TOKEN);
    double.assertNoViolations();
  }, 90_000);

  it('an empty token leaves a notice and calls nothing; comment: false stays silent; a push calls nothing', async () => {
    const noToken = await gate({ 'github-token': '' }, pullRequest(9));
    expect(noToken.exitCode).toBe(0);
    expect(commentNotes(noToken)).toEqual([
      [
        'notice',
        'No PR comment: github-token is empty (give it a token with pull-requests: write, or set comment: false)',
      ],
    ]);
    const off = await gate({ comment: 'false' }, pullRequest(9));
    expect(off.exitCode).toBe(0);
    expect(commentNotes(off)).toEqual([]);
    expect(off.stdout).not.toContain('PR comment');
    const push = await gate({}, { eventName: 'push', event: {} });
    expect(push.exitCode).toBe(0);
    expect(push.stdout).toContain('PR comment: skipped, the event is not a pull request');
    expect(push.summary).not.toContain('base, commit');
    expect(double.requests).toEqual([]);
  }, 90_000);

  it("on merge_group, the summary says the history did not measure the group's base", async () => {
    const groupBase = 'e'.repeat(40);
    const event = sampleEvent('merge_group', {
      action: 'checks_requested',
      merge_group: {
        base_sha: groupBase,
        head_sha: 'f'.repeat(40),
        base_ref: 'refs/heads/main',
        head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${'f'.repeat(40)}`,
      },
    });
    const r = await gate({}, { eventName: 'merge_group', event });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.summary).toContain(
      `<p>No baseline run measured this merge group&#39;s base, commit eeeeeeeeeeee; the newest (102.1) is of commit cccccccccccc on refs/heads/main: changes between the two count as this change.</p>`,
    );
    expect(r.stdout).toContain('PR comment: skipped, the event is not a pull request');
    expect(double.requests).toEqual([]);
  }, 90_000);

  it('refuses a token with a line break before any side effect', async () => {
    const r = await gate({ 'github-token': 'ghs_a\nghs_b', 'json-file': 'out/refused.json' }, pullRequest(10));
    expect(r.exitCode).toBe(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "benchmark-gate: Input 'github-token': contains whitespace or a control character",
    ]);
    expect(unmasked(r.stdout)).not.toContain('ghs_a');
    expect(double.requests).toEqual([]);
  }, 60_000);
});
