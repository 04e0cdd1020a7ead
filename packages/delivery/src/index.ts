/**
 * What blue-green and canary share. Import the parts by subpath:
 * `@spikeformer-actions/delivery/kube` (the kubectl client, waits, preconditioned updates) and
 * `@spikeformer-actions/delivery/analysis` (Prometheus client, metric analysis, judge).
 */
export * as analysis from './analysis/index.js';
export * as kube from './kube/index.js';
export * as rollout from './rollout/index.js';
