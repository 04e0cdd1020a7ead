import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runBundledAction } from '@spikeformer-actions/testing';
import {
  type KubeDouble,
  startKubeDouble,
  type TrackWeights,
  type WeightSource,
} from '@spikeformer-actions/testing/kube';
import {
  startLoad,
  startTrackServer,
  type LoadGenerator,
  type TrackBehaviour,
  type TrackServer,
} from '@spikeformer-actions/testing/traffic';

export const ACTION = path.resolve(import.meta.dirname, '..');
export const ROUTERS = ['replicas', 'nginx-ingress', 'gateway-api', 'smi'] as const;
export type Router = (typeof ROUTERS)[number];

export const OLD_IMAGE = 'registry.local/spikeformer-api:1.0';
export const NEW_IMAGE = 'registry.local/spikeformer-api:2.0';
export const RATE = 30;
export const STABLE: TrackBehaviour = { errorRate: 0, latencyMs: 20, jitterMs: 5 };

/**
 * Short windows so each step takes seconds: 3 measurements 1 s apart over 8 s of data. The
 * latency ratio looks back 60 s: at 100 % the stable serves nothing, and its p99 comes from the
 * earlier steps (with the default 10m window that is what happens in production too).
 */
export const FAST_ANALYSIS = `
metric-defaults: { interval: 1s, count: 3 }
metrics:
  - { name: error-rate, args: { window: 8s } }
  - { name: latency-p99, args: { window: 60s } }
  - { name: health-checks, args: { window: 10s } }
`;

/** Stable replicas per router: 9 lets the replicas router express 10 % exactly (1 of 10 pods). */
export function stableReplicas(router: Router): number {
  return router === 'replicas' ? 9 : 2;
}

/** Seeds the stable Deployment, Service and the router's object; names are the scenario id. */
export async function seedCluster(id: string, router: Router): Promise<KubeDouble> {
  const kube = await startKubeDouble({ readyDelayMs: 150 });
  const labels = { app: id };
  kube.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: id, labels },
    spec: {
      replicas: stableReplicas(router),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'api', image: OLD_IMAGE, ports: [{ containerPort: 8000 }] }] },
      },
    },
  });
  kube.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: id },
    spec: { selector: labels, ports: [{ port: 80, targetPort: 8000 }] },
  });
  if (router === 'nginx-ingress') {
    kube.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: id, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: `${id}.example`,
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: id, port: { number: 80 } } } }],
            },
          },
        ],
      },
    });
  }
  if (router === 'gateway-api') {
    kube.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: id },
      spec: {
        parentRefs: [{ name: 'edge' }],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: id, port: 80 }] }],
      },
    });
  }
  await kube.until(() => readyEndpoints(kube, id) === stableReplicas(router), 15_000, `${id} endpoints`);
  return kube;
}

export function readyEndpoints(kube: KubeDouble, service: string): number {
  const subsets = (kube.get('endpoints', service)?.['subsets'] ?? []) as Array<{ addresses?: unknown[] }>;
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

/** Where the load generator reads the live split for each router: the real routing object in the double. */
export function weightSource(id: string, router: Router): WeightSource {
  switch (router) {
    case 'replicas':
      return { kind: 'endpoints', service: id, stablePods: `app=${id}`, canaryPods: 'spikeformer.io/track=canary' };
    case 'nginx-ingress':
      return { kind: 'ingress-nginx', canaryIngress: `${id}-canary` };
    case 'gateway-api':
      return { kind: 'httproute', route: id, stableBackend: id, canaryBackend: `${id}-canary` };
    case 'smi':
      return { kind: 'trafficsplit', split: id, stableBackend: id, canaryBackend: `${id}-canary` };
  }
}

/** Router inputs for a scenario. */
export function routerInputs(id: string, router: Router): Record<string, string> {
  return {
    router,
    ...(router === 'nginx-ingress' ? { ingress: id } : {}),
    ...(router === 'gateway-api' ? { 'http-route': id } : {}),
    ...(router === 'smi' ? { 'traffic-split': id } : {}),
  };
}

/**
 * The live split as the router object in the double says. Without a TrafficSplit (before the
 * action makes one, after promotion deletes it) SMI sends everything to the apex Service: the stable.
 */
export function routedWeights(kube: KubeDouble, source: WeightSource): () => Promise<TrackWeights> {
  const read = kube.weightsProvider(source);
  return async () => {
    const w = await read();
    return source.kind === 'trafficsplit' && w.stable + w.canary === 0 && !kube.get('trafficsplit', source.split)
      ? { stable: 100, canary: 0 }
      : w;
  };
}

/** routedWeights, plus every distinct canary weight seen (in order). */
export function recordingProvider(
  kube: KubeDouble,
  source: WeightSource,
): { provider: () => Promise<TrackWeights>; seen: number[] } {
  const seen: number[] = [];
  const read = routedWeights(kube, source);
  return {
    seen,
    provider: async () => {
      const w = await read();
      if (w.stable + w.canary > 0 && seen[seen.length - 1] !== w.canary) seen.push(w.canary);
      return w;
    },
  };
}

export interface Tracks {
  id: string;
  stable: TrackServer;
  canary: TrackServer;
}

/** Stable and canary services for one scenario; Prometheus scrapes them as service=<id> / <id>-canary. */
export async function startTracks(id: string, canary: TrackBehaviour): Promise<Tracks> {
  return { id, stable: await startTrackServer(id, STABLE), canary: await startTrackServer(`${id}-canary`, canary) };
}

export function load(tracks: Tracks, weights: () => Promise<TrackWeights>, ratePerSecond = RATE): LoadGenerator {
  return startLoad({
    targets: { stable: tracks.stable.url, canary: tracks.canary.url },
    weights,
    ratePerSecond,
    maxRequests: 30_000,
    durationMs: 200_000,
    weightRefreshMs: 100,
  });
}

export function servedTotal(track: TrackServer): number {
  return Object.values(track.served()).reduce((a, b) => a + b, 0);
}

/** A pass-through proxy to Prometheus that a test can take down (connection refused from then on). */
export async function prometheusProxy(target: string): Promise<{ url: string; down(): Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let isDown = false;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async down() {
      if (isDown) return;
      isDown = true;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function annotationsOf(kube: KubeDouble, name: string): Record<string, string> {
  return (kube.get('deployment', name)?.metadata['annotations'] ?? {}) as Record<string, string>;
}

export function progressOf(kube: KubeDouble, id: string): { phase?: string; step?: number; weight?: number } {
  const text = annotationsOf(kube, `${id}-canary`)['spikeformer.io/canary-progress'];
  return text ? (JSON.parse(text) as { phase?: string; step?: number; weight?: number }) : {};
}

export function replicasOf(kube: KubeDouble, name: string): number | undefined {
  return (kube.get('deployment', name)?.['spec'] as { replicas?: number } | undefined)?.replicas;
}

export function imageOf(kube: KubeDouble, name: string): string | undefined {
  const spec = kube.get('deployment', name)?.['spec'] as
    { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

/** Runs the bundled action against the double with the scenario's inputs. */
export async function runCanary(
  kube: KubeDouble,
  inputs: Record<string, string>,
  options: Parameters<typeof runBundledAction>[1] = {},
) {
  const client = kube.newClient();
  return runBundledAction(ACTION, {
    inputs,
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
    timeoutMs: 150_000,
    ...options,
  });
}
