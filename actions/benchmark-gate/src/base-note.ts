import { clip } from '@spikeformer-actions/core';
import type { DiffBase } from '@spikeformer-actions/core/github';
import type { Run } from './history.js';

/** Commits are shown by their first 12 hex digits, as git's short form with room to stay unique. */
function short(commit: string): string {
  return /^[0-9a-f]{40,64}$/i.test(commit) ? commit.slice(0, 12) : clip(commit, 80);
}

const WHAT: Record<DiffBase['from'], string> = {
  pull_request: "this pull request's base",
  merge_group: "this merge group's base",
  push: 'the previous tip of this branch',
};

/**
 * Which base the history belongs to, on `pull_request` and `merge_group` events: whether a
 * baseline run measured the event's base commit (from the commit each run records). A
 * baseline from another commit of the base branch counts every change merged there since
 * as this change's; the sentence says so. Undefined on other events or without a history.
 */
export function baseNote(base: DiffBase | undefined, runs: readonly Run[]): string | undefined {
  if (base === undefined || base.from === 'push' || runs.length === 0) return undefined;
  const what = WHAT[base.from];
  const newest = runs[runs.length - 1]!;
  if (!runs.some((r) => r.commit !== undefined)) {
    return `The baseline runs record no commit, so whether they measured ${what} (${short(base.base)}) is unknown.`;
  }
  const index = runs.findLastIndex((r) => r.commit !== undefined && r.commit.toLowerCase() === base.base.toLowerCase());
  if (index === runs.length - 1) {
    return `The baseline's newest run (${clip(newest.id, 100)}) measured ${what}, commit ${short(base.base)}.`;
  }
  if (index >= 0) {
    return (
      `The baseline run ${clip(runs[index]!.id, 100)} measured ${what}, commit ${short(base.base)}; ` +
      `${runs.length - 1 - index} newer run(s) are of other commits.`
    );
  }
  const where =
    newest.commit === undefined
      ? 'records no commit'
      : `is of commit ${short(newest.commit)}${newest.ref ? ` on ${clip(newest.ref, 100)}` : ''}`;
  return (
    `No baseline run measured ${what}, commit ${short(base.base)}; the newest (${clip(newest.id, 100)}) ${where}: ` +
    'changes between the two count as this change.'
  );
}
