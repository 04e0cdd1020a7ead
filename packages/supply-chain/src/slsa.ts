/** SLSA provenance predicate types (v0.2 and v1) and GitHub's build type. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
export const GITHUB_BUILD_TYPE_V1 = 'https://actions.github.io/buildtypes/workflow/v1';
export const NPM_PUBLISH_V01 = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';

export interface ResourceDescriptor {
  uri?: string;
  digest?: Record<string, string>;
  name?: string;
  annotations?: Record<string, unknown>;
}

export interface SlsaV1Predicate {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters?: Record<string, unknown>;
    resolvedDependencies?: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; version?: Record<string, string>; builderDependencies?: ResourceDescriptor[] };
    metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string };
    byproducts?: ResourceDescriptor[];
  };
}

export interface SlsaV02Predicate {
  builder: { id: string };
  buildType: string;
  invocation?: {
    configSource?: { uri?: string; digest?: Record<string, string>; entryPoint?: string };
    parameters?: unknown;
    environment?: unknown;
  };
  metadata?: unknown;
  materials?: ResourceDescriptor[];
}

/** The GitHub context the v1 predicate is built from (names as the runner's env gives them). */
export interface GitHubBuildContext {
  serverUrl: string;
  repository: string;
  repositoryId: string;
  repositoryOwnerId: string;
  ref: string;
  sha: string;
  eventName: string;
  workflowRef: string;
  runId: string;
  runAttempt: string;
  runnerEnvironment: string;
  /** The job's workflow (a reusable workflow when one runs the job); from the OIDC token when known. */
  jobWorkflowRef?: string;
}

/**
 * SLSA v1 build provenance as actions/attest-build-provenance writes it: the builder is the
 * runner, the workflow file (from GITHUB_WORKFLOW_REF) is the external parameter.
 */
export function buildSlsaV1Predicate(ctx: GitHubBuildContext): SlsaV1Predicate {
  // GITHUB_WORKFLOW_REF = owner/repo/.github/workflows/file.yml@refs/…
  const at = ctx.workflowRef.indexOf('@');
  const workflowPathWithRepo = at < 0 ? ctx.workflowRef : ctx.workflowRef.slice(0, at);
  const workflowPath = workflowPathWithRepo.startsWith(`${ctx.repository}/`)
    ? workflowPathWithRepo.slice(ctx.repository.length + 1)
    : workflowPathWithRepo;
  const server = ctx.serverUrl.replace(/\/+$/, '');
  return {
    buildDefinition: {
      buildType: GITHUB_BUILD_TYPE_V1,
      externalParameters: {
        workflow: { ref: ctx.ref, repository: `${server}/${ctx.repository}`, path: workflowPath },
      },
      internalParameters: {
        github: {
          event_name: ctx.eventName,
          repository_id: ctx.repositoryId,
          repository_owner_id: ctx.repositoryOwnerId,
          runner_environment: ctx.runnerEnvironment,
        },
      },
      resolvedDependencies: [{ uri: `git+${server}/${ctx.repository}@${ctx.ref}`, digest: { gitCommit: ctx.sha } }],
    },
    runDetails: {
      builder: { id: `${server}/${ctx.jobWorkflowRef ?? ctx.workflowRef}` },
      metadata: { invocationId: `${server}/${ctx.repository}/actions/runs/${ctx.runId}/attempts/${ctx.runAttempt}` },
    },
  };
}
