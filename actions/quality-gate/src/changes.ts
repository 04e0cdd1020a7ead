import { workspaceRelative } from '@spikeformer-actions/core';
import { diffBaseOf, readEvent } from '@spikeformer-actions/core/github';
import type { FileChange } from './diff.js';
import { readDiffFile } from './diff-file.js';
import { gitDiffAgainst } from './git.js';

/** Where the changed lines come from. */
export interface ChangesRequest {
  /** Absolute path of diff-file, or ''. */
  diffFile: string;
  /** diff-base, or '' (then the pull request's or merge group's base from the event, if any). */
  diffBase: string;
  /** The workspace root (absolute). */
  root: string;
  /** GITHUB_EVENT_PATH, or ''. */
  eventPath: string;
}

export interface Changes {
  changes?: Map<string, FileChange>;
  /** How the changes were found, for the summary. */
  source?: string;
  noDiffReason?: string;
  /** A line for the log. */
  note?: string;
}

/**
 * The diff base from the event: a pull request's base commit, or a merge queue group's
 * base_sha (the target branch with the pull requests ahead in the queue). A push's `before`
 * is not taken: a shallow push checkout rarely has it, and no diff was asked for.
 */
async function defaultBase(eventPath: string): Promise<string> {
  const found = diffBaseOf(await readEvent(eventPath));
  return found !== undefined && found.from !== 'push' ? found.base : '';
}

/** The changed lines from diff-file (checked against the tree) or from git diff against the base. */
export async function readChanges(r: ChangesRequest): Promise<Changes> {
  if (r.diffFile !== '') {
    const shown = workspaceRelative(r.diffFile, r.root);
    return { changes: await readDiffFile(r.diffFile, shown, r.root), source: `diff-file ${shown}` };
  }
  const base = r.diffBase !== '' ? r.diffBase : await defaultBase(r.eventPath);
  if (base === '')
    return { noDiffReason: 'not a pull request or merge group, and neither diff-base nor diff-file is given' };
  const { changes, mergeBase, baseRef } = await gitDiffAgainst(base, r.root);
  const shownRef = /^[0-9a-f]{40,64}$/.test(baseRef) ? baseRef.slice(0, 12) : baseRef;
  return {
    changes,
    source: `git diff ${shownRef}...HEAD`,
    note: `Changed lines: git diff against merge-base ${mergeBase.slice(0, 12)} of ${baseRef} and HEAD`,
  };
}

export interface PendingChanges {
  /** The changes, or the error that finding them raised. */
  wait(): Promise<Changes>;
}

/**
 * Starts finding the changes. git diff starts at once, so that it runs on the second core
 * while this thread parses the coverage reports (see git.ts); a diff-file is read, parsed
 * and checked in this thread when waited for, after the reports. (A worker thread for it
 * measured ~30 ms slower end to end: booting a second Node costs more than the work.)
 */
export function startChanges(request: ChangesRequest): PendingChanges {
  if (request.diffFile !== '') return { wait: () => readChanges(request) };
  const started = readChanges(request);
  started.catch(() => undefined); // handled where waited for
  return { wait: () => started };
}
