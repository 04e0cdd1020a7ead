/**
 * The Kubernetes client blue-green and canary share (`@spikeformer-actions/delivery/kube`): the
 * user's kubectl with their kubeconfig/context/namespace, typed `-o json` answers, retries on
 * transient API failures only, resourceVersion preconditions on every read-modify-write, and
 * waits for rollouts, ready endpoints and deletion.
 */
export {
  classifyFailure,
  ConflictError,
  KubectlError,
  summariseStderr,
  type Classified,
  type FailureKind,
} from './errors.js';
export { looksInline, resolveKubeconfig, type ResolvedKubeconfig } from './kubeconfig.js';
export { Kubectl, type AttemptRecord, type KubectlOptions, type PatchType, type RunOptions } from './kubectl.js';
export {
  deploymentRollout,
  FATAL_WAITING_REASONS,
  podProblems,
  podReady,
  readyEndpointAddresses,
  readySliceAddresses,
  type PodProblem,
  type RolloutState,
  type RolloutStatus,
} from './readiness.js';
export { DEFAULT_RETRY, retryDelay, shouldRetry, type RetryPolicy } from './retry.js';
export { selectorString } from './selectors.js';
export type * from './types.js';
export {
  setDeploymentImage,
  setServiceSelector,
  updateObject,
  type UpdateOptions,
  type UpdateResult,
} from './update.js';
export {
  newestPods,
  realClock,
  RolloutFailedError,
  waitForDeletion,
  waitForReadyEndpoints,
  waitForRollout,
  WaitTimeoutError,
  type Clock,
  type EndpointsTarget,
  type WaitOptions,
} from './waits.js';
