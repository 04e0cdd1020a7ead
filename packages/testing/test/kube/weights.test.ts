import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startKubeDouble, valueOf, type KubeDouble } from '../../src/kube/index.js';

vi.setConfig({ testTimeout: 60_000 });
let kube: KubeDouble;

beforeAll(async () => {
  kube = await startKubeDouble({ readyDelayMs: 100 });
});
afterAll(async () => kube.close());

function deployment(name: string, track: string, replicas: number): object {
  const labels = { app: 'shop', track };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `shop:${track}` }] } },
    },
  };
}

describe('traffic weights read from the cluster state', () => {
  test('endpoints: replica ratio over one Service, then a selector switch', async () => {
    kube.create(deployment('shop-stable', 'stable', 3));
    kube.create(deployment('shop-canary', 'canary', 1));
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop' },
      spec: { selector: { app: 'shop' }, ports: [{ port: 80 }] },
    });
    const source = {
      kind: 'endpoints',
      service: 'shop',
      stablePods: 'track=stable',
      canaryPods: 'track=canary',
    } as const;
    await kube.until(
      () => valueOf(kube.get('deployment', 'shop-stable'), 'status', 'availableReplicas') === 3,
      10_000,
      'stable available',
    );
    expect(valueOf(kube.get('deployment', 'shop-stable'), 'spec', 'template', 'spec', 'containers', 0, 'image')).toBe(
      'shop:stable',
    );
    await kube.until(() => kube.weights(source).canary === 25, 10_000, '75/25');
    expect(await kube.weightsProvider(source)()).toEqual({ stable: 75, canary: 25 });
    kube.patch('service', 'shop', { spec: { selector: { app: 'shop', track: 'canary' } } });
    await kube.until(() => kube.weights(source).canary === 100, 10_000, '0/100');
    expect(kube.weights(source)).toEqual({ stable: 0, canary: 100 });
    // a canary that is not ready receives nothing
    kube.controller.fail({ deployment: 'shop-canary', mode: 'unready' });
    kube.delete('pod', String(kube.list('pod', { labelSelector: 'track=canary' })[0]?.metadata['name']));
    await kube.until(() => kube.weights(source).canary === 0, 10_000, 'no ready canary');
    expect(kube.weights(source)).toEqual({ stable: 0, canary: 0 });
  });

  test('ingress-nginx canary annotations', () => {
    const source = { kind: 'ingress-nginx', canaryIngress: 'shop-canary' } as const;
    expect(kube.weights(source)).toEqual({ stable: 100, canary: 0 });
    kube.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'shop-canary',
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '10',
        },
      },
      spec: {},
    });
    expect(kube.weights(source)).toEqual({ stable: 90, canary: 10 });
    kube.patch('ingress', 'shop-canary', {
      metadata: {
        annotations: {
          'nginx.ingress.kubernetes.io/canary-weight': '1',
          'nginx.ingress.kubernetes.io/canary-weight-total': '3',
        },
      },
    });
    expect(kube.weights(source)).toEqual({ stable: 66.67, canary: 33.33 });
    kube.patch('ingress', 'shop-canary', {
      metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary': 'false' } },
    });
    expect(kube.weights(source)).toEqual({ stable: 100, canary: 0 });
  });

  test('HTTPRoute backendRef weights (unset weight = 1) and TrafficSplit backends', () => {
    kube.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'shop' },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: 'stable', port: 80, weight: 80 },
              { name: 'canary', port: 80, weight: 20 },
            ],
          },
        ],
      },
    });
    expect(
      kube.weights({ kind: 'httproute', route: 'shop', stableBackend: 'stable', canaryBackend: 'canary' }),
    ).toEqual({ stable: 80, canary: 20 });
    kube.patch(
      'httproute',
      'shop',
      [
        { op: 'remove', path: '/spec/rules/0/backendRefs/0/weight' },
        { op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: 3 },
      ],
      'json',
    );
    expect(
      kube.weights({ kind: 'httproute', route: 'shop', stableBackend: 'stable', canaryBackend: 'canary' }),
    ).toEqual({ stable: 25, canary: 75 });
    kube.create({
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'shop' },
      spec: {
        service: 'shop',
        backends: [
          { service: 'stable', weight: 50 },
          { service: 'canary', weight: 50 },
        ],
      },
    });
    expect(
      kube.weights({ kind: 'trafficsplit', split: 'shop', stableBackend: 'stable', canaryBackend: 'canary' }),
    ).toEqual({ stable: 50, canary: 50 });
  });
});
