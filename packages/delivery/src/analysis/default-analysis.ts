import { formatDuration } from '@spikeformer-actions/core';
import type { MetricSpec, NoDataPolicy } from './types.js';

/**
 * The default analysis of `canary` and `blue-green`: the CI/CD design's automated rollback
 * triggers, as PromQL over the standard HTTP metrics most instrumentation libraries export
 * (prom-client, prometheus_client, micrometer's Prometheus naming):
 *
 *   http_requests_total{code}                         counter, one series per status code
 *   http_request_duration_seconds_bucket{le}          histogram
 *   up                                                Prometheus' own health check of each scraped target
 *
 * Series are selected by the `namespace` and `service` labels, which the usual Kubernetes
 * service-discovery relabelling attaches (`__meta_kubernetes_namespace`, `__meta_kubernetes_service_name`).
 * Override any metric by name (see spec.ts) when your labels or metric names differ.
 */

/** Error ratio of the canary: 5xx over all requests. `or vector(0)`: no 5xx series at all means 0, not "no data". */
export const ERROR_RATE_QUERY =
  '(sum(rate(http_requests_total{namespace="{{ namespace }}",service="{{ canary }}",code=~"5.."}[{{ window }}])) or vector(0))' +
  ' / sum(rate(http_requests_total{namespace="{{ namespace }}",service="{{ canary }}"}[{{ window }}]))';

/** Canary p99 latency divided by the stable p99 over the same window (the "2× baseline" trigger). */
export const LATENCY_RATIO_QUERY =
  'histogram_quantile({{ quantile }}, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{ namespace }}",service="{{ canary }}"}[{{ window }}])))' +
  ' / histogram_quantile({{ quantile }}, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{ namespace }}",service="{{ stable }}"}[{{ window }}])))';

/** Fraction of failed health checks (scrapes) of the canary's targets over the window. */
export const HEALTH_FAILURE_QUERY =
  '1 - avg(avg_over_time(up{namespace="{{ namespace }}",service="{{ canary }}"}[{{ window }}]))';

export interface DefaultAnalysisOptions {
  /** Highest acceptable error ratio (0.05 = 5 %). */
  errorRateMax?: number;
  errorRateWindowMs?: number;
  /** Highest acceptable canary/stable latency ratio at the quantile. */
  latencyRatioMax?: number;
  latencyQuantile?: number;
  latencyWindowMs?: number;
  /** Highest acceptable fraction of failed health checks. */
  healthFailureMax?: number;
  healthWindowMs?: number;
  intervalMs?: number;
  count?: number;
  initialDelayMs?: number;
  failureLimit?: number;
  consecutiveErrorLimit?: number;
  onNoData?: NoDataPolicy;
}

/** A duration as PromQL writes it: whole seconds or milliseconds (5m → "300s", 1.5s → "1500ms"). */
export function promQlDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1) throw new RangeError(`window must be at least 1ms, got ${ms}`);
  return Number.isInteger(ms / 1000) ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

/** The three rollback triggers as metric specs (names: error-rate, latency-p99, health-checks). */
export function defaultAnalysis(options: DefaultAnalysisOptions = {}): MetricSpec[] {
  const common = {
    intervalMs: options.intervalMs ?? 60_000,
    count: options.count ?? 5,
    initialDelayMs: options.initialDelayMs ?? 0,
    failureLimit: options.failureLimit ?? 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: options.consecutiveErrorLimit ?? 4,
    onNoData: options.onNoData ?? 'inconclusive',
  };
  const errorMax = options.errorRateMax ?? 0.05;
  const errorWindow = options.errorRateWindowMs ?? 5 * 60_000;
  const ratioMax = options.latencyRatioMax ?? 2;
  const quantile = options.latencyQuantile ?? 0.99;
  const latencyWindow = options.latencyWindowMs ?? 10 * 60_000;
  const healthMax = options.healthFailureMax ?? 0.5;
  const healthWindow = options.healthWindowMs ?? 5 * 60_000;
  if (!(quantile > 0 && quantile < 1))
    throw new RangeError(`latency quantile must be between 0 and 1, got ${quantile}`);
  return [
    {
      name: 'error-rate',
      description: `canary 5xx ratio over ${formatDuration(errorWindow)} must not exceed ${errorMax * 100}%`,
      query: ERROR_RATE_QUERY,
      args: { window: promQlDuration(errorWindow) },
      success: { kind: 'threshold', max: errorMax, source: `{max ${errorMax}}` },
      ...common,
    },
    {
      name: 'latency-p99',
      description: `canary p${Math.round(quantile * 1000) / 10} latency over ${formatDuration(latencyWindow)} must not exceed ${ratioMax}× the stable one`,
      query: LATENCY_RATIO_QUERY,
      args: { window: promQlDuration(latencyWindow), quantile: String(quantile) },
      success: { kind: 'threshold', max: ratioMax, source: `{max ${ratioMax}}` },
      ...common,
    },
    {
      name: 'health-checks',
      description: `failed health checks of the canary over ${formatDuration(healthWindow)} must not exceed ${healthMax * 100}%`,
      query: HEALTH_FAILURE_QUERY,
      args: { window: promQlDuration(healthWindow) },
      success: { kind: 'threshold', max: healthMax, source: `{max ${healthMax}}` },
      ...common,
    },
  ];
}
