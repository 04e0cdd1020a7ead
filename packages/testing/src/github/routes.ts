import {
  downloadArtifact,
  getArtifact,
  getWorkflowRun,
  listArtifacts,
  listRunArtifacts,
  listWorkflowRuns,
} from './routes-artifacts.js';
import { createAttestation, listOrgAttestations, listRepoAttestations } from './routes-attestations.js';
import {
  createDeployment,
  createDeploymentStatus,
  getDeployment,
  listDeploymentStatuses,
  listDeployments,
} from './routes-deployments.js';
import { createComment, getComment, listComments, updateComment } from './routes-issues.js';
import { listPulls } from './routes-pulls.js';
import type { Handler } from './route.js';

/** POST /repos/{owner}/{repo}/dependency-graph/snapshots */
const createSnapshot: Handler = (req, ctx) => {
  const { owner = '', repo = '' } = req.pathParams;
  const stored = {
    id: ctx.state.id(),
    owner,
    repo,
    body: req.body as Record<string, unknown>,
    createdAt: ctx.state.now(),
  };
  ctx.state.snapshots.push(stored);
  return {
    status: 201,
    body: {
      id: stored.id,
      created_at: stored.createdAt,
      result: 'SUCCESS',
      message: 'Dependency results for the repo have been successfully updated.',
    },
  };
};

/** The operations the double implements, by GitHub's operationId. */
export const ROUTES: Readonly<Record<string, Handler>> = {
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
  'issues/update-comment': updateComment,
  'issues/get-comment': getComment,
  'repos/create-attestation': createAttestation,
  'repos/list-attestations': listRepoAttestations,
  'orgs/list-attestations': listOrgAttestations,
  'dependency-graph/create-repository-snapshot': createSnapshot,
  'repos/create-deployment': createDeployment,
  'repos/list-deployments': listDeployments,
  'repos/get-deployment': getDeployment,
  'repos/create-deployment-status': createDeploymentStatus,
  'repos/list-deployment-statuses': listDeploymentStatuses,
  'actions/list-artifacts-for-repo': listArtifacts,
  'actions/list-workflow-run-artifacts': listRunArtifacts,
  'actions/get-artifact': getArtifact,
  'actions/download-artifact': downloadArtifact,
  'actions/get-workflow-run': getWorkflowRun,
  'actions/list-workflow-runs-for-repo': listWorkflowRuns,
  'pulls/list': listPulls,
};
