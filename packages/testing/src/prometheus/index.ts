/** A real Prometheus for tests: `@spikeformer-actions/testing/prometheus`. */
export { backfillOpenMetrics } from './backfill.js';
export { findPrometheus, prometheusAvailable, requirePrometheus, type PrometheusBinaries } from './binaries.js';
export {
  freePort,
  startPrometheus,
  type PrometheusOptions,
  type RunningPrometheus,
  type ScrapeTarget,
} from './server.js';
export { openMetricsFamily, type OpenMetricsSample } from './openmetrics.js';
