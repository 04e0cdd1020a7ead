import path from 'node:path';
import { ensureBundled, runBundledAction } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { type RunningPrometheus, startPrometheus } from '@spikeformer-actions/testing/prometheus';
import {
  type LoadGenerator,
  startLoad,
  startTrackServer,
  type TrackServer,
} from '@spikeformer-actions/testing/traffic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicasOf, sampleSelector, seededCluster, selectorOf } from './cluster.js';

const action = path.resolve(import.meta.dirname, '..');
let kube: KubeDouble;
let prometheus: RunningPrometheus;
let blue: TrackServer;
let green: TrackServer;
let load: LoadGenerator;

// Traffic follows the real selector in the API double: all to blue or all to green.
beforeAll(async () => {
  ensureBundled(action);
  kube = await seededCluster();
  blue = await startTrackServer('blue', { errorRate: 0, latencyMs: 5 });
  green = await startTrackServer('green', { errorRate: 0.3, latencyMs: 5 });
  prometheus = await startPrometheus({
    scrapeIntervalMs: 1000,
    targets: [
      { address: blue.address, labels: { namespace: 'default', service: 'api-blue' } },
      { address: green.address, labels: { namespace: 'default', service: 'api-green' } },
    ],
  });
  load = startLoad({
    targets: { stable: blue.url, canary: green.url },
    weights: async () =>
      selectorOf(kube)['spikeformer.io/color'] === 'green' ? { stable: 0, canary: 100 } : { stable: 100, canary: 0 },
    weightRefreshMs: 100,
    ratePerSecond: 40,
    durationMs: 120_000,
    maxRequests: 6000,
  });
}, 300_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
  await load?.stop();
  await prometheus?.stop();
  await blue?.close();
  await green?.close();
  await kube?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

describe('blue-green post-switch analysis against a real Prometheus', { timeout: 180_000 }, () => {
  it('a green with 30% errors is switched back to blue, which was never scaled down', async () => {
    const client = kube.newClient();
    const sampler = sampleSelector(kube);
    const r = await runBundledAction(action, {
      inputs: {
        service: 'api',
        'preview-service': 'api-preview',
        deployment: 'api',
        image: 'api=registry.local/spikeformer-api:2.0',
        'prometheus-url': prometheus.url,
        'monitor-duration': '12s',
        // The default error-rate trigger, over a window that fits a test.
        analysis:
          'metrics:\n  - name: error-rate\n    args: { window: 6s }\n    initial-delay: 5s\n    interval: 2s\n    count: 3\n  - name: latency-p99\n    enabled: false\n  - name: health-checks\n    enabled: false\n',
      },
      env: { KUBECONFIG: client.kubeconfig, HOME: client.dir },
      timeoutMs: 150_000,
    });
    expect(sampler.stop()).toEqual([]);
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'active-color': 'blue' });
    expect(r.annotations[0]?.message).toMatch(/switched back to blue/);
    expect(selectorOf(kube)['spikeformer.io/color']).toBe('blue');
    expect(replicasOf(kube, 'api-blue')).toBe(2);
    expect(replicasOf(kube, 'api-green')).toBe(0);
    // Green really served traffic between the switch and the rollback, and the summary shows the query.
    expect(green.served()['500'] ?? 0).toBeGreaterThan(0);
    expect(r.summary).toContain('Analysis (post-switch): Failed');
    expect(r.summary).toContain('service=&quot;api-green&quot;');
  });
});
