import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureBundled, GitHubApiDouble, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisFile } from '../src/record.js';
import { ACTION, imageOf, OLD_IMAGE, routerInputs, seedCluster } from './harness.js';

// The audit trail: the bundled action with real kubectl against the API-server double, and its
// GitHub Deployment against the GitHub API double (every request and response checked against
// GitHub's OpenAPI description). The metrics come from a stub Prometheus that gives every query
// the value the test sets, so each run takes seconds; canary.e2e.test.ts runs the real one.

const TOKEN = 'ghs_canaryDeployments0123456789abc';
const DIGEST = `sha256:${'cd'.repeat(32)}`;
const IMAGE = `registry.local/spikeformer-api@${DIGEST}`;
const RUN_URL = 'https://github.com/spikeformer/spikeformer-kit/actions/runs/9000000001/attempts/1';
const REPO_PATH = '/repos/spikeformer/spikeformer-kit';
const ANALYSIS = 'metric-defaults: { interval: 1s, count: 1 }';

let github: GitHubApiDouble;
let prometheus: { url: string; value: string; close(): Promise<void> };
let kube: KubeDouble | undefined;

/** Answers every instant and range query with one series of the current value. */
async function stubPrometheus(): Promise<typeof prometheus> {
  const stub = {
    url: '',
    value: '0',
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const now = Date.now() / 1000;
      const data = req.url?.startsWith('/api/v1/query_range')
        ? { resultType: 'matrix', result: [{ metric: {}, values: [[now, stub.value]] }] }
        : { resultType: 'vector', result: [{ metric: {}, value: [now, stub.value] }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

beforeAll(async () => {
  ensureBundled(ACTION);
  github = new GitHubApiDouble();
  await github.start();
  prometheus = await stubPrometheus();
}, 300_000);
afterAll(async () => {
  await github.close();
  await prometheus.close();
});
beforeEach(() => {
  github.requests.length = 0;
  github.state.deployments.clear();
  github.state.statuses.length = 0;
});
afterEach(async () => {
  github.assertNoViolations();
  await kube?.close();
  kube = undefined;
});

/** One canary step with the GitHub double as the runner's API and its token as github.token. */
function runCanary(cluster: KubeDouble, inputs: Record<string, string>): Promise<RunResult> {
  const client = cluster.newClient();
  return runBundledAction(ACTION, {
    inputs,
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN },
    timeoutMs: 120_000,
  });
}

async function canary(id: string, metricValue: string): Promise<RunResult> {
  kube = await seedCluster(id, 'gateway-api');
  prometheus.value = metricValue;
  return runCanary(kube, {
    deployment: id,
    service: id,
    image: `api=${IMAGE}`,
    steps: '50,100',
    pause: '0s',
    analysis: ANALYSIS,
    'rollout-timeout': '30s',
    'prometheus-url': prometheus.url,
    environment: 'production',
    ...routerInputs(id, 'gateway-api'),
  });
}

const analysisOf = (r: RunResult): AnalysisFile =>
  JSON.parse(readFileSync(path.join(r.workspace, r.outputs['analysis-file'] ?? ''), 'utf8')) as AnalysisFile;

/** The deployment the run created and the statuses it set, as GitHub stores them. */
function recorded(): { id: number; calls: string[]; statuses: string[][] } {
  const [created] = [...github.state.deployments.values()];
  const id = created?.id ?? 0;
  return {
    id,
    calls: github.requests.map((q) => `${q.method} ${q.path} ${q.operationId} ${q.status}`),
    statuses: github.state.statuses.map((s) => [s.state, s.description, s.logUrl, s.environment]),
  };
}

const callsFor = (id: number, statuses: number): string[] => [
  `POST ${REPO_PATH}/deployments repos/create-deployment 201`,
  ...Array.from(
    { length: statuses },
    () => `POST ${REPO_PATH}/deployments/${id}/statuses repos/create-deployment-status 201`,
  ),
];

describe('canary records a GitHub Deployment through Octokit', { timeout: 180_000 }, () => {
  it('a promotion: the deployment with images and digests, in_progress then success', async () => {
    const r = await canary('gh-promote', '0');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(imageOf(kube as KubeDouble, 'gh-promote')).toBe(IMAGE);
    const { id, calls, statuses } = recorded();
    expect(calls).toEqual(callsFor(id, 2));
    expect(github.requests.every((q) => q.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(github.state.deployments.get(id)).toMatchObject({
      ref: '0123456789abcdef0123456789abcdef01234567',
      environment: 'production',
      production: true,
      payload: {
        tool: 'canary',
        action: 'run',
        deployment: 'gh-promote',
        router: 'gateway-api',
        actor: 'octocat',
        images: { api: IMAGE },
        digests: { api: DIGEST },
        run: RUN_URL,
      },
    });
    expect(statuses).toEqual([
      ['in_progress', 'canary started', RUN_URL, 'production'],
      ['success', 'every step passed (50% → 100%)', RUN_URL, 'production'],
    ]);
    expect(analysisOf(r).githubDeployment).toMatchObject({
      environment: 'production',
      actor: 'octocat',
      images: { api: IMAGE },
      digests: { api: DIGEST },
      runUrl: RUN_URL,
      outcome: 'success',
      github: { id, statuses: [{ state: 'in_progress' }, { state: 'success' }] },
    });
    expect(`${r.stdout.replace(`::add-mask::${TOKEN}`, '')}${r.summary}${JSON.stringify(r.outputs)}`).not.toContain(
      TOKEN,
    );
  });

  it('a rollback: in_progress then failure, with the reason', async () => {
    const r = await canary('gh-rollback', '1');
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1' });
    expect(imageOf(kube as KubeDouble, 'gh-rollback')).toBe(OLD_IMAGE);
    const { id, calls, statuses } = recorded();
    expect(calls).toEqual(callsFor(id, 2));
    expect(statuses.map((s) => s[0])).toEqual(['in_progress', 'failure']);
    expect(statuses[1]?.[1]).toMatch(/^step 1 \(50%\): /);
    expect(analysisOf(r).githubDeployment).toMatchObject({
      outcome: 'failure',
      github: { id, statuses: [{ state: 'in_progress' }, { state: 'failure' }] },
    });
  });

  it('an abort: in_progress then inactive', async () => {
    kube = await seedCluster('gh-abort', 'gateway-api');
    const r = await runCanary(kube, {
      deployment: 'gh-abort',
      service: 'gh-abort',
      action: 'abort',
      ...routerInputs('gh-abort', 'gateway-api'),
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.status).toBe('aborted');
    const { id, calls, statuses } = recorded();
    expect(calls).toEqual(callsFor(id, 2));
    expect(statuses.map((s) => s.slice(0, 2))).toEqual([
      ['in_progress', 'canary started'],
      ['inactive', 'no canary to abort'],
    ]);
  });

  it('a 403 (no deployments: write) is a warning naming the permission, and the canary is promoted', async () => {
    github.fail('repos/create-deployment', 403, 'Resource not accessible by integration');
    try {
      const r = await canary('gh-refused', '0');
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs.status).toBe('promoted');
      expect(imageOf(kube as KubeDouble, 'gh-refused')).toBe(IMAGE);
      expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        'canary: could not record a GitHub deployment: GitHub refused it (403: Resource not accessible by integration - https://docs.github.com/rest); the github-token needs permissions: deployments: write',
      ]);
      expect(github.calls('repos/create-deployment-status')).toEqual([]);
      expect(analysisOf(r).githubDeployment).toMatchObject({ outcome: 'success', digests: { api: DIGEST } });
      expect(analysisOf(r).githubDeployment.github).toBeUndefined();
    } finally {
      github.fail('repos/create-deployment', 403, '', 0);
    }
  });
});
