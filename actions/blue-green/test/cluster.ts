import { type KubeDouble, startKubeDouble } from '@spikeformer-actions/testing/kube';

export interface Violation {
  at: number;
  what: string;
}

/** A double with `api-blue` (2 replicas) live behind Service `api`, and a preview Service. */
export async function seededCluster(readyDelayMs = 200): Promise<KubeDouble> {
  const kube = await startKubeDouble({ readyDelayMs });
  const labels = { app: 'api', 'spikeformer.io/color': 'blue' };
  kube.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api-blue', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'api', image: 'registry.local/spikeformer-api:1.0', ports: [{ containerPort: 8000 }] }],
        },
      },
    },
  });
  for (const name of ['api', 'api-preview']) {
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8000 }] },
    });
  }
  await kube.until(() => readyAddresses(kube, 'api') === 2, 10_000, 'blue endpoints');
  return kube;
}

function readyAddresses(kube: KubeDouble, service: string): number {
  const endpoints = kube.get('endpoints', service);
  const subsets = (endpoints?.['subsets'] ?? []) as Array<{ addresses?: unknown[] }>;
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

export function selectorOf(kube: KubeDouble, service = 'api'): Record<string, string> {
  const spec = kube.get('service', service)?.['spec'] as { selector?: Record<string, string> } | undefined;
  return spec?.selector ?? {};
}

export function replicasOf(kube: KubeDouble, deployment: string): number | undefined {
  const spec = kube.get('deployment', deployment)?.['spec'] as { replicas?: number } | undefined;
  return spec?.replicas;
}

export function annotationsOf(kube: KubeDouble, service = 'api'): Record<string, string> {
  return (kube.get('service', service)?.metadata['annotations'] ?? {}) as Record<string, string>;
}

/**
 * Samples the active Service every 20 ms: its selector must never be empty and must always
 * match at least one ready pod, and the Service must always have a ready endpoint.
 */
export function sampleSelector(kube: KubeDouble): { stop(): Violation[]; samples(): number } {
  const violations: Violation[] = [];
  let samples = 0;
  const timer = setInterval(() => {
    samples++;
    const selector = selectorOf(kube);
    if (Object.keys(selector).length === 0) {
      violations.push({ at: Date.now(), what: 'empty selector' });
      return;
    }
    const pods = kube.list('pod', {
      labelSelector: Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    });
    const ready = pods.filter((p) =>
      ((p['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    );
    if (ready.length === 0)
      violations.push({ at: Date.now(), what: `selector ${JSON.stringify(selector)} matches no ready pod` });
    if (readyAddresses(kube, 'api') === 0)
      violations.push({ at: Date.now(), what: 'service api has no ready endpoint' });
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return violations;
    },
    samples: () => samples,
  };
}
