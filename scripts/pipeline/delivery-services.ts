// Local stand-ins for the delivery stages: the Kubernetes API double (real kubectl talks to it)
// seeded with the sample's manifests, and — when Debian's prometheus is installed — a real
// Prometheus scraping one metrics server per colour/track, with load that follows the Service
// selector the deploy actions change. Without Prometheus the stages judge by rollout and
// readiness alone, and the report says so.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DeliveryServices {
  env: Record<string, string>;
  namespace: string;
  prometheusUrl: string | undefined;
  description: string[];
  close(): Promise<void>;
}

export async function startDeliveryServices(workspace: string): Promise<DeliveryServices> {
  const { startKubeDouble } = await import('../../packages/testing/lib/kube/index.js');
  const namespace = 'spikeformer';
  const kube = await startKubeDouble({ readyDelayMs: 300, namespaces: [namespace] });
  const client = kube.newClient();
  const manifests = readFileSync(path.join(workspace, 'k8s/spikeformer-api.yaml'), 'utf8');
  const applied = await client.kubectl(['apply', '--namespace', namespace, '-f', '-'], { input: manifests, timeoutMs: 60_000 });
  if (applied.code !== 0) throw new Error(`kubectl apply of the sample manifests failed: ${applied.stderr}`);
  const selectorColor = (): string => {
    const spec = kube.get('service', 'spikeformer-api', namespace)?.['spec'] as { selector?: Record<string, string> } | undefined;
    return spec?.selector?.['spikeformer.io/color'] ?? 'blue';
  };
  await kube.until(() => {
    const status = kube.get('deployment', 'spikeformer-api-blue', namespace)?.['status'] as { readyReplicas?: number } | undefined;
    return status?.readyReplicas === 3;
  }, 20_000, 'the sample Deployment to be ready');
  const closers: Array<() => Promise<unknown>> = [() => kube.close()];
  const description = [`Kubernetes API double at ${kube.url} (real kubectl ${client.env.KUBECONFIG ? 'with a fresh kubeconfig' : ''})`];

  const { prometheusAvailable, startPrometheus } = await import('../../packages/testing/lib/prometheus/index.js');
  let prometheusUrl: string | undefined;
  let available = false;
  try {
    available = prometheusAvailable();
  } catch {
    available = false;
  }
  if (available) {
    const { startLoad, startTrackServer } = await import('../../packages/testing/lib/traffic/index.js');
    // 40 ms ± 10 ms: scheduling noise on a busy runner stays small against it.
    const blue = await startTrackServer('blue', { errorRate: 0, latencyMs: 40, jitterMs: 10 });
    const green = await startTrackServer('green', { errorRate: 0.002, latencyMs: 40, jitterMs: 10 });
    const prometheus = await startPrometheus({
      scrapeIntervalMs: 1000,
      targets: [
        { address: blue.address, labels: { namespace, service: 'spikeformer-api-blue' } },
        { address: green.address, labels: { namespace, service: 'spikeformer-api-green' } },
      ],
    });
    const load = startLoad({
      targets: { stable: blue.url, canary: green.url },
      weights: async () => (selectorColor() === 'green' ? { stable: 0, canary: 100 } : { stable: 100, canary: 0 }),
      weightRefreshMs: 200,
      ratePerSecond: 30,
      durationMs: 300_000,
      maxRequests: 9000,
    });
    closers.unshift(() => load.stop(), () => prometheus.stop(), () => blue.close(), () => green.close());
    // Warm-up: the analysis windows need a few scrapes of the live colour before any deploy.
    const ready = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${namespace}",service="spikeformer-api-blue"}[8s])))`)}`;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      const body = (await (await fetch(ready)).json()) as { data?: { result?: Array<{ value?: [number, string] }> } };
      const value = Number(body.data?.result?.[0]?.value?.[1]);
      if (Number.isFinite(value)) break;
    }
    prometheusUrl = prometheus.url;
    description.push(`Prometheus ${prometheus.url} scraping a metrics server per colour, with load that follows the Service selector`);
  } else {
    description.push('no Prometheus installed (apt-get install prometheus): the delivery stages judge by rollout and readiness only');
  }
  return {
    env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
    namespace,
    prometheusUrl,
    description,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
