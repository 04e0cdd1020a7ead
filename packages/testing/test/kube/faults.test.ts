import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startKubeDouble, type KubeClientEnv, type KubeDouble } from '../../src/kube/index.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });
let kube: KubeDouble;
let c: KubeClientEnv;

beforeAll(async () => {
  kube = await startKubeDouble({ readyDelayMs: 100 });
  c = kube.newClient();
  kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
  await c.kubectl(['get', 'configmap', 'cm']); // discovery cached: later faults hit the resource requests
});
afterAll(async () => kube.close());

describe('fault injection seen by real kubectl', () => {
  test('a 5xx burst fails the matching requests, then the API answers again', async () => {
    kube.faults.failNext(2, { status: 503, match: { path: '/configmaps/cm' } });
    const first = await c.kubectl(['get', 'configmap', 'cm', '-o', 'name']);
    const second = await c.kubectl(['get', 'configmap', 'cm', '-o', 'name']);
    const third = await c.kubectl(['get', 'configmap', 'cm', '-o', 'name']);
    expect([first.code, second.code, third.code]).toEqual([1, 1, 0]);
    expect(first.stderr).toBe('Error from server (ServiceUnavailable): injected fault: HTTP 503\n');
    expect(third.stdout).toBe('configmap/cm\n');
  });

  test('Retry-After on a 429 makes kubectl itself wait and retry', async () => {
    kube.faults.failNext(1, { status: 429, retryAfterSeconds: 1, match: { path: '/configmaps/cm' } });
    const before = kube.requests.length;
    const r = await c.kubectl(['get', 'configmap', 'cm', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(
      kube.requests
        .slice(before)
        .filter((q) => q.path.endsWith('/configmaps/cm'))
        .map((q) => q.status),
    ).toEqual([429, 200]);
  });

  test('latency beyond --request-timeout is a client timeout', async () => {
    const stop = kube.faults.addLatency(2500, { path: '/configmaps/cm' });
    const r = await c.kubectl(['get', 'configmap', 'cm', '--request-timeout=1s']);
    stop();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Client\.Timeout exceeded|context deadline exceeded/);
  });

  test('a reset connection on a write is reported (kubectl does not retry non-idempotent requests)', async () => {
    kube.faults.resetNext(1, { methods: ['PUT'] });
    const current = JSON.stringify(kube.get('configmap', 'cm'));
    const r = await c.kubectl(['replace', '-f', '-'], { input: current });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/EOF|connection reset/);
    expect(kube.requests.filter((q) => q.method === 'PUT').at(-1)?.status).toBe(-1);
  });

  test('dropped watches: rollout status re-lists and re-watches, and still sees the rollout finish', async () => {
    kube.controller.fail({ deployment: 'w', mode: 'unready' });
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'w' } },
        template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'w:1' }] } },
      },
    });
    const pending = c.kubectl(['rollout', 'status', 'deployment/w', '--timeout=20s']);
    const watches = (): number =>
      kube.requests.filter((q) => q.query['watch'] === 'true' && q.query['fieldSelector'] === 'metadata.name=w').length;
    await kube.until(() => watches() >= 1, 10_000, 'first watch');
    expect(kube.faults.dropWatches()).toBeGreaterThanOrEqual(1);
    await kube.until(() => watches() >= 2, 10_000, 'second watch');
    kube.controller.clearFailures();
    const r = await pending;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deployment "w" successfully rolled out');
  });

  test('a watch from a resourceVersion older than the history gets 410 Expired', async () => {
    const res = await fetch(`${kube.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1`);
    const text = await res.text();
    expect(JSON.parse(text.trim())).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });
});
