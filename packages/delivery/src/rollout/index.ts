/** Pieces the deploy actions (blue-green, canary) share: `@spikeformer-actions/delivery/rollout`. */
export { type ImageChange, parseImagePairs } from './image-pairs.js';
export { Timeline, type TimelineEntry } from './timeline.js';
export { imagesOf, labelSelector } from './workload.js';
export { type ClusterTarget, kubectlFor } from './cluster.js';
export { readKubeconfigInput } from './kubeconfig-input.js';
