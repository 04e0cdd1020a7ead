import { clip, info, maskSecret, notice, UserError, warning } from '@spikeformer-actions/core';
import {
  type CommentOutcome,
  commentErrorText,
  errorStatus,
  type EventPayload,
  headShaOf,
} from '@spikeformer-actions/core/github';
import type { CommentLinks } from './comment-body.js';

const TITLE = 'Security scan comment';
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;

/** GITHUB_SERVER_URL without credentials, query or trailing slash; github.com when it is not an http(s) URL. */
function serverOrigin(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:')
      return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    // not a URL
  }
  return 'https://github.com';
}

/**
 * The links from the runner's environment; values that are not what the runner sets are left
 * out. `sha` and `runId` override the event's head and GITHUB_RUN_ID (a workflow_run job links
 * to the pull request run it reports on).
 */
export function linksFrom(
  env: NodeJS.ProcessEnv,
  event: EventPayload,
  over: { sha?: string; runId?: string } = {},
): CommentLinks {
  const server = serverOrigin(env.GITHUB_SERVER_URL ?? '');
  const repository = /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ? env.GITHUB_REPOSITORY! : '';
  const head = over.sha ?? headShaOf(event, env.GITHUB_SHA ?? '');
  const runId = over.runId ?? env.GITHUB_RUN_ID ?? '';
  return {
    server,
    repository,
    sha: COMMIT.test(head) ? head : 'HEAD',
    ...(/^\d{1,20}$/.test(runId) && repository !== ''
      ? { runUrl: `${server}/${repository}/actions/runs/${runId}` }
      : {}),
  };
}

/** No token: a notice naming the permission; true when there is one to use (masked from here on). */
export function tokenReady(token: string): boolean {
  if (token === '') {
    notice('No PR comment: github-token is empty (give it a token with pull-requests: write, or set comment: false)', {
      title: TITLE,
    });
    return false;
  }
  // The runner masks github.token and secrets itself; a token from elsewhere is masked before use.
  maskSecret(token);
  return true;
}

/**
 * Runs a comment call and reports its outcome. The API never fails the step: a fork's
 * read-only token (403) is a notice naming pull-requests: write, other errors a warning.
 */
export async function reportComment(token: string, post: () => Promise<CommentOutcome>): Promise<void> {
  try {
    const outcome = await post();
    info(
      outcome.action === 'skipped'
        ? `PR comment skipped: ${outcome.reason}`
        : `PR comment ${outcome.action}: ${outcome.url}`,
    );
  } catch (error) {
    // A refusal of the input (results for another commit) is the step's error, not the API's.
    if (error instanceof UserError) throw error;
    const text = `No PR comment: ${clip(commentErrorText(error, token), 1000)}`;
    if (errorStatus(error) === 403) notice(text, { title: TITLE });
    else warning(text, { title: TITLE });
  }
}
