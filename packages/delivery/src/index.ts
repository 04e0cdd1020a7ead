/**
 * What blue-green and canary share. Import the parts by subpath:
 * `@spikeformer-actions/delivery/kube` (the kubectl client, waits, preconditioned updates),
 * `@spikeformer-actions/delivery/analysis` (Prometheus client, metric analysis, judge),
 * `@spikeformer-actions/delivery/alerts` (Alertmanager in the decision, the rollback rules file) and
 * `@spikeformer-actions/delivery/flags` (an OpenFeature flagd flag that moves with the traffic).
 */
export * as alerts from './alerts/index.js';
export * as analysis from './analysis/index.js';
export * as flags from './flags/index.js';
export * as kube from './kube/index.js';
export * as rollout from './rollout/index.js';
