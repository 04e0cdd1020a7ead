/**
 * A local GitHub REST API for tests, checked against GitHub's published OpenAPI description,
 * and event payloads checked against GitHub's webhook schemas.
 */
export { GitHubApiDouble, type GitHubApiDoubleOptions, type RecordedGitHubRequest, type Violation } from './server.js';
export { GitHubState, type StoredAttestation, type StoredSnapshot } from './state.js';
export type { OpenPull } from './routes-pulls.js';
export type { StoredComment, StoredDeployment, StoredStatus } from './objects.js';
export { bundleSubjects, subjectDigest } from './routes-attestations.js';
export { eventViolations, validEvent, webhookKey } from './webhooks.js';
export { sampleEvent } from './webhooks-sample.js';
export {
  addWorkflowRun,
  readZip,
  uploadArtifact,
  zipFiles,
  type StoredArtifact,
  type StoredWorkflowRun,
  type WorkflowRunInit,
} from './actions-objects.js';
export { installGhStandIn } from './gh-stand-in.js';
