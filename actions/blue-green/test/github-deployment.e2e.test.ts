import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBundled, GitHubApiDouble, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../src/record.js';
import { seededCluster, selectorOf } from './cluster.js';

// The audit trail: the bundled action with real kubectl against the API-server double, and its
// GitHub Deployment against the GitHub API double (every request and response checked against
// GitHub's OpenAPI description).

const action = path.resolve(import.meta.dirname, '..');
const TOKEN = 'ghs_blueGreenDeployments0123456789';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = `registry.local/spikeformer-api@${DIGEST}`;
const RUN_URL = 'https://github.com/spikeformer/spikeformer-kit/actions/runs/9000000001/attempts/1';
const REPO_PATH = '/repos/spikeformer/spikeformer-kit';

let kube: KubeDouble | undefined;
let github: GitHubApiDouble;

beforeAll(async () => {
  ensureBundled(action);
  github = new GitHubApiDouble();
  await github.start();
}, 300_000);
afterAll(async () => {
  await github.close();
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

async function switchColours(inputs: Record<string, string> = {}): Promise<RunResult> {
  kube = await seededCluster();
  const client = kube.newClient();
  return runBundledAction(action, {
    inputs: {
      service: 'api',
      deployment: 'api',
      image: `api=${IMAGE}`,
      'monitor-duration': '1s',
      'scale-down-delay': '0s',
      'rollout-timeout': '20s',
      environment: 'staging',
      ...inputs,
    },
    timeoutMs: 120_000,
    env: {
      KUBECONFIG: client.kubeconfig,
      HOME: client.dir,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: TOKEN,
    },
  });
}

const recordOf = (r: RunResult): DeploymentRecord =>
  JSON.parse(readFileSync(path.join(r.workspace, r.outputs['record-file'] ?? ''), 'utf8')) as DeploymentRecord;

describe('blue-green records a GitHub Deployment through Octokit', { timeout: 180_000 }, () => {
  it('a switch creates the deployment, in_progress then success, and the record file carries the same', async () => {
    const r = await switchColours();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(selectorOf(kube as KubeDouble)['spikeformer.io/color']).toBe('green');
    const [created] = [...github.state.deployments.values()];
    const id = created?.id ?? 0;
    expect(github.requests.map((q) => `${q.method} ${q.path} ${q.operationId} ${q.status}`)).toEqual([
      `POST ${REPO_PATH}/deployments repos/create-deployment 201`,
      `POST ${REPO_PATH}/deployments/${id}/statuses repos/create-deployment-status 201`,
      `POST ${REPO_PATH}/deployments/${id}/statuses repos/create-deployment-status 201`,
    ]);
    expect(github.requests.every((q) => q.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(github.requests.every((q) => q.headers.apiVersion === '2022-11-28')).toBe(true);
    expect(created).toMatchObject({
      ref: '0123456789abcdef0123456789abcdef01234567',
      environment: 'staging',
      production: false,
      description: 'blue-green run by octocat',
      payload: {
        tool: 'blue-green',
        action: 'full',
        namespace: '',
        service: 'api',
        actor: 'octocat',
        images: { api: IMAGE },
        digests: { api: DIGEST },
        run: RUN_URL,
      },
    });
    expect(github.state.statuses.map((s) => [s.state, s.description, s.logUrl, s.environment])).toEqual([
      ['in_progress', 'blue-green started', RUN_URL, 'staging'],
      ['success', 'service/api now serves green', RUN_URL, 'staging'],
    ]);
    const audit = recordOf(r).githubDeployment;
    expect(audit).toMatchObject({
      environment: 'staging',
      ref: '0123456789abcdef0123456789abcdef01234567',
      actor: 'octocat',
      images: { api: IMAGE },
      digests: { api: DIGEST },
      runUrl: RUN_URL,
      outcome: 'success',
      github: {
        id,
        url: `${github.url}${REPO_PATH}/deployments/${id}`,
        statuses: [
          { state: 'in_progress', description: 'blue-green started' },
          { state: 'success', description: 'service/api now serves green' },
        ],
      },
    });
    expect(audit?.skipped).toBeUndefined();
    expect(Date.parse(audit?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(audit?.startedAt ?? ''));
    expect(r.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    expect(`${r.stdout.replace(`::add-mask::${TOKEN}`, '')}${r.summary}${JSON.stringify(r.outputs)}`).not.toContain(
      TOKEN,
    );
  });

  it('a 403 (no deployments: write) is a warning naming the permission, and the switch completes', async () => {
    github.fail('repos/create-deployment', 403, 'Resource not accessible by integration');
    try {
      const r = await switchColours();
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs.status).toBe('switched');
      expect(selectorOf(kube as KubeDouble)['spikeformer.io/color']).toBe('green');
      expect(r.annotations.filter((a) => a.level !== 'notice').map((a) => [a.level, a.message])).toEqual([
        [
          'warning',
          'blue-green: could not record a GitHub deployment: GitHub refused it (403: Resource not accessible by integration - https://docs.github.com/rest); the github-token needs permissions: deployments: write',
        ],
      ]);
      expect(github.calls('repos/create-deployment-status')).toEqual([]);
      expect(recordOf(r).githubDeployment).toMatchObject({ outcome: 'success', digests: { api: DIGEST } });
      expect(recordOf(r).githubDeployment?.github).toBeUndefined();
    } finally {
      github.fail('repos/create-deployment', 403, '', 0);
    }
  });

  it('an empty github-token records nothing in GitHub and says so in the record', async () => {
    const r = await switchColours({ 'github-token': '' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(github.requests).toEqual([]);
    expect(recordOf(r).githubDeployment).toMatchObject({ skipped: 'no github-token', outcome: 'success' });
  });
});
