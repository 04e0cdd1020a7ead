/**
 * GitHub integration (`@spikeformer-actions/core/github`): the event payload's pull request,
 * diff base and head, and one PR comment per action updated in place. A subpath of its own so
 * that actions which never call GitHub do not bundle Octokit; Octokit itself loads on first call.
 */
export { githubClient, retryDelayMs, type GitHubClient } from './client.js';
export {
  commentErrorText,
  commentText,
  errorStatus,
  MAX_COMMENT_CHARS,
  upsertPullRequestComment,
  type CommentOutcome,
  type UpsertCommentOptions,
} from './comment.js';
export {
  diffBaseFromEvent,
  diffBaseOf,
  headShaOf,
  pullRequestNumber,
  pullRequestNumberOf,
  readEvent,
  type DiffBase,
  type EventPayload,
} from './event.js';
export {
  checkResultsCommit,
  postWorkflowRunComment,
  workflowRunHeadOf,
  type WorkflowRunCommentOptions,
  type WorkflowRunHead,
} from './fork-comment.js';
