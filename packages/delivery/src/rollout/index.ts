/** Pieces the deploy actions (blue-green, canary) share: `@spikeformer-actions/delivery/rollout`. */
export { type ImageChange, parseImagePairs } from './image-pairs.js';
export { Timeline, type TimelineEntry } from './timeline.js';
export { imagesOf, labelSelector } from './workload.js';
export { type ClusterTarget, kubectlFor } from './cluster.js';
export { readKubeconfigInput } from './kubeconfig-input.js';
export { checkNamespace, checkObjectName, checkOneLine, checkServiceName, isDeploymentBase } from './names.js';
export { checkHttpUrl, httpUrlProblem, maskUserInfo, shownUrl } from './url-input.js';
export { readOutputFileInput, writeOutputFile } from './output-file.js';
export { sleep, TIMER_PIECE_MS } from '../sleep.js';
export {
  type DeploymentMetrics,
  deploymentMetricsText,
  pushDeploymentMetrics,
  pushDeploymentMetricsOrWarn,
  pushUrl,
} from './pushgateway.js';
export { type AlertInputs, readAlertInputs } from './alert-inputs.js';
export {
  checkEnvironmentName,
  checkGitHubToken,
  type DeploymentAudit,
  type DeploymentState,
  digestsOf,
  GitHubDeployment,
  type GitHubDeploymentOptions,
  runUrlOf,
} from './github-deployment.js';
