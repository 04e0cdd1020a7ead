import { UserError } from '../errors.js';
import { isRecord } from '../guards.js';
import { githubClient } from './client.js';
import { type CommentOutcome, upsertPullRequestComment } from './comment.js';
import type { EventPayload } from './event.js';

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** GitHub's limits on a login and a branch name (255 bytes for a ref). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const MAX_BRANCH_CHARS = 255;
/** Open pull requests from one head branch: more than this is not a real repository. */
const MAX_PAGES = 3;
const PER_PAGE = 100;

/** What a `workflow_run` event says about the run whose results are to be posted. */
export interface WorkflowRunHead {
  /** The commit the pull request run ran on. */
  headSha: string;
  headBranch: string;
  /** Owner of the head repository (a fork's owner for a fork's pull request). */
  headOwner: string;
  /** Pull requests the payload names with this head (empty for a fork's pull request). */
  pullRequests: number[];
}

function field(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/**
 * The head of the run a `workflow_run` event reports on, or a UserError when the event is not
 * one, or its run was not for a pull request (nothing to comment on).
 */
export function workflowRunHeadOf(event: EventPayload): WorkflowRunHead {
  const run = event['workflow_run'];
  if (!isRecord(run))
    throw new UserError('a comment from an earlier run needs a workflow_run event (on: workflow_run)');
  const trigger = run['event'];
  if (trigger !== 'pull_request' && trigger !== 'pull_request_target')
    throw new UserError(
      `the workflow run was triggered by ${typeof trigger === 'string' ? JSON.stringify(trigger.slice(0, 40)) : 'an unknown event'}, not by a pull request: nothing to comment on`,
    );
  const headSha = run['head_sha'];
  const headBranch = run['head_branch'];
  const headOwner = field(run, 'head_repository', 'owner', 'login');
  if (typeof headSha !== 'string' || !COMMIT.test(headSha))
    throw new UserError('the workflow_run event has no head_sha commit');
  if (
    typeof headBranch !== 'string' ||
    headBranch === '' ||
    headBranch.length > MAX_BRANCH_CHARS ||
    /[\s:]|\p{Cc}/u.test(headBranch)
  )
    throw new UserError('the workflow_run event has no usable head_branch');
  if (typeof headOwner !== 'string' || !LOGIN.test(headOwner))
    throw new UserError('the workflow_run event has no head repository owner');
  const listed = Array.isArray(run['pull_requests']) ? run['pull_requests'] : [];
  const pullRequests = listed
    .filter((pr) => field(pr, 'head', 'sha') === headSha)
    .map((pr) => field(pr, 'number'))
    .filter((n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0);
  return { headSha, headBranch, headOwner, pullRequests };
}

/**
 * Results uploaded by a pull request run must be for the commit the workflow run ran on: an
 * artifact of another run (or one a fork made up) is refused with a UserError.
 */
export function checkResultsCommit(head: WorkflowRunHead, resultsCommit: string): void {
  if (resultsCommit.toLowerCase() !== head.headSha.toLowerCase())
    throw new UserError(
      `the results are for commit ${COMMIT.test(resultsCommit.toLowerCase()) ? resultsCommit : '(not a commit)'}, but the workflow run ran on ${head.headSha}: refusing to post them`,
    );
}

export interface WorkflowRunCommentOptions {
  token: string;
  marker: string;
  body: string;
  /** The commit the results were computed on, as the uploaded results say (untrusted). */
  resultsCommit: string;
  /** The `workflow_run` event payload (GITHUB_EVENT_PATH). */
  event: EventPayload;
}

/**
 * The fork-safe half of a PR comment: a `workflow_run` job (base repository, write token)
 * posts results a pull request run uploaded. The results must be for the commit the run ran
 * on (else a UserError: an artifact of another run), and the comment goes only to the open
 * pull request of this repository whose head is that commit now, found through the API by
 * the run's head repository and branch: a pull request that moved on, or a commit that is the
 * head of several, gets no comment (skipped). The marker is the action's own, so the comment
 * is the one its pull_request runs update.
 */
export async function postWorkflowRunComment(options: WorkflowRunCommentOptions): Promise<CommentOutcome> {
  const head = workflowRunHeadOf(options.event);
  checkResultsCommit(head, options.resultsCommit);
  const github = await import('@actions/github');
  const { owner, repo } = github.context.repo;
  const octokit = await githubClient(options.token);
  const found: number[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await octokit.rest.pulls.list({
      owner,
      repo,
      state: 'open',
      head: `${head.headOwner}:${head.headBranch}`,
      per_page: PER_PAGE,
      page,
    });
    for (const pr of data)
      if (pr.head.sha === head.headSha && pr.base.repo.full_name.toLowerCase() === `${owner}/${repo}`.toLowerCase())
        found.push(pr.number);
    if (data.length < PER_PAGE) break;
  }
  // The payload's own list (same-repository pull requests) narrows the choice when it names one.
  const named = found.filter((n) => head.pullRequests.includes(n));
  const candidates = named.length > 0 ? named : found;
  if (candidates.length === 0)
    return {
      action: 'skipped',
      reason: `no open pull request has head ${head.headSha} (closed, or pushed to since the run)`,
    };
  if (candidates.length > 1)
    return {
      action: 'skipped',
      reason: `${candidates.length} open pull requests have head ${head.headSha} (#${candidates.join(', #')}): not choosing one`,
    };
  return upsertPullRequestComment({
    token: options.token,
    marker: options.marker,
    body: options.body,
    issueNumber: candidates[0]!,
  });
}
