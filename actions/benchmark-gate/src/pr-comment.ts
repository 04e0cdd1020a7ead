import { clip, errorMessage, info, notice, warning } from '@spikeformer-actions/core';
import {
  commentErrorText,
  errorStatus,
  type EventPayload,
  pullRequestNumberOf,
  readEvent,
  upsertPullRequestComment,
} from '@spikeformer-actions/core/github';
import { commentMarker } from './report.js';

const TITLE = 'Benchmark gate comment';

/** The workflow's event payload; an unreadable one costs the comment and the base note, never the verdict. */
export async function eventOrNothing(): Promise<EventPayload> {
  try {
    return await readEvent();
  } catch (error) {
    warning(
      `The event payload is unreadable, so there is no PR comment or base note: ${clip(errorMessage(error), 1000)}`,
    );
    return {};
  }
}

/**
 * Posts the result on the event's pull request, or updates this gate's earlier comment in
 * place. It never fails the step: no token, a fork's read-only token (403) and a non-PR
 * event are notices or log lines; other errors a warning. The verdict stands without it.
 */
export async function commentOnPullRequest(
  event: EventPayload,
  token: string,
  tag: string,
  body: string,
): Promise<void> {
  if (pullRequestNumberOf(event) === undefined) {
    info('PR comment: skipped, the event is not a pull request');
    return;
  }
  if (token === '') {
    notice('No PR comment: github-token is empty (give it a token with pull-requests: write, or set comment: false)', {
      title: TITLE,
    });
    return;
  }
  try {
    const outcome = await upsertPullRequestComment({ token, marker: commentMarker(tag), body });
    info(
      outcome.action === 'skipped'
        ? `PR comment skipped: ${outcome.reason}`
        : `PR comment ${outcome.action}: ${outcome.url}`,
    );
  } catch (error) {
    const text = `No PR comment: ${clip(commentErrorText(error, token), 1000)}`;
    if (errorStatus(error) === 403) notice(text, { title: TITLE });
    else warning(text, { title: TITLE });
  }
}
