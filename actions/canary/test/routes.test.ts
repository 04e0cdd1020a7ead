import type { Deployment, HttpRoute, Ingress, Service } from '@spikeformer-actions/delivery/kube';
import { describe, expect, it } from 'vitest';
import { parseImagePairs } from '@spikeformer-actions/delivery/rollout';
import {
  canaryDeployment,
  canaryIngress,
  canaryService,
  routeOriginalWeights,
  routeRestored,
  routeWithWeight,
  splitRestored,
  splitWithWeight,
} from '../src/routes.js';

const stable: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'api',
    namespace: 'shop',
    resourceVersion: '7',
    labels: { app: 'api' },
    annotations: { 'deployment.kubernetes.io/revision': '3' },
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api', tier: 'web' } },
      spec: {
        containers: [
          { name: 'api', image: 'r/api:1' },
          { name: 'sidecar', image: 'r/proxy:1' },
        ],
      },
    },
  },
  status: { replicas: 3 },
};
const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8000 }] },
};

describe('canary objects', () => {
  it('replicas router: canary pods keep the Service selector labels, so the Service splits by pod count', () => {
    const d = canaryDeployment(stable, 'api', 'replicas', { app: 'api' }, [{ container: 'api', image: 'r/api:2' }]);
    expect(d.metadata).toEqual({
      name: 'api-canary',
      namespace: 'shop',
      labels: { app: 'api', 'spikeformer.io/track': 'canary' },
    });
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.template.metadata?.labels).toEqual({ app: 'api', tier: 'web', 'spikeformer.io/track': 'canary' });
    expect(d.spec.template.spec.containers.map((c) => c.image)).toEqual(['r/api:2', 'r/proxy:1']);
    expect(d.status).toBeUndefined();
    expect(stable.spec.template.spec.containers[0]?.image).toBe('r/api:1');
  });

  it('traffic routers: canary pods do not match the stable Service; the canary Service selects them', () => {
    const d = canaryDeployment(stable, 'api', 'smi', { app: 'api' }, []);
    expect(d.spec.selector.matchLabels).toEqual({ app: 'api-canary', 'spikeformer.io/track': 'canary' });
    expect(d.spec.template.metadata?.labels).toEqual({
      app: 'api-canary',
      tier: 'web',
      'spikeformer.io/track': 'canary',
    });
    const svc = canaryService(service, 'smi');
    expect(svc.metadata.name).toBe('api-canary');
    expect(svc.spec.selector).toEqual({ app: 'api-canary', 'spikeformer.io/track': 'canary' });
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 8000 }]);
  });

  it('names the container that is missing', () => {
    expect(() => canaryDeployment(stable, 'api', 'replicas', {}, [{ container: 'web', image: 'x' }])).toThrow(
      /no container 'web' \(containers: api, sidecar\)/,
    );
    expect(parseImagePairs(['api registry/x:1'])).toMatchObject({
      ok: false,
      problem: 'expected container=image, got "api registry/x:1"',
    });
    expect(parseImagePairs(['api=a:1', 'api=b:1'])).toMatchObject({ ok: false });
  });

  it('nginx: the canary Ingress points at the canary Service with the weight annotations', () => {
    const ingress: Ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', annotations: { a: '1', 'nginx.ingress.kubernetes.io/canary-by-header': 'x' } },
      spec: {
        rules: [
          {
            http: {
              paths: [
                { path: '/', backend: { service: { name: 'api', port: { number: 80 } } } },
                { path: '/other', backend: { service: { name: 'other' } } },
              ],
            },
          },
        ],
      },
    };
    const c = canaryIngress(ingress, 'api', 10);
    expect(c.metadata.name).toBe('web-canary');
    expect(c.metadata.annotations).toEqual({
      a: '1',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
      'nginx.ingress.kubernetes.io/canary-weight-total': '100',
    });
    expect(JSON.stringify(c.spec)).toBe(
      JSON.stringify({
        rules: [
          {
            http: {
              paths: [
                { path: '/', backend: { service: { name: 'api-canary', port: { number: 80 } } } },
                { path: '/other', backend: { service: { name: 'other' } } },
              ],
            },
          },
        ],
      }),
    );
  });

  it('gateway-api: weights on every rule that routes to the stable, restored afterwards', () => {
    const route: HttpRoute = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: {
        rules: [{ backendRefs: [{ name: 'api', port: 80 }] }, { backendRefs: [{ name: 'docs', port: 80, weight: 1 }] }],
      },
    };
    const original = routeOriginalWeights(route, 'api');
    expect(original).toEqual([null, null]);
    const at10 = routeWithWeight(route, 'api', 10);
    expect(at10.spec.rules?.[0]?.backendRefs).toEqual([
      { name: 'api', port: 80, weight: 90 },
      { name: 'api-canary', port: 80, weight: 10 },
    ]);
    expect(at10.spec.rules?.[1]?.backendRefs).toEqual([{ name: 'docs', port: 80, weight: 1 }]);
    const at50 = routeWithWeight(at10, 'api', 50);
    expect(at50.spec.rules?.[0]?.backendRefs).toEqual([
      { name: 'api', port: 80, weight: 50 },
      { name: 'api-canary', port: 80, weight: 50 },
    ]);
    expect(routeRestored(at50, 'api', original)).toEqual(route);
    expect(() => routeWithWeight(route, 'nope', 10)).toThrow(/no backendRef to service nope/);
  });

  it('smi: a TrafficSplit made or updated, and restored to its original backends', () => {
    const made = splitWithWeight(undefined, 'api-split', 'shop', 'api', 10);
    expect(made.spec).toEqual({
      service: 'api',
      backends: [
        { service: 'api', weight: 90 },
        { service: 'api-canary', weight: 10 },
      ],
    });
    expect(made.metadata.namespace).toBe('shop');
    const existing = {
      ...made,
      spec: {
        service: 'api',
        backends: [
          { service: 'api', weight: 100 },
          { service: 'mirror', weight: 0 },
        ],
      },
    };
    expect(splitWithWeight(existing, 'api-split', 'shop', 'api', 50).spec.backends).toEqual([
      { service: 'api', weight: 50 },
      { service: 'api-canary', weight: 50 },
      { service: 'mirror', weight: 0 },
    ]);
    expect(splitRestored(made, 'api', existing.spec.backends).spec.backends).toEqual(existing.spec.backends);
  });
});
