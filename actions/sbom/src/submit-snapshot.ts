import { errorMessage, redact, safeInline } from '@spikeformer-actions/core';
import { errorStatus, githubClient } from '@spikeformer-actions/core/github';
import type { Snapshot } from './submission.js';
import type { SubmissionTarget } from './submission-plan.js';

export type SubmissionOutcome = { ok: true; id: number } | { ok: false; text: string };

/** Why GitHub did not take the snapshot, with the fix for the usual causes; the token never shows. */
export function refusalText(e: unknown, token: string): string {
  const message = safeInline(redact(errorMessage(e), [token]).split(/\r?\n/)[0] ?? '', 300);
  // Octokit reports a request that got no answer (refused, timed out) without a response.
  if ((e as { response?: unknown } | null)?.response === undefined)
    return `GitHub could not be reached to submit the dependency snapshot (${message})`;
  const status = errorStatus(e);
  if (status === 403 || status === 404)
    return `GitHub refused the dependency snapshot (HTTP ${status}: ${message}): the job needs \`permissions: contents: write\`, and a pull request from a fork gets a read-only token (set dependency-submission: false to write the SBOM only)`;
  return `GitHub did not take the dependency snapshot (${status === undefined ? message : `HTTP ${status}: ${message}`})`;
}

/**
 * POST /repos/{owner}/{repo}/dependency-graph/snapshots through @actions/github's Octokit
 * (API version header, deadline, retry on secondary rate limits). Never throws: the caller
 * decides whether a refusal is a warning or a failure.
 */
export async function submitSnapshot(
  snapshot: Snapshot,
  target: SubmissionTarget,
  token: string,
): Promise<SubmissionOutcome> {
  try {
    const octokit = await githubClient(token);
    const { data } = await octokit.rest.dependencyGraph.createRepositorySnapshot({
      owner: target.owner,
      repo: target.repo,
      ...snapshot,
    });
    return { ok: true, id: data.id };
  } catch (e) {
    return { ok: false, text: refusalText(e, token) };
  }
}
