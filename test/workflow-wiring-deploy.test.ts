// deploy.yml's cluster access: the input check of the verify job (run as the runner runs it) for
// each choice, and the login steps each choice runs, evaluated with GitHub's expression library.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { data, Evaluator } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/lib/actions.ts';
import { parseExpression } from './lib/wiring-expressions.ts';

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
const deploy = parse(readFileSync(path.join(repoRoot, 'workflows-examples/deploy.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
};
const check = deploy.jobs.verify?.steps.find((s) => s.name === 'Check the inputs');
const IMAGE = `ghcr.io/org/spikeformer-api@sha256:${'ab'.repeat(32)}`;

/** The input check with the given inputs (by input name), as the step's env maps them. */
function runCheck(inputs: Record<string, string>): { status: number | null; stdout: string } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, expression] of Object.entries(check?.env ?? {})) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expression)?.[1] ?? '';
    env[name] = inputs[input] ?? '';
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-deploy-check-'));
  writeFileSync(path.join(dir, 'output'), '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', check?.run ?? 'exit 9'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout };
}

const base = { strategy: 'blue-green', image: IMAGE };
const complete: Record<string, Record<string, string>> = {
  kubeconfig: {},
  eks: {
    'cluster-name': 'prod',
    'aws-role-to-assume': 'arn:aws:iam::123456789012:role/deploy',
    'aws-region': 'eu-west-1',
  },
  aks: {
    'cluster-name': 'prod',
    'azure-client-id': 'c',
    'azure-tenant-id': 't',
    'azure-subscription-id': 's',
    'azure-resource-group': 'rg',
  },
  gke: {
    'cluster-name': 'prod',
    'gcp-workload-identity-provider': 'projects/1/locations/global/workloadIdentityPools/p/providers/g',
    'gcp-project': 'p',
    'gcp-location': 'europe-west4',
  },
};

describe('the input check of deploy.yml', () => {
  it.each(Object.keys(complete))('cluster-access %s with its inputs passes', (access) => {
    expect(runCheck({ ...base, 'cluster-access': access, ...complete[access] })).toEqual({ status: 0, stdout: '' });
  });

  it.each([
    ['eks', 'aws-region'],
    ['aks', 'azure-resource-group'],
    ['gke', 'gcp-location'],
    ['gke', 'cluster-name'],
  ])('cluster-access %s without %s fails naming the input', (access, missing) => {
    const inputs = Object.fromEntries(
      Object.entries({ ...base, 'cluster-access': access, ...complete[access] }).filter(([k]) => k !== missing),
    );
    expect(runCheck(inputs)).toEqual({
      status: 1,
      stdout: `::error title=deploy::input ${missing} is required with cluster-access ${access}\n`,
    });
  });

  it('an unknown cluster-access is refused', () => {
    expect(runCheck({ ...base, 'cluster-access': 'openshift' })).toEqual({
      status: 1,
      stdout: '::error title=deploy::input cluster-access must be kubeconfig, eks, aks or gke\n',
    });
  });

  it('the strategy and the image digest are checked first', () => {
    expect(runCheck({ ...base, strategy: 'rolling', 'cluster-access': 'kubeconfig' })).toEqual({
      status: 1,
      stdout: '::error title=deploy::input strategy must be blue-green or canary\n',
    });
    expect(runCheck({ ...base, image: 'ghcr.io/org/api:latest', 'cluster-access': 'kubeconfig' })).toEqual({
      status: 1,
      stdout: '::error title=deploy::input image must be pinned by digest (registry/name@sha256:<64 hex>)\n',
    });
  });
});

/** A run where every step succeeds. */
const STATUS: Map<string, FunctionDefinition> = new Map(
  (['success', 'always'] as const).map((name) => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
  ]),
);

describe('the login steps each choice runs', () => {
  const steps = deploy.jobs.deploy?.steps ?? [];
  const runs = (access: string): string[] => {
    const context = JSON.parse(
      JSON.stringify({
        inputs: { 'cluster-access': access, 'kubectl-version': '', strategy: 'blue-green' },
        steps: {},
      }),
      data.reviver,
    ) as data.Dictionary;
    return steps
      .filter((s) => s.if === undefined || truthy(new Evaluator(parseExpression(s.if), context, STATUS).evaluate()))
      .map((s) => s.uses?.replace(/@.*/, '') ?? s.name ?? '')
      .filter((s) => s !== "Name this environment's artifacts");
  };

  it.each([
    ['kubeconfig', ['Write the kubeconfig']],
    ['eks', ['aws-actions/configure-aws-credentials', 'Write the EKS kubeconfig']],
    ['aks', ['azure/login', 'azure/aks-set-context']],
    ['gke', ['google-github-actions/auth', 'google-github-actions/get-gke-credentials']],
  ])('%s: %j, then the blue-green deploy', (access, login) => {
    expect(runs(access)).toEqual([...login, 'org/spikeformer-actions/blue-green']);
  });

  it('only the deploy job may request an OIDC token', () => {
    expect(Object.entries(deploy.jobs).map(([id, job]) => [id, job.permissions?.['id-token'] ?? 'none'])).toEqual([
      ['verify', 'none'],
      ['deploy', 'write'],
      ['smoke', 'none'],
    ]);
  });
});
