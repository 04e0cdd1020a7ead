import { commentMarker } from './report.js';

/** Bounded: a PR with more than this many comments gets a new one rather than a long scan. */
const MAX_PAGES = 10;

export type CommentOutcome = { action: 'created' | 'updated'; id: number; url: string } | { action: 'skipped'; reason: string };

/**
 * Posts the result on the pull request, or updates this gate's earlier comment in place (found
 * by its marker), so re-runs do not stack comments. A marker comment that cannot be updated
 * (someone else's) is left alone and a new one is created.
 */
export async function upsertComment(token: string, tag: string, body: string): Promise<CommentOutcome> {
  // Octokit and its HTTP stack load only when a comment is posted: half of the bundle's start-up.
  const github = await import('@actions/github');
  const { context } = github;
  const number = context.payload.pull_request?.number;
  if (typeof number !== 'number') return { action: 'skipped', reason: `the event '${context.eventName}' is not a pull request` };
  const { owner, repo } = context.repo;
  const octokit = github.getOctokit(token);
  const marker = commentMarker(tag);
  let existing: number | undefined;
  for (let page = 1; page <= MAX_PAGES && existing === undefined; page++) {
    const { data } = await octokit.rest.issues.listComments({ owner, repo, issue_number: number, per_page: 100, page });
    existing = data.find((c) => (c.body ?? '').startsWith(marker))?.id;
    if (data.length < 100) break;
  }
  if (existing !== undefined) {
    try {
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
      return { action: 'updated', id: data.id, url: data.html_url };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 403 && status !== 404) throw error;
    }
  }
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
  return { action: 'created', id: data.id, url: data.html_url };
}
