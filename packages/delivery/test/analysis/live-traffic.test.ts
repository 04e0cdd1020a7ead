import { prometheusAvailable, startPrometheus, type RunningPrometheus } from '@spikeformer-actions/testing/prometheus';
import {
  fixedWeights,
  startLoad,
  startTrackServer,
  type LoadGenerator,
  type LoadStats,
  type TrackServer,
} from '@spikeformer-actions/testing/traffic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAnalysis } from '../../src/analysis/default-analysis.js';
import { PrometheusClient } from '../../src/analysis/prometheus-client.js';
import { runAnalysis } from '../../src/analysis/run.js';
import type { AnalysisResult, MetricResult } from '../../src/analysis/types.js';

/*
 * Live scrape: stable and canary services export prom-client metrics, a load generator splits
 * traffic 50/50 between stable and each canary, Debian's Prometheus scrapes every second, and the
 * DEFAULT analysis (windows shortened to seconds) judges each canary in real time.
 */

const available = prometheusAvailable();
const WINDOW_MS = 15_000;

describe.skipIf(!available)('default analysis on live traffic through a real Prometheus', { timeout: 90_000 }, () => {
  const servers: TrackServer[] = [];
  const loads: LoadGenerator[] = [];
  const loadStats: LoadStats[] = [];
  let prometheus: RunningPrometheus | undefined;
  const results = new Map<string, AnalysisResult>();

  beforeAll(async () => {
    const stable = await startTrackServer('api-stable', { errorRate: 0.01, latencyMs: 50, jitterMs: 10 });
    const canaries = {
      healthy: await startTrackServer('api-canary-healthy', { errorRate: 0.01, latencyMs: 50, jitterMs: 10 }),
      errors: await startTrackServer('api-canary-errors', { errorRate: 0.1, latencyMs: 50 }),
      slow: await startTrackServer('api-canary-slow', { errorRate: 0.01, latencyMs: 150, jitterMs: 10 }),
      down: await startTrackServer('api-canary-down', { errorRate: 0, latencyMs: 50, healthy: false }),
    };
    servers.push(stable, ...Object.values(canaries));
    prometheus = await startPrometheus({
      scrapeIntervalMs: 1_000,
      targets: servers.map((s) => ({ address: s.address, labels: { namespace: 'shop', service: s.name } })),
    });
    for (const canary of Object.values(canaries)) {
      loads.push(
        startLoad({
          targets: { stable: stable.url, canary: canary.url },
          weights: fixedWeights(50, 50),
          ratePerSecond: 40,
          maxRequests: 3_000,
          durationMs: 60_000,
        }),
      );
    }
    // Prometheus scrapes first ≈5 s after start; wait until every live canary has request rates.
    await prometheus.waitFor(
      'count(rate(http_requests_total{namespace="shop"}[5s]) > 0) by (service)',
      (r) => r.length >= 4,
      30_000,
    );
    await prometheus.waitFor('count(up{namespace="shop"} == 0)', (r) => r.length === 1, 30_000);
    // Let the windows fill (8 scrapes), so a ratio is not judged on a handful of requests.
    await prometheus.waitFor('count_over_time(up{service="api-stable"}[15s]) >= 8', (r) => r.length === 1, 30_000);
    const client = new PrometheusClient({ address: prometheus.url, timeoutMs: 5_000 });
    const spec = {
      metrics: defaultAnalysis({
        intervalMs: 2_000,
        count: 3,
        errorRateWindowMs: WINDOW_MS,
        latencyWindowMs: WINDOW_MS,
        healthWindowMs: WINDOW_MS,
      }),
      onError: 'fail' as const,
    };
    const runs = Object.entries(canaries).map(async ([name, server]) => {
      const r = await runAnalysis(spec, {
        source: client,
        vars: { namespace: 'shop', service: 'api', stable: stable.name, canary: server.name },
      });
      results.set(name, r);
    });
    await Promise.all(runs);
    for (const load of loads) loadStats.push(await load.stop());
  }, 90_000);

  afterAll(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await prometheus?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  const metric = (canary: string, name: string): MetricResult => {
    const m = results.get(canary)?.metrics.find((x) => x.name === name);
    if (!m) throw new Error(`no ${name} result for ${canary}: ${JSON.stringify(results.get(canary))}`);
    return m;
  };
  const show = (canary: string) =>
    JSON.stringify(
      results
        .get(canary)
        ?.metrics.map((m) => [m.name, m.verdict, m.measurements.map((x) => x.values.map((v) => v.value))]),
    );

  it('passes a healthy canary (1 % errors, same latency as stable)', () => {
    expect(results.get('healthy')?.verdict, show('healthy')).toBe('Successful');
    const errors = metric('healthy', 'error-rate');
    expect(errors.measurements).toHaveLength(3);
    for (const m of errors.measurements) expect(m.values[0]?.value).toBeLessThan(0.05);
    for (const m of metric('healthy', 'latency-p99').measurements) expect(m.values[0]?.value).toBeLessThan(2);
  });

  it('catches a canary with 10 % errors on error-rate', () => {
    expect(results.get('errors')?.verdict, show('errors')).toBe('Failed');
    const errors = metric('errors', 'error-rate');
    expect(errors.verdict).toBe('Failed');
    expect(errors.measurements[0]?.values[0]?.value).toBeGreaterThan(0.05);
    expect(errors.measurements[0]?.values[0]?.value).toBeLessThan(0.2);
    expect(errors.measurements[0]?.query).toContain('service="api-canary-errors"');
  });

  it('catches a canary with 3× latency on latency-p99', () => {
    expect(results.get('slow')?.verdict, show('slow')).toBe('Failed');
    const latency = metric('slow', 'latency-p99');
    expect(latency.verdict).toBe('Failed');
    expect(latency.measurements[0]?.values[0]?.value).toBeGreaterThan(2);
    expect(metric('slow', 'error-rate').verdict).not.toBe('Failed');
  });

  it('catches a canary whose health checks fail (Prometheus records up = 0)', () => {
    expect(results.get('down')?.verdict, show('down')).toBe('Failed');
    expect(metric('down', 'health-checks').verdict).toBe('Failed');
  });

  it('sent the load split by the weights, bounded', () => {
    for (const s of loadStats) {
      expect(Math.abs(s.stable.sent - s.canary.sent)).toBeLessThanOrEqual(1);
      expect(s.stable.sent + s.canary.sent).toBeLessThanOrEqual(3_000);
      expect(s.stable.failed + s.canary.failed).toBe(0);
    }
  });
});
