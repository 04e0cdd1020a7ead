import { InputError, redact, stripControl, warning } from '@spikeformer-actions/core';
import { errorStatus, githubClient, type GitHubClient } from '@spikeformer-actions/core/github';

/** The states a run gives its deployment: in_progress at the start, then one of the others. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** GitHub cuts a deployment status description at 140 characters. */
const MAX_DESCRIPTION_CHARS = 140;
const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

export interface GitHubDeploymentOptions {
  /** `blue-green` or `canary`: the warnings start with it. */
  tool: string;
  /** The github-token input; empty: nothing is recorded in GitHub (the JSON record still is). */
  token: string;
  environment: string;
  /** What the deployment's payload carries besides the images (namespace, service …). */
  payload: Record<string, string>;
  /** container → image as deployed. */
  images: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

/** What the run recorded, written into the action's JSON record as it is sent to GitHub. */
export interface DeploymentAudit {
  environment: string;
  ref: string;
  actor: string;
  images: Record<string, string>;
  /** sha256 digests of the images pinned by digest. */
  digests: Record<string, string>;
  /** The workflow run that deployed. */
  runUrl: string;
  startedAt: string;
  finishedAt?: string;
  outcome?: DeploymentState;
  /** The GitHub Deployment, when one was created. */
  github?: { id: number; url: string; statuses: Array<{ state: DeploymentState; description: string; at: string }> };
  /** Why there is none (no token, refused …). */
  skipped?: string;
}

/** GitHub's limit on an environment name. */
const MAX_ENVIRONMENT_CHARS = 255;

/** A GitHub environment name: one line, at most 255 characters. */
export function checkEnvironmentName(input: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    throw new InputError(input, 'contains a line break or control character');
  if (value.length > MAX_ENVIRONMENT_CHARS)
    throw new InputError(input, `is longer than GitHub's ${MAX_ENVIRONMENT_CHARS} characters for an environment name`);
}

/** A token is one word: white space or a line break would split the authorization header. */
export function checkGitHubToken(input: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    throw new InputError(input, 'contains whitespace or a control character');
}

/** container → sha256 digest, for the images given as `…@sha256:<hex>`. */
export function digestsOf(images: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [container, image] of Object.entries(images)) {
    const m = /@(sha256:[0-9a-f]{64})$/.exec(image);
    if (m?.[1]) out[container] = m[1];
  }
  return out;
}

/** The workflow run's page: `<server>/<owner>/<repo>/actions/runs/<id>[/attempts/<n>]`, or '' outside a runner. */
export function runUrlOf(env: NodeJS.ProcessEnv): string {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const runId = env.GITHUB_RUN_ID ?? '';
  if (!REPOSITORY.test(repository) || !/^\d+$/.test(runId)) return '';
  const server = /^https?:\/\/[^\s/@]+$/.test((env.GITHUB_SERVER_URL ?? '').replace(/\/$/, ''))
    ? (env.GITHUB_SERVER_URL ?? '').replace(/\/$/, '')
    : 'https://github.com';
  const attempt = /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server}/${repository}/actions/runs/${runId}${attempt}`;
}

const descriptionOf = (text: string): string => {
  const line = stripControl(text).replace(/\s+/g, ' ').trim();
  return line.length > MAX_DESCRIPTION_CHARS ? `${line.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : line;
};

/**
 * A GitHub Deployment with statuses for one run, so the environment page shows who deployed
 * which images when, and how it ended. Recording never fails the rollout: a refusal (403/404:
 * the token lacks `deployments: write`) or any other error is one warning, and the rollout goes on.
 */
export class GitHubDeployment {
  readonly audit: DeploymentAudit;
  private octokit: GitHubClient | undefined;
  private owner = '';
  private repo = '';

  private constructor(private readonly options: GitHubDeploymentOptions) {
    const env = options.env ?? process.env;
    this.audit = {
      environment: options.environment,
      ref: env.GITHUB_SHA || env.GITHUB_REF || '',
      actor: env.GITHUB_ACTOR ?? '',
      images: options.images,
      digests: digestsOf(options.images),
      runUrl: runUrlOf(env),
      startedAt: new Date().toISOString(),
    };
  }

  /** Creates the deployment and its in_progress status (when a token is given). */
  static async start(options: GitHubDeploymentOptions): Promise<GitHubDeployment> {
    const deployment = new GitHubDeployment(options);
    await deployment.create();
    return deployment;
  }

  private warn(what: string, error: unknown): string {
    const status = errorStatus(error);
    const message = redact(error instanceof Error ? error.message : String(error), [this.options.token]);
    const why =
      status === 403 || status === 404
        ? `GitHub refused it (${status}: ${message}); the github-token needs permissions: deployments: write`
        : status === undefined
          ? message
          : `GitHub answered ${status}: ${message}`;
    const text = `${this.options.tool}: could not ${what}: ${why}`;
    warning(text);
    return text;
  }

  private async create(): Promise<void> {
    const env = this.options.env ?? process.env;
    const repository = env.GITHUB_REPOSITORY ?? '';
    if (!this.options.token) {
      this.audit.skipped = 'no github-token';
      return;
    }
    if (!REPOSITORY.test(repository) || !this.audit.ref) {
      this.audit.skipped = 'no GITHUB_REPOSITORY or GITHUB_SHA: not in a workflow run';
      warning(`${this.options.tool}: no GitHub deployment recorded: ${this.audit.skipped}`);
      return;
    }
    [this.owner, this.repo] = repository.split('/') as [string, string];
    try {
      const octokit = await githubClient(this.options.token);
      const { data } = await octokit.rest.repos.createDeployment({
        owner: this.owner,
        repo: this.repo,
        ref: this.audit.ref,
        task: 'deploy',
        environment: this.options.environment,
        description: descriptionOf(`${this.options.tool} run by ${this.audit.actor || 'unknown'}`),
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        production_environment: this.options.environment === 'production',
        payload: {
          tool: this.options.tool,
          ...this.options.payload,
          actor: this.audit.actor,
          images: this.audit.images,
          digests: this.audit.digests,
          run: this.audit.runUrl,
        },
      });
      // 202 is GitHub merging the default branch first: with auto_merge off it does not happen.
      if (!('id' in data)) throw new Error(data.message ?? 'no deployment was created');
      this.octokit = octokit;
      this.audit.github = { id: data.id, url: data.url, statuses: [] };
    } catch (error) {
      this.audit.skipped = this.warn('record a GitHub deployment', error);
      return;
    }
    await this.send('in_progress', `${this.options.tool} started`);
  }

  /** The images that serve at the end (the record's; the deployment's payload keeps what was asked for). */
  served(images: Record<string, string>): void {
    this.audit.images = images;
    this.audit.digests = digestsOf(images);
  }

  /** The run's outcome as the deployment's last status (in_progress for a run that pauses). */
  async status(state: DeploymentState, description: string): Promise<void> {
    this.audit.outcome = state;
    this.audit.finishedAt = new Date().toISOString();
    await this.send(state, description);
  }

  private async send(state: DeploymentState, description: string): Promise<void> {
    const github = this.audit.github;
    if (!github || !this.octokit) return;
    const text = descriptionOf(description);
    try {
      const { data } = await this.octokit.rest.repos.createDeploymentStatus({
        owner: this.owner,
        repo: this.repo,
        deployment_id: github.id,
        state,
        description: text,
        environment: this.options.environment,
        ...(this.audit.runUrl ? { log_url: this.audit.runUrl } : {}),
        auto_inactive: state === 'success',
      });
      github.statuses.push({ state, description: text, at: data.created_at });
    } catch (error) {
      this.warn(`set the GitHub deployment status ${state}`, error);
    }
  }
}
