import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, GitHubApiDouble, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockfilesDir } from './helpers.js';

// The bundled action against the local GitHub API double, which checks every request and
// response against GitHub's OpenAPI description.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const ACTION = 'actions/sbom';
const TOKEN = 'ghs_sbomSubmissionToken0123456789';
const OWNER = 'spikeformer';
const REPO = 'spikeformer-kit';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const TITLE = 'sbom: dependency submission';

let double: GitHubApiDouble;
let ws = '';

beforeAll(async () => {
  ensureBundled(ACTION);
  ws = mkdtempSync(path.join(tmpdir(), 'sbom-submit-'));
  cpSync(path.join(lockfilesDir, 'uv'), path.join(ws, 'uv'), { recursive: true });
  double = new GitHubApiDouble();
  await double.start();
});
afterAll(async () => {
  await double.close();
  if (ws) rmSync(ws, { recursive: true, force: true });
});
beforeEach(() => {
  double.requests.length = 0;
  double.state.snapshots.length = 0;
  double.assertNoViolations();
});

/** One sbom step; env adds to (or overrides) the runner's variables, e.g. GITHUB_ACTION for a step id. */
const step = (inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunResult> =>
  runBundledAction(ACTION, {
    workspace: ws,
    inputs: { path: 'uv', reproducible: 'true', ...inputs },
    env: { GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN, ...env },
    timeoutMs: 60_000,
  });

/** stdout without its add-mask commands (the runner consumes them; they are the only place a secret may appear). */
const unmasked = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

const submissionAnnotations = (r: RunResult): Array<[string, string]> =>
  r.annotations.filter((a) => a.title === TITLE).map((a) => [a.level, a.message]);

interface SentSnapshot {
  version: number;
  sha: string;
  ref: string;
  job: { correlator: string; id: string; html_url: string };
  detector: { name: string; version: string; url: string };
  manifests: Record<string, { resolved: Record<string, { relationship: string; scope: string }> }>;
}

const sent = (): SentSnapshot[] => double.state.snapshots.map((s) => s.body as unknown as SentSnapshot);

describe('dependency submission through Octokit, against the GitHub API double', () => {
  it('submits a schema-valid snapshot with the default token and a per-step correlator', async () => {
    const r = await step({});
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(double.requests.map((q) => `${q.method} ${q.path} ${q.operationId} ${q.status}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/dependency-graph/snapshots dependency-graph/create-repository-snapshot 201`,
    ]);
    const [request] = double.requests;
    expect(request?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(request?.headers.apiVersion).toBe('2022-11-28');
    const [snapshot] = sent();
    expect(snapshot?.version).toBe(0);
    expect(snapshot?.sha).toBe(SHA);
    expect(snapshot?.ref).toBe('refs/heads/main');
    // A step without an id (the runner's GITHUB_ACTION is __run): the output path names it.
    expect(snapshot?.job).toEqual({
      correlator: 'CI_test_sbom.cdx.json',
      id: '9000000001',
      html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/9000000001`,
    });
    expect(snapshot?.detector.name).toBe('spikeformer-actions/sbom');
    expect(Object.keys(snapshot?.manifests ?? {})).toEqual(['uv/uv.lock']);
    expect(Object.keys(snapshot?.manifests['uv/uv.lock']?.resolved ?? {})).toHaveLength(88);
    const id = double.state.snapshots[0]?.id;
    expect(r.stdout).toContain(
      `dependency graph: snapshot ${id} submitted (88 packages, correlator 'CI_test_sbom.cdx.json')`,
    );
    expect(r.summary).toContain(
      `Dependency graph: snapshot ${id} submitted (88 packages, correlator &#39;CI&#95;test&#95;sbom.cdx.json&#39;)`,
    );
    expect(submissionAnnotations(r)).toEqual([]);
    // The token is masked first thing and shown nowhere else.
    expect(r.masks).toEqual([TOKEN]);
    expect(unmasked(r.stdout) + r.summary + JSON.stringify(r.outputs)).not.toContain(TOKEN);
    double.assertNoViolations();
  });

  it('two sbom steps in one job with different outputs keep two snapshots; a step id names its step', async () => {
    const app = await step({ output: 'app/sbom.cdx.json' });
    const tools = await step({ output: 'tools/sbom.cdx.json' });
    const withId = await step({ output: 'sbom.cdx.json' }, { GITHUB_ACTION: 'sbom-runtime' });
    // The same step run again (a re-run) replaces its own snapshot and no other.
    const again = await step({ output: 'app/sbom.cdx.json' });
    for (const r of [app, tools, withId, again]) expect(r.exitCode).toBe(0);
    expect(sent().map((s) => s.job.correlator)).toEqual([
      'CI_test_app/sbom.cdx.json',
      'CI_test_tools/sbom.cdx.json',
      'CI_test_sbom-runtime',
      'CI_test_app/sbom.cdx.json',
    ]);
    // GitHub keeps the latest snapshot per correlator and detector.
    const kept = new Map(sent().map((s) => [`${s.job.correlator} ${s.detector.name}`, s]));
    expect([...kept.keys()]).toEqual([
      'CI_test_app/sbom.cdx.json spikeformer-actions/sbom',
      'CI_test_tools/sbom.cdx.json spikeformer-actions/sbom',
      'CI_test_sbom-runtime spikeformer-actions/sbom',
    ]);
    double.assertNoViolations();
  });

  it('takes the correlator input as given', async () => {
    const r = await step({ correlator: 'release sbom (linux-x64)' });
    expect(r.exitCode).toBe(0);
    expect(sent().map((s) => s.job.correlator)).toEqual(['release sbom (linux-x64)']);
    double.assertNoViolations();
  });

  it('a token without contents: write (403) is a warning naming the permission; the SBOM and the verdict stand', async () => {
    double.fail('dependency-graph/create-repository-snapshot', 403, 'Resource not accessible by integration', 1);
    const r = await step({});
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'sbom-file': 'sbom.cdx.json', status: 'passed' });
    expect(submissionAnnotations(r)).toEqual([
      [
        'warning',
        'GitHub refused the dependency snapshot (HTTP 403: Resource not accessible by integration - https://docs.github.com/rest): the job needs `permissions: contents: write`, and a pull request from a fork gets a read-only token (set dependency-submission: false to write the SBOM only)',
      ],
    ]);
    expect(r.summary).toContain('Dependency graph: not submitted: GitHub refused the dependency snapshot (HTTP 403');
    expect(double.state.snapshots).toEqual([]);
    expect(unmasked(r.stdout) + r.summary).not.toContain(TOKEN);
    double.assertNoViolations();
  });

  it('a 404 with dependency-submission: true fails the step with one error line, after writing the SBOM', async () => {
    double.fail('dependency-graph/create-repository-snapshot', 404, 'Not Found', 1);
    const r = await step({ 'dependency-submission': 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['sbom-file']).toBe('sbom.cdx.json');
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'sbom: GitHub refused the dependency snapshot (HTTP 404: Not Found - https://docs.github.com/rest): the job needs `permissions: contents: write`, and a pull request from a fork gets a read-only token (set dependency-submission: false to write the SBOM only)',
    ]);
    expect(submissionAnnotations(r)).toEqual([]);
    expect(r.stdout).not.toContain('Stack trace');
    double.assertNoViolations();
  });

  it('no token skips the submission with a notice; dependency-submission: false stays silent; neither calls GitHub', async () => {
    const noToken = await step({ 'github-token': '' });
    expect(noToken.exitCode).toBe(0);
    expect(submissionAnnotations(noToken)).toEqual([
      [
        'notice',
        'No dependency submission: github-token is empty (give it a token with `permissions: contents: write`, or set dependency-submission: false)',
      ],
    ]);
    const off = await step({ 'dependency-submission': 'false' });
    expect(off.exitCode).toBe(0);
    expect(off.annotations).toEqual([]);
    expect(off.stdout).not.toContain('dependency graph');
    expect(off.summary).not.toContain('Dependency graph');
    expect(double.requests).toEqual([]);
  });

  it('dependency-submission: true with an empty token is refused before anything is written', async () => {
    const r = await step({ 'github-token': '', 'dependency-submission': 'true', output: 'refused/sbom.cdx.json' });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "sbom: Input 'github-token': is empty, and dependency-submission: true needs a token with `permissions: contents: write`",
    ]);
    expect(r.outputs).toEqual({});
    expect(double.requests).toEqual([]);
  });
});
