import type { GitHubBuildContext } from '@spikeformer-actions/supply-chain';

/** The GitHub context of the build, from the runner's env and (keyless) the OIDC token's claims. */
export function buildContext(env: NodeJS.ProcessEnv, claims: Record<string, unknown> = {}): GitHubBuildContext {
  const claim = (name: string): string | undefined => (typeof claims[name] === 'string' ? claims[name] : undefined);
  const get = (name: string, fallback = ''): string => env[name] ?? fallback;
  const jobWorkflowRef = claim('job_workflow_ref');
  return {
    serverUrl: get('GITHUB_SERVER_URL', 'https://github.com'),
    repository: claim('repository') ?? get('GITHUB_REPOSITORY'),
    repositoryId: claim('repository_id') ?? get('GITHUB_REPOSITORY_ID'),
    repositoryOwnerId: claim('repository_owner_id') ?? get('GITHUB_REPOSITORY_OWNER_ID'),
    ref: claim('ref') ?? get('GITHUB_REF'),
    sha: claim('sha') ?? get('GITHUB_SHA'),
    eventName: claim('event_name') ?? get('GITHUB_EVENT_NAME'),
    workflowRef: claim('workflow_ref') ?? get('GITHUB_WORKFLOW_REF'),
    runId: claim('run_id') ?? get('GITHUB_RUN_ID'),
    runAttempt: claim('run_attempt') ?? get('GITHUB_RUN_ATTEMPT', '1'),
    runnerEnvironment: claim('runner_environment') ?? get('RUNNER_ENVIRONMENT', 'github-hosted'),
    ...(jobWorkflowRef ? { jobWorkflowRef } : {}),
  };
}

/** Missing context that would make the provenance lie; named so the user can fix the job. */
export function missingContext(ctx: GitHubBuildContext): string[] {
  const required: (keyof GitHubBuildContext)[] = ['repository', 'ref', 'sha', 'workflowRef', 'runId'];
  return required.filter((k) => !ctx[k]);
}
