import { httpRequest, HttpError, warning } from '@spikeformer-actions/core';

/**
 * A GitHub Deployment and its statuses (REST API), so the environment page shows what went
 * live. Plain HTTP through the core client (timeouts, retries, redaction) rather than a second
 * copy of octokit in the bundle. Failures here never fail the deployment itself.
 */
export interface GitHubDeploymentOptions {
  token: string;
  environment: string;
  apiUrl: string;
  repository: string;
  ref: string;
  runUrl: string;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export class GitHubDeployment {
  private id: number | undefined;

  constructor(private readonly options: GitHubDeploymentOptions) {}

  private async call(path: string, body: unknown): Promise<unknown> {
    const response = await httpRequest(`${this.options.apiUrl.replace(/\/$/, '')}/repos/${this.options.repository}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.options.token}`,
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'spikeformer-actions/blue-green',
      },
      body: JSON.stringify(body),
      attempts: 3,
      readTimeoutMs: 15_000,
    });
    if (response.status >= 300) throw new HttpError(`GitHub API ${path}: HTTP ${response.status}`, response.status, response.attempts, response.text().slice(0, 300));
    return response.json();
  }

  async create(description: string, payload: Record<string, unknown>): Promise<void> {
    try {
      const created = (await this.call('/deployments', {
        ref: this.options.ref,
        environment: this.options.environment,
        description: description.slice(0, 140),
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        production_environment: this.options.environment === 'production',
        payload,
      })) as { id?: unknown };
      if (typeof created.id === 'number') this.id = created.id;
      await this.status('in_progress', description);
    } catch (error) {
      warning(`blue-green: could not create a GitHub deployment: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async status(state: DeploymentState, description: string): Promise<void> {
    if (this.id === undefined) return;
    try {
      await this.call(`/deployments/${this.id}/statuses`, {
        state,
        description: description.slice(0, 140),
        log_url: this.options.runUrl,
        environment: this.options.environment,
        auto_inactive: state === 'success',
      });
    } catch (error) {
      warning(`blue-green: could not set the GitHub deployment status ${state}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  get deploymentId(): number | undefined {
    return this.id;
  }
}

export function runUrl(env: NodeJS.ProcessEnv): string {
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`;
}
