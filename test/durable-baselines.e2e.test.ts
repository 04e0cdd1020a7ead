// The durable baselines of ci.yml end to end against the GitHub API double: the workflow's own
// `run:` scripts (read from ci.yml, so this breaks when the workflow changes) with `gh api` sent to
// the double, the artifacts uploaded into and downloaded from the double as upload-artifact and
// download-artifact do, and the bundled security-scan and benchmark-gate judging with what arrived.
// Every request and response is checked against GitHub's OpenAPI description.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, fixturePath, runBundledAction, type RunResult } from '../packages/testing/lib/index.js';
import {
  addWorkflowRun,
  GitHubApiDouble,
  installGhStandIn,
  readZip,
  uploadArtifact,
  type StoredWorkflowRun,
} from '../packages/testing/lib/github/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/lib/actions.ts';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const ci = parse(readFileSync(path.join(repoRoot, 'workflows-examples/ci.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>;
};
const step = (job: string, pick: (s: Step) => boolean): Step => {
  const found = ci.jobs[job]?.steps.find(pick);
  if (!found) throw new Error(`no such step in ${job}`);
  return found;
};
const findStep = step('baselines', (s) => s.id === 'find');
const policyStep = step('security', (s) => s.id === 'policy');
const historyWarningStep = step('benchmarks', (s) => s.name === 'Say when the history starts over');
const securityDownload = step('security', (s) => s.name === 'Download the accepted baseline');
const historyDownload = step('benchmarks', (s) => s.name === 'Download the benchmark history');
const securityWriter = step('security', (s) => s.name === 'Keep the findings as the next baseline');
const historyWriter = step('benchmarks', (s) => s.name === 'Keep the history for the next run');
const scanStep = step('security', (s) => s.id === 'scan');
const gateStep = step('benchmarks', (s) => s.id === 'gate');

const OWNER = 'org';
const REPO = 'spikeformer-kit';
const TOKEN = 'ghs_DurableBaselinesToken0123456789';
const MISSING =
  'no accepted baseline: no push to the default branch left a spikeformer-security-baseline artifact that has not expired';
const HISTORY_WARNING =
  '::warning title=benchmark history::no default-branch run left a spikeformer-benchmark-history artifact that has not expired; this run compares with nothing and its results start the history';

let double: GitHubApiDouble;
let ghBin = '';

beforeAll(async () => {
  ensureBundled('actions/security-scan');
  ensureBundled('actions/benchmark-gate');
  double = new GitHubApiDouble();
  await double.start();
  ghBin = installGhStandIn();
}, 300_000);
afterAll(() => double.close());

interface StepResult {
  status: number | null;
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
}

/**
 * Runs a `run:` script as the runner does (bash -e -o pipefail) with the runner's variables and
 * the step's `env:` values given; asynchronous, because the double answers from this process.
 */
function runScript(script: string, dir: string, env: Record<string, string>): Promise<StepResult> {
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'sf-output-')), 'output');
  writeFileSync(output, '');
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: dir,
    env: {
      PATH: `${ghBin}:${process.env['PATH'] ?? ''}`,
      GITHUB_API_URL: double.url,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), 'sf-runner-temp-')),
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve) =>
    child.on('close', (status) => {
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ status, outputs, stdout, stderr });
    }),
  );
}

/** The `find` step's `env:` with the values its expressions take on a push or a pull request. */
function findEnv(): Record<string, string> {
  expect(findStep.env).toEqual({
    GH_TOKEN: '${{ github.token }}',
    DEFAULT_BRANCH: '${{ github.event.repository.default_branch }}',
  });
  return { GH_TOKEN: TOKEN, DEFAULT_BRANCH: 'main' };
}

/**
 * What actions/download-artifact does with `name`, `run-id` and `github-token`: lists the run's
 * artifacts of that name through the REST API, downloads the zip and unpacks it into `path`.
 */
async function downloadArtifact(download: Step, runId: string, workspace: string): Promise<void> {
  const { name = '', path: into = '' } = download.with ?? {};
  const api = `${double.url}/repos/${OWNER}/${REPO}`;
  const headers = { authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json' };
  const listed = (await (await fetch(`${api}/actions/runs/${runId}/artifacts?name=${name}`, { headers })).json()) as {
    artifacts: Array<{ id: number }>;
  };
  const id = listed.artifacts[0]?.id;
  if (id === undefined) throw new Error(`Artifact not found for name: ${name}`);
  const zip = Buffer.from(await (await fetch(`${api}/actions/artifacts/${id}/zip`, { headers })).arrayBuffer());
  for (const [file, bytes] of Object.entries(readZip(zip))) {
    mkdirSync(path.dirname(path.join(workspace, into, file)), { recursive: true });
    writeFileSync(path.join(workspace, into, file), bytes);
  }
}

/** What actions/upload-artifact stores for a run: the file under its base name. */
function upload(run: StoredWorkflowRun, writer: Step, workspace: string, file: string): void {
  uploadArtifact(
    double.state,
    run,
    writer.with?.name ?? '',
    {
      [path.basename(file)]: readFileSync(path.join(workspace, file)),
    },
    90,
  );
}

interface SecurityJob {
  policy: StepResult;
  scan: RunResult | undefined;
}

/** The security job of ci.yml for one run: download (when found), policy, scan, and the writer. */
async function securityJob(run: StoredWorkflowRun, runId: string, onMissing: string): Promise<SecurityJob> {
  const ws = mkdtempSync(path.join(tmpdir(), 'sf-security-'));
  mkdirSync(path.join(ws, 'reports'));
  copyFileSync(fixturePath('reports/bandit/bandit.json'), path.join(ws, 'reports/bandit.json'));
  if (runId !== '') await downloadArtifact(securityDownload, runId, ws);
  const policy = await runScript(policyStep.run ?? '', ws, { POLICY: onMissing, FAIL_ON: 'high', RUN_ID: runId });
  if (policy.status !== 0) return { policy, scan: undefined };
  expect(Object.keys(scanStep.with ?? {})).toEqual(
    expect.arrayContaining(['reports', 'fail-on', 'baseline', 'json-output']),
  );
  const scan = await runBundledAction('actions/security-scan', {
    workspace: ws,
    inputs: {
      reports: 'reports/bandit.json',
      'fail-on': policy.outputs['fail-on'] ?? '',
      baseline: policy.outputs['baseline'] ?? '',
      'sarif-output': scanStep.with?.['sarif-output'] ?? '',
      'json-output': scanStep.with?.['json-output'] ?? '',
      comment: 'false',
    },
    env: { GITHUB_RUN_ID: String(run.id), GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
    eventName: run.event,
    timeoutMs: 120_000,
  });
  // The writer's condition: success() && a push to the default branch && a JSON file.
  if (scan.exitCode === 0 && run.event === 'push' && run.headBranch === 'main' && scan.outputs['json-file'])
    upload(run, securityWriter, ws, scan.outputs['json-file']);
  return { policy, scan };
}

interface BenchmarkJob {
  warning: StepResult | undefined;
  gate: RunResult;
}

/** The benchmarks job of ci.yml for one run. */
async function benchmarksJob(run: StoredWorkflowRun, runId: string, results: string): Promise<BenchmarkJob> {
  const ws = mkdtempSync(path.join(tmpdir(), 'sf-benchmarks-'));
  copyFileSync(fixturePath(`reports/pytest-benchmark/${results}`), path.join(ws, 'results.json'));
  if (runId !== '') await downloadArtifact(historyDownload, runId, ws);
  const warning = runId === '' ? await runScript(historyWarningStep.run ?? '', ws, {}) : undefined;
  const gate = await runBundledAction('actions/benchmark-gate', {
    workspace: ws,
    inputs: { results: 'results.json', baseline: gateStep.with?.['baseline'] ?? '', comment: 'false' },
    env: { GITHUB_RUN_ID: String(run.id), GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
    eventName: run.event,
    timeoutMs: 120_000,
  });
  // The writer's condition: always() && a JSON file && a push to the default branch.
  if (run.event === 'push' && run.headBranch === 'main' && gate.outputs['json-file'])
    upload(run, historyWriter, ws, gate.outputs['json-file']);
  return { warning, gate };
}

const newRun = (event: string, headBranch: string): StoredWorkflowRun =>
  addWorkflowRun(double.state, { owner: OWNER, repo: REPO, event, headBranch });

const find = async (run: StoredWorkflowRun): Promise<Record<string, string>> => {
  const ws = mkdtempSync(path.join(tmpdir(), 'sf-baselines-'));
  const result = await runScript(findStep.run ?? '', ws, { ...findEnv(), GITHUB_RUN_ID: String(run.id) });
  expect([result.status, result.stderr]).toEqual([0, '']);
  return result.outputs;
};

const annotations = (r: RunResult, level: string): string[] =>
  r.annotations.filter((a) => a.level === level).map((a) => a.message);

describe('durable baselines, end to end against the GitHub API double', () => {
  let storedBy: StoredWorkflowRun;

  it('the first push to the default branch finds nothing, says so, and stores both baselines', async () => {
    storedBy = newRun('push', 'main');
    expect(await find(storedBy)).toEqual({ 'security-run-id': '', 'benchmark-run-id': '' });

    // Bootstrapping with new-only-off: the backlog is reported, none fails, and the push stores it.
    const security = await securityJob(storedBy, '', 'new-only-off');
    expect(security.policy.stdout).toBe(
      `::warning title=security baseline::${MISSING}; every finding is reported and none fails the gate (on-missing-baseline: new-only-off)\n`,
    );
    expect([security.scan?.exitCode, security.scan?.outputs['status'], security.scan?.outputs['total']]).toEqual([
      0,
      'passed',
      '19',
    ]);

    const benchmarks = await benchmarksJob(storedBy, '', 'base.json');
    expect(benchmarks.warning?.stdout).toBe(`${HISTORY_WARNING}\n`);
    expect([benchmarks.gate.exitCode, benchmarks.gate.outputs['status']]).toEqual([0, 'passed']);

    expect([...double.state.artifacts.values()].map((a) => [a.runId, a.name, Object.keys(readZip(a.zip))])).toEqual([
      [storedBy.id, 'spikeformer-security-baseline', ['security-scan.json']],
      [storedBy.id, 'spikeformer-benchmark-history', ['benchmark-gate.json']],
    ]);
    double.assertNoViolations();
  }, 300_000);

  it("a pull request's run reads them: no new finding passes the gate, the history is compared with", async () => {
    // A fork's pull request names its branch main and uploads an artifact of the same name: not read.
    const fork = addWorkflowRun(double.state, {
      owner: OWNER,
      repo: REPO,
      event: 'pull_request',
      headBranch: 'main',
      headRepository: `mallory/${REPO}`,
    });
    uploadArtifact(double.state, fork, 'spikeformer-security-baseline', { 'security-scan.json': '{}' });
    const pr = newRun('pull_request', 'feature');
    const ids = await find(pr);
    expect(ids).toEqual({ 'security-run-id': String(storedBy.id), 'benchmark-run-id': String(storedBy.id) });

    const security = await securityJob(pr, ids['security-run-id'] ?? '', 'fail');
    expect(security.policy.stdout).toBe(`accepted baseline from run ${storedBy.id}\n`);
    expect(security.policy.outputs).toEqual({ baseline: '.security-baseline/security-scan.json', 'fail-on': 'high' });
    expect([
      security.scan?.exitCode,
      security.scan?.outputs['status'],
      security.scan?.outputs['new'],
      security.scan?.outputs['total'],
    ]).toEqual([0, 'passed', '0', '19']);

    const benchmarks = await benchmarksJob(pr, ids['benchmark-run-id'] ?? '', 'base-rerun.json');
    expect(benchmarks.warning).toBeUndefined();
    expect([benchmarks.gate.exitCode, benchmarks.gate.outputs['status'], benchmarks.gate.outputs['unchanged']]).toEqual(
      [0, 'passed', '6'],
    );
    // A pull request of this repository stores nothing.
    expect([...double.state.artifacts.values()].map((a) => a.runId)).toEqual([storedBy.id, storedBy.id, fork.id]);
    double.assertNoViolations();
  }, 300_000);

  it('eviction of the cache changes nothing: no step uses a cache, and the baseline arrives through the API', async () => {
    const uses = Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''));
    expect(uses.filter((u) => u.startsWith('actions/cache'))).toEqual([]);
    expect(double.requests.filter((r) => r.path.includes('/actions/caches'))).toEqual([]);
    // A run on a new runner, nothing carried over, finds the same run.
    const pr = newRun('pull_request', 'other-feature');
    expect(await find(pr)).toEqual({ 'security-run-id': String(storedBy.id), 'benchmark-run-id': String(storedBy.id) });
    const ops = double.requests.map((r) => r.operationId);
    expect(new Set(ops)).toEqual(
      new Set([
        'actions/list-artifacts-for-repo',
        'actions/get-workflow-run',
        'actions/list-workflow-run-artifacts',
        'actions/download-artifact',
        undefined, // the zip, served from the URL the 302 names
      ]),
    );
    double.assertNoViolations();
  }, 120_000);

  describe('a missing baseline (the stored one expired) gives the chosen policy verdict and says so', () => {
    let pr: StoredWorkflowRun;
    beforeAll(async () => {
      for (const a of double.state.artifacts.values()) a.expired = true;
      pr = newRun('pull_request', 'feature');
      expect(await find(pr)).toEqual({ 'security-run-id': '', 'benchmark-run-id': '' });
    }, 120_000);

    it('fail: the job fails with an error before the scan', async () => {
      const job = await securityJob(pr, '', 'fail');
      expect([job.policy.status, job.policy.stdout, job.scan]).toEqual([
        1,
        `::error title=security baseline::${MISSING} (on-missing-baseline: fail)\n`,
        undefined,
      ]);
    }, 120_000);

    it('all-findings: the whole backlog is judged against fail-on and fails the gate, with a warning', async () => {
      const job = await securityJob(pr, '', 'all-findings');
      expect(job.policy.stdout).toBe(
        `::warning title=security baseline::${MISSING}; every finding is judged against fail-on (on-missing-baseline: all-findings)\n`,
      );
      expect([
        job.scan?.exitCode,
        job.scan?.outputs['status'],
        job.scan?.outputs['new'],
        job.scan?.outputs['total'],
      ]).toEqual([1, 'failed', '19', '19']);
      expect(annotations(job.scan!, 'error').filter((m) => m.startsWith('security-scan:'))).toEqual([
        expect.stringMatching(/finding\(s\) at or above high/),
      ]);
    }, 120_000);

    it('new-only-off: every finding is reported and none fails the gate, with a warning', async () => {
      const job = await securityJob(pr, '', 'new-only-off');
      expect(job.policy.stdout).toBe(
        `::warning title=security baseline::${MISSING}; every finding is reported and none fails the gate (on-missing-baseline: new-only-off)\n`,
      );
      expect([job.scan?.exitCode, job.scan?.outputs['status'], job.scan?.outputs['total']]).toEqual([
        0,
        'passed',
        '19',
      ]);
    }, 120_000);

    it('the benchmark history starts over with a warning', async () => {
      const job = await benchmarksJob(pr, '', 'base-rerun.json');
      expect(job.warning?.stdout).toBe(`${HISTORY_WARNING}\n`);
      expect(annotations(job.gate, 'notice')).toEqual([
        expect.stringContaining('.benchmark-history/benchmark-gate.json not found'),
      ]);
      double.assertNoViolations();
    }, 120_000);
  });
});

// The artifact each writer uploads is the one each download step asks for.
it('writers and readers name the same artifacts, and the readers use the found run', () => {
  expect([securityWriter.with?.name, historyWriter.with?.name]).toEqual([
    securityDownload.with?.name,
    historyDownload.with?.name,
  ]);
  expect([securityDownload.with?.['run-id'], historyDownload.with?.['run-id']]).toEqual([
    '${{ needs.baselines.outputs.security-run-id }}',
    '${{ needs.baselines.outputs.benchmark-run-id }}',
  ]);
  expect(existsSync(path.join(repoRoot, 'docs/durable-baselines.md'))).toBe(true);
});
