// The CI/CD and VCS attribute names of @opentelemetry/semantic-conventions 1.45.0 (incubating),
// copied as its README asks of code that ships: the incubating entry point may change in a
// minor release. test/tracing.test.ts checks each against the installed package.
export const ATTR_CICD_PIPELINE_NAME = 'cicd.pipeline.name';
export const ATTR_CICD_PIPELINE_RUN_ID = 'cicd.pipeline.run.id';
export const ATTR_CICD_PIPELINE_RUN_URL_FULL = 'cicd.pipeline.run.url.full';
export const ATTR_CICD_PIPELINE_TASK_NAME = 'cicd.pipeline.task.name';
export const ATTR_CICD_PIPELINE_TASK_RUN_ID = 'cicd.pipeline.task.run.id';
export const ATTR_CICD_PIPELINE_TASK_RUN_RESULT = 'cicd.pipeline.task.run.result';
export const ATTR_CICD_WORKER_NAME = 'cicd.worker.name';
export const ATTR_VCS_CHANGE_ID = 'vcs.change.id';
export const ATTR_VCS_OWNER_NAME = 'vcs.owner.name';
export const ATTR_VCS_PROVIDER_NAME = 'vcs.provider.name';
export const ATTR_VCS_REF_HEAD_NAME = 'vcs.ref.head.name';
export const ATTR_VCS_REF_HEAD_REVISION = 'vcs.ref.head.revision';
export const ATTR_VCS_REF_HEAD_TYPE = 'vcs.ref.head.type';
export const ATTR_VCS_REPOSITORY_NAME = 'vcs.repository.name';
export const ATTR_VCS_REPOSITORY_URL_FULL = 'vcs.repository.url.full';

type Env = Readonly<Record<string, string | undefined>>;

/** The action's status output (passed/failed), beside the CI/CD conventions' own result. */
export const ATTR_ACTION_STATUS = 'spikeformer.action.status';
const MAX_VALUE_LENGTH = 512;

/** cicd.pipeline.task.run.result: failure when the action judged (a gate), error when it broke. */
export type TaskResult = 'success' | 'failure' | 'error';

const defined = (entries: Array<[string, string | undefined]>): Record<string, string> =>
  Object.fromEntries(
    entries
      .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
      .map(([k, v]) => [k, v.slice(0, MAX_VALUE_LENGTH)]),
  );

/**
 * The attributes of an action's span, from the runner's environment, named after
 * OpenTelemetry's CI/CD and VCS semantic conventions: the workflow is the pipeline, this step
 * of this job the task (its run id: run, attempt, job and step id, unique within the run).
 */
export function actionAttributes(env: Env, actionName: string): Record<string, string> {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const repository = env.GITHUB_REPOSITORY;
  const [owner, name] = repository?.includes('/')
    ? repository.split('/', 2)
    : [env.GITHUB_REPOSITORY_OWNER, repository];
  const attempt = env.GITHUB_RUN_ATTEMPT || '1';
  const runUrl =
    repository && env.GITHUB_RUN_ID
      ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${attempt}`
      : undefined;
  const taskRunId =
    env.GITHUB_RUN_ID && env.GITHUB_JOB
      ? [env.GITHUB_RUN_ID, attempt, env.GITHUB_JOB, env.GITHUB_ACTION].filter(Boolean).join('/')
      : undefined;
  const pull = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  const refType = env.GITHUB_REF_TYPE === 'branch' || env.GITHUB_REF_TYPE === 'tag' ? env.GITHUB_REF_TYPE : undefined;
  return defined([
    [ATTR_CICD_PIPELINE_NAME, env.GITHUB_WORKFLOW],
    [ATTR_CICD_PIPELINE_RUN_ID, env.GITHUB_RUN_ID],
    [ATTR_CICD_PIPELINE_RUN_URL_FULL, runUrl],
    [ATTR_CICD_PIPELINE_TASK_NAME, actionName],
    [ATTR_CICD_PIPELINE_TASK_RUN_ID, taskRunId],
    [ATTR_CICD_WORKER_NAME, env.RUNNER_NAME],
    [ATTR_VCS_PROVIDER_NAME, env.GITHUB_ACTIONS === 'true' ? 'github' : undefined],
    [ATTR_VCS_OWNER_NAME, owner],
    [ATTR_VCS_REPOSITORY_NAME, name],
    [ATTR_VCS_REPOSITORY_URL_FULL, repository ? `${server}/${repository}` : undefined],
    [ATTR_VCS_REF_HEAD_NAME, env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME],
    [ATTR_VCS_REF_HEAD_REVISION, env.GITHUB_SHA],
    [ATTR_VCS_REF_HEAD_TYPE, pull ? 'branch' : refType],
    [ATTR_VCS_CHANGE_ID, pull],
  ]);
}

export function resultAttributes(result: TaskResult, status: string | undefined): Record<string, string> {
  return defined([
    [ATTR_CICD_PIPELINE_TASK_RUN_RESULT, result],
    [ATTR_ACTION_STATUS, status],
  ]);
}
