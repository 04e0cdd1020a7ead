import { redact } from '../http.js';
import { githubClient } from './client.js';
import { pullRequestNumberOf } from './event.js';

/** A pull request with more comments than this gets a new one rather than a longer scan. */
const MAX_PAGES = 10;
const PER_PAGE = 100;
/** GitHub refuses comment bodies over 65536 characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface UpsertCommentOptions {
  token: string;
  /** Marks this action's comment, e.g. `<!-- spikeformer-actions/quality-gate -->`; the body starts with it. */
  marker: string;
  body: string;
  /** Default: the pull request of the event (GITHUB_EVENT_PATH). */
  issueNumber?: number;
}

export type CommentOutcome =
  { action: 'created' | 'updated'; id: number; url: string } | { action: 'skipped'; reason: string };

/** The HTTP status of an Octokit error, if it has one. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The comment as posted: the marker first (it is how the next run finds it), then the body, cut to GitHub's limit. */
export function commentText(marker: string, body: string): string {
  const full = body.startsWith(marker) ? body : `${marker}\n${body}`;
  if (full.length <= MAX_COMMENT_CHARS) return full;
  const note = "\n\n… (cut to GitHub's comment size limit)";
  return `${full.slice(0, MAX_COMMENT_CHARS - note.length)}${note}`;
}

/**
 * Posts a comment on the event's pull request, or updates this action's earlier one in place
 * (found by its marker through the paginated comment list), so re-runs do not stack
 * comments. A marked comment that cannot be updated (403/404: someone else's, or deleted
 * meanwhile) is left alone and a new one is created. Other errors are thrown as Octokit's
 * RequestError (with `status`); callers turn them into a notice or a warning.
 */
export async function upsertPullRequestComment(options: UpsertCommentOptions): Promise<CommentOutcome> {
  const { marker, token } = options;
  if (marker.trim() === '' || /[\r\n]/.test(marker)) throw new Error('the comment marker must be one non-empty line');
  // Octokit and its HTTP stack load only when a comment is posted: most of a bundle's start-up otherwise.
  const github = await import('@actions/github');
  const { context } = github;
  const number = options.issueNumber ?? pullRequestNumberOf(context.payload);
  if (number === undefined)
    return { action: 'skipped', reason: `the event '${context.eventName}' is not a pull request` };
  const { owner, repo } = context.repo;
  const octokit = await githubClient(token);
  const body = commentText(marker, options.body);
  let existing: number | undefined;
  for (let page = 1; page <= MAX_PAGES && existing === undefined; page++) {
    const { data } = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: number,
      per_page: PER_PAGE,
      page,
    });
    existing = data.find((c) => (c.body ?? '').startsWith(marker))?.id;
    if (data.length < PER_PAGE) break;
  }
  if (existing !== undefined) {
    try {
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
      return { action: 'updated', id: data.id, url: data.html_url };
    } catch (error) {
      const status = errorStatus(error);
      if (status !== 403 && status !== 404) throw error;
    }
  }
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
  return { action: 'created', id: data.id, url: data.html_url };
}

/** An error from a comment call as one log line: the token never appears, and a 403 says what it usually means. */
export function commentErrorText(error: unknown, token: string): string {
  const status = errorStatus(error);
  const message = redact(error instanceof Error ? error.message : String(error), [token]);
  if (status === 403)
    return `GitHub refused the comment (403: ${message}); the token needs pull-requests: write, and a pull request from a fork gets a read-only token`;
  return status === undefined ? message : `GitHub answered ${status}: ${message}`;
}
