// Local stand-ins for the delivery stages: the Kubernetes API double (real kubectl talks to it)
// seeded with the sample's manifests, and — when Debian's prometheus is installed — a real
// Prometheus scraping one metrics server per track (blue/green of spikeformer-api, stable/canary
// of spikeformer-inference), with load that follows the traffic split the deploy actions set in
// the cluster. Without Prometheus, blue-green judges by rollout and readiness alone and canary
// (which needs metrics) is skipped; the report says so.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DeliveryServices {
  env: Record<string, string>;
  namespace: string;
  prometheusUrl: string | undefined;
  description: string[];
  close(): Promise<void>;
}

const NAMESPACE = 'spikeformer';

export async function startDeliveryServices(workspace: string): Promise<DeliveryServices> {
  const { startKubeDouble } = await import('../../packages/testing/lib/kube/index.js');
  const kube = await startKubeDouble({ readyDelayMs: 300, namespaces: [NAMESPACE] });
  const client = kube.newClient();
  const manifests = readFileSync(path.join(workspace, 'k8s/spikeformer-api.yaml'), 'utf8');
  const applied = await client.kubectl(['apply', '--namespace', NAMESPACE, '-f', '-'], {
    input: manifests,
    timeoutMs: 60_000,
  });
  if (applied.code !== 0) throw new Error(`kubectl apply of the sample manifests failed: ${applied.stderr}`);
  const readyReplicas = (name: string): number =>
    (kube.get('deployment', name, NAMESPACE)?.['status'] as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
  await kube.until(
    () => readyReplicas('spikeformer-api-blue') === 3 && readyReplicas('spikeformer-inference') === 2,
    20_000,
    'the sample Deployments to be ready',
  );
  const closers: Array<() => Promise<unknown>> = [() => kube.close()];
  const description = [`Kubernetes API double at ${kube.url} (real kubectl, a fresh kubeconfig)`];

  const { prometheusAvailable, startPrometheus } = await import('../../packages/testing/lib/prometheus/index.js');
  let available: boolean;
  try {
    available = prometheusAvailable();
  } catch {
    available = false;
  }
  if (!available) {
    description.push(
      'no Prometheus installed (apt-get install prometheus): blue-green judges by rollout and readiness only, canary is skipped',
    );
    return {
      env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
      namespace: NAMESPACE,
      prometheusUrl: undefined,
      description,
      close: () => kube.close(),
    };
  }

  const { startLoad, startTrackServer } = await import('../../packages/testing/lib/traffic/index.js');
  // 40 ms ± 10 ms: scheduling noise on a busy runner stays small against it.
  const healthy = { errorRate: 0, latencyMs: 40, jitterMs: 10 };
  const apps = [
    {
      stable: 'spikeformer-api-blue',
      canary: 'spikeformer-api-green',
      weights: kube.weightsProvider({
        kind: 'endpoints',
        namespace: NAMESPACE,
        service: 'spikeformer-api',
        stablePods: 'spikeformer.io/color=blue',
        canaryPods: 'spikeformer.io/color=green',
      }),
    },
    {
      stable: 'spikeformer-inference',
      canary: 'spikeformer-inference-canary',
      weights: kube.weightsProvider({
        kind: 'httproute',
        namespace: NAMESPACE,
        route: 'spikeformer-inference',
        stableBackend: 'spikeformer-inference',
        canaryBackend: 'spikeformer-inference-canary',
      }),
    },
  ];
  const targets: Array<{ address: string; labels: Record<string, string> }> = [];
  const loads: Array<{ stop(): Promise<unknown> }> = [];
  for (const app of apps) {
    const stable = await startTrackServer(app.stable, healthy);
    const canary = await startTrackServer(app.canary, { ...healthy, errorRate: 0.002 });
    closers.unshift(
      () => stable.close(),
      () => canary.close(),
    );
    targets.push(
      { address: stable.address, labels: { namespace: NAMESPACE, service: app.stable } },
      { address: canary.address, labels: { namespace: NAMESPACE, service: app.canary } },
    );
    // Both tracks may be unrouted for a moment (e.g. between promotion steps): keep the stable then.
    const weights = async (): Promise<{ stable: number; canary: number }> => {
      const w = await app.weights();
      return w.stable + w.canary === 0 ? { stable: 100, canary: 0 } : w;
    };
    loads.push(
      startLoad({
        targets: { stable: stable.url, canary: canary.url },
        weights,
        weightRefreshMs: 200,
        ratePerSecond: 30,
        durationMs: 600_000,
        maxRequests: 18_000,
      }),
    );
  }
  const prometheus = await startPrometheus({ scrapeIntervalMs: 1000, targets });
  closers.unshift(...loads.map((l) => () => l.stop()), () => prometheus.stop());
  // Warm-up: the analysis windows need a few scrapes of the live tracks before any deploy.
  const query = (q: string): string => `${prometheus.url}/api/v1/query?query=${encodeURIComponent(q)}`;
  const p99 = (service: string): string =>
    `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${NAMESPACE}",service="${service}"}[8s])))`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const values = await Promise.all(
      apps.map(async (app) => {
        const body = (await (await fetch(query(p99(app.stable)))).json()) as {
          data?: { result?: Array<{ value?: [number, string] }> };
        };
        return Number(body.data?.result?.[0]?.value?.[1]);
      }),
    );
    if (values.every(Number.isFinite)) break;
  }
  description.push(
    `Prometheus ${prometheus.url} scraping a metrics server per track, with load that follows the split the actions set in the cluster`,
  );
  return {
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
    namespace: NAMESPACE,
    prometheusUrl: prometheus.url,
    description,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
