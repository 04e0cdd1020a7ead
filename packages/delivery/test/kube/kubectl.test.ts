import { startKubeDouble, type KubeClientEnv, type KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  ConflictError,
  Kubectl,
  KubectlError,
  setDeploymentImage,
  setServiceSelector,
  updateObject,
  type ConfigMap,
  type Deployment,
  type KubeObject,
} from '../../src/kube/index.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });
let kube: KubeDouble;
let client: KubeClientEnv;

function kubectl(extra: Partial<ConstructorParameters<typeof Kubectl>[0]> = {}): Kubectl {
  return new Kubectl({
    kubeconfig: client.kubeconfig,
    cacheDir: client.cacheDir,
    env: client.env,
    namespace: 'default',
    retry: { attempts: 4, baseMs: 20, capMs: 100 },
    ...extra,
  });
}

function configMap(name: string, data: Record<string, string>, namespace = 'default'): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

function deployment(name: string, image: string, replicas = 2): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

beforeAll(async () => {
  kube = await startKubeDouble({ readyDelayMs: 150 });
  client = kube.newClient();
});
afterAll(async () => kube.close());

describe('reads and writes through the real kubectl', () => {
  test('get returns typed JSON, and undefined for a missing object', async () => {
    const k = kubectl();
    kube.create(configMap('settings', { mode: 'blue' }));
    const cm = await k.get<ConfigMap>('configmap', 'settings');
    expect(cm?.data).toEqual({ mode: 'blue' });
    expect(cm?.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(await k.get('configmap', 'absent')).toBeUndefined();
    await expect(k.mustGet('configmap', 'absent')).rejects.toMatchObject({ kind: 'not-found', status: 404 });
  });

  test('list filters by label selector and spans namespaces when asked', async () => {
    const k = kubectl();
    kube.create({ ...configMap('l1', {}), metadata: { name: 'l1', labels: { tier: 'web' } } });
    kube.create({ ...configMap('l2', {}), metadata: { name: 'l2', labels: { tier: 'db' } } });
    kube.create({
      ...configMap('l3', {}, 'staging'),
      metadata: { name: 'l3', namespace: 'staging', labels: { tier: 'web' } },
    });
    const local = await k.list<ConfigMap>('configmaps', { labelSelector: 'tier=web' });
    expect(local.items.map((c) => c.metadata.name)).toEqual(['l1']);
    const all = await k.list<ConfigMap>('configmaps', { labelSelector: 'tier in (web)', allNamespaces: true });
    expect(all.items.map((c) => `${c.metadata.namespace}/${c.metadata.name}`).sort()).toEqual([
      'default/l1',
      'staging/l3',
    ]);
  });

  test('context and namespace choose where commands go', async () => {
    kube.create(configMap('only-in-staging', { x: '1' }, 'staging'));
    expect(
      await kubectl({ namespace: undefined, context: 'elsewhere' }).get('configmap', 'only-in-staging'),
    ).toBeDefined();
    expect(
      await kubectl({ namespace: undefined, context: 'double' }).get('configmap', 'only-in-staging'),
    ).toBeUndefined();
    expect(
      await kubectl({ namespace: 'staging', context: 'double' }).get('configmap', 'only-in-staging'),
    ).toBeDefined();
  });

  test('create, client-side and server-side apply return what the server stored', async () => {
    const k = kubectl();
    const created = await k.create(configMap('made', { a: '1' }));
    expect(created.metadata.uid).toBeTruthy();
    await expect(k.create(configMap('made', { a: '1' }))).rejects.toMatchObject({
      kind: 'already-exists',
      attempts: 1,
    });
    const [applied] = await k.apply([configMap('applied', { a: '1' })]);
    expect(applied?.metadata.name).toBe('applied');
    const ssa = await k.apply([configMap('ssa', { a: '1' }), configMap('ssa2', { b: '2' })], {
      serverSide: true,
      fieldManager: 'spikeformer-canary',
    });
    expect(ssa.map((o) => o.metadata.name)).toEqual(['ssa', 'ssa2']);
    const managers = (kube.get('configmap', 'ssa')?.metadata['managedFields'] as { manager: string }[]).map(
      (m) => m.manager,
    );
    expect(managers).toContain('spikeformer-canary');
    const dry = await k.apply([configMap('dry-only', { a: '1' })], { serverSide: true, dryRun: true });
    expect(dry[0]?.metadata.name).toBe('dry-only');
    expect(kube.get('configmap', 'dry-only')).toBeUndefined();
  });

  test('an invalid object is a 422 and is not retried', async () => {
    const k = kubectl();
    const before = k.attempts.length;
    await expect(k.create(configMap('Not_Valid', {}))).rejects.toMatchObject({
      kind: 'invalid',
      status: 422,
      attempts: 1,
    });
    expect(k.attempts.length - before).toBe(1);
  });
});

describe('optimistic concurrency', () => {
  test('replace with the resourceVersion that was read succeeds; a stale one is a reported conflict', async () => {
    const k = kubectl();
    kube.create(configMap('rmw', { n: '1' }));
    const read = (await k.get<ConfigMap>('configmap', 'rmw'))!;
    kube.patch('configmap', 'rmw', { data: { n: 'someone-else' } });
    const error = await k.replace({ ...read, data: { n: '2' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).expectedResourceVersion).toBe(read.metadata.resourceVersion);
    expect((error as ConflictError).message).toContain('was changed by someone else');
    expect(kube.get('configmap', 'rmw')?.['data']).toEqual({ n: 'someone-else' });
    const fresh = (await k.get<ConfigMap>('configmap', 'rmw'))!;
    const written = await k.replace({ ...fresh, data: { n: '3' } });
    expect(written.data).toEqual({ n: '3' });
  });

  test('replace without a resourceVersion is refused before kubectl runs', async () => {
    await expect(kubectl().replace(configMap('x', {}))).rejects.toThrow(/without a resourceVersion/);
  });

  test('patches of all three types carry the precondition', async () => {
    const k = kubectl();
    kube.create(configMap('pre', { v: '0' }));
    for (const type of ['merge', 'strategic', 'json'] as const) {
      const rv = (await k.get<ConfigMap>('configmap', 'pre'))!.metadata.resourceVersion!;
      const patch = type === 'json' ? [{ op: 'replace', path: '/data/v', value: type }] : { data: { v: type } };
      kube.patch('configmap', 'pre', { metadata: { annotations: { bump: type } } });
      await expect(k.patch('configmap', 'pre', patch, { type, resourceVersion: rv })).rejects.toBeInstanceOf(
        ConflictError,
      );
      const fresh = (await k.get<ConfigMap>('configmap', 'pre'))!.metadata.resourceVersion!;
      const patched = await k.patch<ConfigMap>('configmap', 'pre', patch, { type, resourceVersion: fresh });
      expect(patched.data?.['v']).toBe(type);
    }
    const sent = kube.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith('/configmaps/pre') && r.query['fieldManager'] === 'kubectl-patch',
    );
    expect(sent.map((r) => r.contentType)).toEqual(
      expect.arrayContaining([
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/json-patch+json',
      ]),
    );
    expect(sent.every((r) => r.body.includes('resourceVersion'))).toBe(true);
  });

  test('updateObject reports a concurrent change, and with conflictRetries re-reads and re-applies', async () => {
    const k = kubectl();
    kube.create(configMap('counter', { n: '0' }));
    let interfere = true;
    let other = 0;
    const mutate = (cm: ConfigMap): ConfigMap => {
      if (interfere) {
        interfere = false;
        other += 10;
        kube.patch('configmap', 'counter', { data: { n: String(other) } }); // lands between our read and our write
      }
      return { ...cm, data: { n: String(Number(cm.data?.['n']) + 1) } };
    };
    await expect(updateObject(k, 'configmap', 'counter', mutate)).rejects.toBeInstanceOf(ConflictError);
    expect(kube.get('configmap', 'counter')?.['data']).toEqual({ n: '10' });
    interfere = true;
    const result = await updateObject(k, 'configmap', 'counter', mutate, { conflictRetries: 2 });
    expect(result.rounds).toBe(2);
    expect(result.object.data).toEqual({ n: '21' }); // 20 (the other writer's) + 1, never 10 + 1
    const same = await updateObject<ConfigMap>(k, 'configmap', 'counter', () => undefined);
    expect(same.changed).toBe(false);
  });

  test('setDeploymentImage and setServiceSelector write with preconditions and guard their inputs', async () => {
    const k = kubectl();
    kube.create(deployment('imgd', 'app:1', 1));
    const r = await setDeploymentImage(k, 'imgd', 'app', 'app:2');
    expect(r.changed).toBe(true);
    expect(r.object.spec.template.spec.containers[0]?.image).toBe('app:2');
    await expect(setDeploymentImage(k, 'imgd', 'sidecar', 'x:1')).rejects.toThrow(
      /no container 'sidecar' \(containers: app\)/,
    );
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'front' },
      spec: { selector: { app: 'blue' }, ports: [{ port: 80 }] },
    });
    await expect(setServiceSelector(k, 'front', {})).rejects.toThrow(/empty selector/);
    const rv = kube.get('service', 'front')!.metadata['resourceVersion'] as string;
    kube.patch('service', 'front', { metadata: { labels: { touched: 'yes' } } });
    await expect(
      setServiceSelector(k, 'front', { app: 'green' }, { expectedResourceVersion: rv }),
    ).rejects.toBeInstanceOf(ConflictError);
    const switched = await setServiceSelector(k, 'front', { app: 'green' });
    expect(switched.object.spec.selector).toEqual({ app: 'green' });
  });

  test('scale with a stale resourceVersion is refused', async () => {
    const k = kubectl();
    kube.create(deployment('scaled', 'app:1', 1));
    // the controller writes status while pods start; read the version once it is quiet
    await kube.until(
      () =>
        (kube.get('deployment', 'scaled')?.['status'] as { availableReplicas?: number } | undefined)
          ?.availableReplicas === 1,
    );
    const rv = (await k.get<Deployment>('deployment', 'scaled'))!.metadata.resourceVersion!;
    await k.scale('deployment', 'scaled', 3, { resourceVersion: rv });
    expect((kube.get('deployment', 'scaled')?.['spec'] as { replicas: number }).replicas).toBe(3);
    await expect(k.scale('deployment', 'scaled', 1, { resourceVersion: rv })).rejects.toBeInstanceOf(ConflictError);
    expect((kube.get('deployment', 'scaled')?.['spec'] as { replicas: number }).replicas).toBe(3);
  });
});

describe('retries', () => {
  test('a burst of 503s is retried with backoff until it passes', async () => {
    const k = kubectl();
    kube.create(configMap('flaky', { ok: 'yes' }));
    await k.get('configmap', 'flaky'); // discovery cached
    kube.faults.failNext(2, { status: 503, match: { path: '/configmaps/flaky' } });
    const before = k.attempts.length;
    const cm = await k.get<ConfigMap>('configmap', 'flaky');
    expect(cm?.data).toEqual({ ok: 'yes' });
    const attempts = k.attempts.slice(before);
    expect(attempts.map((a) => a.kind ?? 'ok')).toEqual(['transient', 'transient', 'ok']);
    expect(attempts.slice(0, 2).every((a) => (a.delayMs ?? 0) > 0)).toBe(true);
  });

  test('429 and 500 are retried too', async () => {
    const k = kubectl();
    kube.faults.failNext(1, { status: 429, match: { path: '/configmaps/flaky' } });
    kube.faults.failNext(1, { status: 500, match: { path: '/configmaps/flaky' } });
    const before = k.attempts.length;
    expect(await k.get('configmap', 'flaky')).toBeDefined();
    expect(k.attempts.length - before).toBe(3);
  });

  test('4xx is never retried', async () => {
    const k = kubectl();
    for (const status of [400, 403, 404, 409, 422]) {
      kube.faults.failNext(1, { status, match: { path: '/configmaps/flaky' } });
      const before = k.attempts.length;
      await expect(k.run(['get', 'configmap', 'flaky'])).rejects.toBeInstanceOf(KubectlError);
      expect(k.attempts.length - before).toBe(1);
    }
  });

  test('an outage longer than the retry budget fails with the attempts counted', async () => {
    const k = kubectl();
    kube.faults.failNext(10, { status: 503, match: { path: '/configmaps/flaky' } });
    const error = await k.get('configmap', 'flaky').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient', attempts: 4 });
    expect((error as Error).message).toMatch(/after 4 attempts.*ServiceUnavailable/s);
    kube.faults.clear();
  });

  test('a request slower than the request timeout is a transient failure, retried', async () => {
    const k = kubectl({ requestTimeoutMs: 1000 });
    const stop = kube.faults.addLatency(1500, { path: '/configmaps/flaky' });
    const slowAttempts: string[] = [];
    const k2 = new Kubectl({
      kubeconfig: client.kubeconfig,
      cacheDir: client.cacheDir,
      env: client.env,
      requestTimeoutMs: 1000,
      retry: { attempts: 2, baseMs: 10, capMs: 20 },
      sleep: async () => {
        slowAttempts.push('slept');
        stop(); // the API recovers while we back off
      },
    });
    expect(await k2.get('configmap', 'flaky')).toBeDefined();
    expect(slowAttempts).toEqual(['slept']);
    expect(k2.attempts[0]?.kind).toBe('transient');
    expect(k.policy.attempts).toBe(4);
  });

  test('a connection refused is transient and named in the error', async () => {
    const k = new Kubectl({
      kubeconfig: client.kubeconfig,
      cacheDir: client.cacheDir,
      env: client.env,
      retry: { attempts: 2, baseMs: 10, capMs: 10 },
    });
    const error = await k.run(['get', 'configmaps', '--server', 'http://127.0.0.1:1']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient', attempts: 2 });
    expect((error as Error).message).toContain('was refused');
    expect((error as Error).message).not.toMatch(/memcache\.go/);
  });
});

describe('deletion', () => {
  test('delete with wait, and ignoreNotFound', async () => {
    const k = kubectl();
    kube.create(configMap('doomed', {}));
    expect(await k.delete('configmap', 'doomed', { wait: true, timeoutMs: 10_000 })).toBe(true);
    expect(kube.get('configmap', 'doomed')).toBeUndefined();
    expect(await k.delete('configmap', 'doomed', { ignoreNotFound: true })).toBe(false);
    await expect(k.delete('configmap', 'doomed')).rejects.toMatchObject({ kind: 'not-found' });
  });
});

export type { KubeObject };
