import { info, readJsonFile, workspaceRelative } from '@spikeformer-actions/core';
import {
  checkResultsCommit,
  postWorkflowRunComment,
  readEvent,
  workflowRunHeadOf,
} from '@spikeformer-actions/core/github';
import { COMMENT_MARKER, commentBody } from './comment-body.js';
import { uploadedResults } from './comment-json.js';
import { linksFrom, reportComment, tokenReady } from './pr-comment.js';

export interface CommentFromInputs {
  /** A security-scan JSON output from a pull request run (resolved inside the workspace). */
  file: string;
  token: string;
  maxBytes: number;
}

/**
 * The workflow_run mode: posts the comment of a pull request run from its uploaded JSON output,
 * and does nothing else. The event must be a workflow_run of a pull request and the file a
 * valid output for the commit that run ran on (each a one-line error otherwise); the API side
 * never fails the step.
 */
export async function commentFrom(input: CommentFromInputs): Promise<void> {
  const event = await readEvent();
  const head = workflowRunHeadOf(event);
  const shown = workspaceRelative(input.file);
  const { data, commit } = uploadedResults(await readJsonFile(input.file, input.maxBytes, shown), shown);
  checkResultsCommit(head, commit);
  const run = (event['workflow_run'] as Record<string, unknown>)['id'];
  const links = linksFrom(process.env, event, {
    sha: head.headSha,
    ...(typeof run === 'number' && Number.isSafeInteger(run) ? { runId: String(run) } : {}),
  });
  info(`Comment from ${shown}: ${data.status}, ${data.newTotal} new finding(s), commit ${commit}`);
  if (!tokenReady(input.token)) return;
  await reportComment(input.token, () =>
    postWorkflowRunComment({
      token: input.token,
      marker: COMMENT_MARKER,
      body: commentBody(data, links),
      resultsCommit: commit,
      event,
    }),
  );
}
