import { clip, errorMessage, warning } from '@spikeformer-actions/core';
import { type EventPayload, headShaOf, pullRequestNumberOf, readEvent } from '@spikeformer-actions/core/github';

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The workflow's event payload; an unreadable one costs the comment and the commit in the JSON, never the scan. */
export async function eventOrNothing(): Promise<EventPayload> {
  try {
    return await readEvent();
  } catch (error) {
    warning(`The event payload is unreadable, so there is no PR comment: ${clip(errorMessage(error), 1000)}`);
    return {};
  }
}

export function isPullRequest(event: EventPayload): boolean {
  return pullRequestNumberOf(event) !== undefined;
}

/** The commit scanned for the JSON output (what a workflow_run comment is checked against), when it is one. */
export function scannedCommit(event: EventPayload): { commit?: string } {
  const sha = headShaOf(event, process.env.GITHUB_SHA ?? '').toLowerCase();
  return COMMIT.test(sha) ? { commit: sha } : {};
}
