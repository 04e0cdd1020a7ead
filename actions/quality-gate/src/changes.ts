import { existsSync } from 'node:fs';
import { readJsonFile, workspaceRelative } from '@spikeformer-actions/core';
import type { FileChange } from './diff.js';
import { readDiffFile } from './diff-file.js';
import { gitDiffAgainst } from './git.js';

/** Where the changed lines come from. */
export interface ChangesRequest {
  /** Absolute path of diff-file, or ''. */
  diffFile: string;
  /** diff-base, or '' (then the pull request's base from the event, if any). */
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

/** The diff base: the input, else the pull request's base commit from the event. */
async function defaultBase(eventPath: string): Promise<string> {
  if (eventPath === '' || !existsSync(eventPath)) return '';
  const event = (await readJsonFile(eventPath, 64 * 1024 * 1024, 'the event payload')) as { pull_request?: { base?: { sha?: unknown; ref?: unknown } } };
  const base = event.pull_request?.base;
  if (typeof base?.sha === 'string' && base.sha !== '') return base.sha;
  return typeof base?.ref === 'string' ? base.ref : '';
}

/** The changed lines from diff-file (checked against the tree) or from git diff against the base. */
export async function readChanges(r: ChangesRequest): Promise<Changes> {
  if (r.diffFile !== '') {
    const shown = workspaceRelative(r.diffFile, r.root);
    return { changes: await readDiffFile(r.diffFile, shown, r.root), source: `diff-file ${shown}` };
  }
  const base = r.diffBase !== '' ? r.diffBase : await defaultBase(r.eventPath);
  if (base === '') return { noDiffReason: 'not a pull request, and neither diff-base nor diff-file is given' };
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
