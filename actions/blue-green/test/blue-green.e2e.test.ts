import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureBundled, runBundledAction } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { annotationsOf, replicasOf, sampleSelector, seededCluster, selectorOf } from './cluster.js';

const action = path.resolve(import.meta.dirname, '..');
let kube: KubeDouble | undefined;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  ensureBundled(action);
}, 300_000);
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await kube?.close();
  kube = undefined;
});

/** A local health endpoint whose answer the test sets. */
async function healthServer(status: () => number): Promise<string> {
  const server = http.createServer((_req, res) => res.writeHead(status()).end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

const BASE = {
  service: 'api',
  'preview-service': 'api-preview',
  deployment: 'api',
  image: 'api=registry.local/spikeformer-api:2.0',
  'monitor-duration': '1s',
  'scale-down-delay': '1s',
  'rollout-timeout': '20s',
  'health-checks': '2',
};

async function deploy(
  cluster: KubeDouble,
  inputs: Record<string, string>,
  options: Parameters<typeof runBundledAction>[1] = {},
) {
  const client = cluster.newClient();
  return runBundledAction(action, {
    inputs: { ...BASE, ...inputs },
    timeoutMs: 120_000,
    ...options,
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir, ...options.env },
  });
}

describe('blue-green against real kubectl and the API double', { timeout: 180_000 }, () => {
  it('takes the kubeconfig as content (from a secret) or as a path outside the workspace, with no KUBECONFIG set', async () => {
    kube = await seededCluster();
    const health = await healthServer(() => 200);
    const client = kube.newClient();
    const content = readFileSync(client.kubeconfig, 'utf8');
    const inline = await runBundledAction(action, {
      inputs: { ...BASE, 'health-url': health, kubeconfig: Buffer.from(content).toString('base64') },
      timeoutMs: 120_000,
      env: { HOME: client.dir },
    });
    expect(inline.exitCode, inline.stdout).toBe(0);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('green');
    const byPath = await runBundledAction(action, {
      inputs: {
        ...BASE,
        'health-url': health,
        image: 'api=registry.local/spikeformer-api:3.0',
        kubeconfig: client.kubeconfig,
      },
      timeoutMs: 120_000,
      env: { HOME: client.dir },
    });
    expect(byPath.exitCode, byPath.stdout).toBe(0);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    const missing = await runBundledAction(action, {
      inputs: { ...BASE, kubeconfig: 'no/such/kubeconfig' },
      timeoutMs: 60_000,
      env: { HOME: client.dir },
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "blue-green: Input 'kubeconfig': is neither a kubeconfig (YAML, JSON or base64 of either) nor the path of an existing file (the value is not shown: it may be a secret)",
    ]);
    expect(missing.masks).toContain('no/such/kubeconfig');
  });

  it('full: deploys green, verifies it, switches, keeps blue for the delay, then scales it down', async () => {
    kube = await seededCluster();
    const health = await healthServer(() => 200);
    const sampler = sampleSelector(kube);
    const r = await deploy(kube, { 'health-url': health });
    const violations = sampler.stop();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'switched', 'active-color': 'green', 'previous-color': 'blue' });
    expect(selectorOf(kube)).toEqual({ app: 'api', 'spikeformer.io/color': 'green' });
    expect(selectorOf(kube, 'api-preview')['spikeformer.io/color']).toBe('green');
    expect(replicasOf(kube, 'api-green')).toBe(2);
    expect(replicasOf(kube, 'api-blue')).toBe(0);
    expect(annotationsOf(kube)).toMatchObject({
      'spikeformer.io/step': 'verified',
      'spikeformer.io/active-color': 'green',
      'spikeformer.io/previous-color': 'blue',
    });
    expect(sampler.samples()).toBeGreaterThan(20);
    expect(violations).toEqual([]);
    const record = JSON.parse(readFileSync(path.join(r.workspace, r.outputs['record-file'] ?? ''), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(record).toMatchObject({
      status: 'switched',
      colors: { before: 'blue', after: 'green' },
      images: {
        before: { api: 'registry.local/spikeformer-api:1.0' },
        after: { api: 'registry.local/spikeformer-api:2.0' },
      },
    });
    expect(r.summary).toMatch(/Blue-green full: switched/);

    // A second run with the same image changes nothing.
    const version = kube.get('service', 'api')?.metadata['resourceVersion'];
    const again = await deploy(kube, {});
    expect(again.exitCode).toBe(0);
    expect(again.outputs.status).toBe('unchanged');
    expect(kube.get('service', 'api')?.metadata['resourceVersion']).toBe(version);

    // rollback right after: blue is scaled up again, then traffic returns to it.
    const back = await deploy(kube, { action: 'rollback' });
    expect(back.exitCode, back.stdout).toBe(0);
    expect(back.outputs).toMatchObject({ status: 'rolled-back', 'active-color': 'blue' });
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
  });

  it('failing health checks: no switch, green scaled down', async () => {
    kube = await seededCluster();
    const sampler = sampleSelector(kube);
    const r = await deploy(kube, { 'health-url': await healthServer(() => 503) });
    expect(sampler.stop()).toEqual([]);
    expect(r.exitCode).toBe(1);
    expect(r.outputs.status).toBe('unchanged');
    expect(r.annotations[0]?.message).toMatch(/no switch: health checks of green failed/);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    expect(replicasOf(kube, 'api-green')).toBe(0);
  });

  it('green pods that never become ready: times out, no switch', async () => {
    kube = await seededCluster();
    kube.controller.fail({ image: 'registry.local/spikeformer-api:2.0', mode: 'unready' });
    const sampler = sampleSelector(kube);
    const r = await deploy(kube, { 'rollout-timeout': '3s' });
    expect(sampler.stop()).toEqual([]);
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toMatch(/no switch: api-green did not become ready: timed out/);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    expect(replicasOf(kube, 'api-green')).toBe(0);
  });

  it('a crash-looping green fails fast, no switch', async () => {
    kube = await seededCluster();
    kube.controller.fail({ image: 'registry.local/spikeformer-api:2.0', mode: 'crash-loop' });
    const sampler = sampleSelector(kube);
    const r = await deploy(kube, {});
    expect(sampler.stop()).toEqual([]);
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toMatch(/CrashLoopBackOff/);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
  });

  it('a concurrent edit of the Service is detected, never overwritten', async () => {
    kube = await seededCluster();
    // The health command edits the Service between the action's read and its switch.
    const client = kube.newClient();
    const sampler = sampleSelector(kube);
    const r = await deploy(kube, {
      'health-command': `kubectl --kubeconfig ${client.kubeconfig} annotate service api team=payments --overwrite`,
      'health-checks': '1',
    });
    expect(sampler.stop()).toEqual([]);
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toMatch(/service\/api was changed by someone else/);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    expect(annotationsOf(kube).team).toBe('payments');
  });

  it('a 5xx burst from the API server is retried to the same end state', async () => {
    kube = await seededCluster();
    kube.faults.failNext(3, { status: 503 });
    const sampler = sampleSelector(kube);
    const r = await deploy(kube, {});
    expect(sampler.stop()).toEqual([]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.status).toBe('switched');
    expect(kube.requests.filter((q) => q.status === 503)).toHaveLength(3);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('green');
  });

  it('main cancelled after the switch and before verification: post restores blue', async () => {
    kube = await seededCluster();
    const health = await healthServer(() => 200);
    const sampler = sampleSelector(kube);
    const r = await deploy(
      kube,
      { 'health-url': health, 'monitor-duration': '60s' },
      {
        stages: ['main', 'post'],
        killMainWhen: (out) => out.includes('serves only green'),
      },
    );
    expect(sampler.stop()).toEqual([]);
    expect(r.stages[0]?.killed).toBe(true);
    expect(r.stages[1]?.exitCode).toBe(0);
    expect(r.stages[1]?.stdout).toMatch(/restored to app=api,spikeformer.io\/color=blue/);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    expect(annotationsOf(kube)['spikeformer.io/step']).toBe('rolled-back');
  });

  it('bad input is one clear error naming the input', async () => {
    kube = await seededCluster();
    const r = await deploy(kube, { image: 'api registry.local/x:1' });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.map((a) => a.message)).toEqual([
      `blue-green: Input 'image': expected container=image, got "api registry.local/x:1"`,
    ]);
  });
});
