import type { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** The REST API version the calls are written against (GitHub's documented default). */
const API_VERSION = '2022-11-28';
/** One API call; Octokit itself waits forever. */
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 3;
/** A Retry-After longer than this is not waited for: the error is reported instead. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * How long to wait before trying a failed call again, or undefined to give up: a secondary
 * rate limit (403/429 with Retry-After) waits as GitHub asks, a 5xx answer briefly; a refusal
 * (401, 403, 404, 422) is final.
 */
export function retryDelayMs(
  status: number | undefined,
  retryAfter: string | undefined,
  attempt: number,
): number | undefined {
  if (attempt >= MAX_ATTEMPTS || status === undefined) return undefined;
  if ((status === 403 || status === 429) && retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (!Number.isFinite(seconds) || seconds < 0 || seconds * 1000 > MAX_RETRY_AFTER_MS) return undefined;
    return seconds * 1000;
  }
  if (status === 429) return 1000 * attempt;
  return status >= 500 ? 200 * attempt : undefined;
}

function answerOf(e: unknown): { status?: number; retryAfter?: string } {
  const response = (e as { response?: { status?: unknown; headers?: Record<string, unknown> } } | null)?.response;
  if (!response) return {};
  const header = response.headers?.['retry-after'];
  return {
    ...(typeof response.status === 'number' ? { status: response.status } : {}),
    ...(typeof header === 'string' ? { retryAfter: header } : {}),
  };
}

/**
 * @actions/github's Octokit for the runner's API (GITHUB_API_URL), loaded on first use so
 * that a run that never calls GitHub never loads Octokit. Every request names the API version,
 * has a deadline, and is tried again on a secondary rate limit or a server error.
 */
export async function githubClient(token: string): Promise<GitHubClient> {
  const github = await import('@actions/github');
  const octokit = github.getOctokit(token);
  octokit.hook.wrap('request', async (request, options) => {
    options.headers['x-github-api-version'] = API_VERSION;
    for (let attempt = 1; ; attempt++) {
      options.request = { ...options.request, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
      try {
        return await request(options);
      } catch (e) {
        const { status, retryAfter } = answerOf(e);
        const delay = retryDelayMs(status, retryAfter, attempt);
        if (delay === undefined) throw e;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  });
  return octokit;
}
