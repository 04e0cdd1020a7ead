import { isAscii } from 'node:buffer';
import { statSync } from 'node:fs';
import path from 'node:path';
import { FileError, readFileLimited, resolveInWorkspace, UserError } from '@spikeformer-actions/core';
import { checkDiffApplies, type FileChange, parseUnifiedDiff } from './diff.js';

export const MAX_REPORT_BYTES = 512 * 1024 * 1024;

/**
 * A large report's text. Pure ASCII (the usual case) is decoded as Latin-1, which Node keeps
 * outside the JavaScript heap for large strings (6 MB less heap for the garbage collector to
 * grow into). Otherwise UTF-8, as readTextFile reads it (BOM dropped).
 */
export async function readReportText(file: string, shown: string): Promise<string> {
  const bytes = await readFileLimited(file, MAX_REPORT_BYTES, shown);
  if (isAscii(bytes)) return bytes.toString('latin1');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The largest workspace file read to check a diff against it. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const WHAT = 'diff path';

/**
 * A path a diff names, as an absolute path in the workspace: relative, without control
 * characters, and inside the workspace by the core's path policy (no `..` out, no symlink
 * out). Otherwise an error naming the diff and the line that names the path.
 */
export function diffPathInWorkspace(rel: string, root: string, shown: string, line: number): string {
  const at = { line };
  if (CONTROL.test(rel)) {
    const visible = rel.replace(
      new RegExp(CONTROL.source, 'g'),
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    throw new FileError(shown, `path '${visible}' contains a control character`, at);
  }
  if (path.isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel))
    throw new FileError(shown, `path '${rel}' is absolute; paths in a diff are relative to the workspace`, at);
  try {
    return resolveInWorkspace(rel, WHAT, root);
  } catch (error) {
    if (error instanceof UserError) throw new FileError(shown, error.message.slice(WHAT.length + 2), at);
    throw error;
  }
}

/** A workspace file's text, read bounded and only when it is a regular file; undefined when there is none. */
async function readWorkspaceFile(abs: string, rel: string, shown: string, line: number): Promise<string | undefined> {
  let exists: boolean;
  try {
    exists = statSync(abs, { throwIfNoEntry: false }) !== undefined;
  } catch {
    exists = false; // ENOTDIR: a parent is a file
  }
  if (!exists) return undefined;
  try {
    return (await readFileLimited(abs, MAX_SOURCE_BYTES, rel)).toString('utf8');
  } catch (error) {
    if (error instanceof FileError) throw new FileError(shown, `changes ${rel}, which ${error.problem}`, { line });
    throw error;
  }
}

/**
 * The changed lines of a diff file, after checking that every path it names is in the
 * workspace and that it describes the workspace. Files are read one at a time.
 */
export async function readDiffFile(diffFile: string, shown: string, root: string): Promise<Map<string, FileChange>> {
  const text = await readReportText(diffFile, shown);
  const changes = parseUnifiedDiff(text, shown);
  const located = [...changes.values()].map((change) => ({
    change,
    abs: diffPathInWorkspace(change.path, root, shown, change.headerLine),
  }));
  for (const { change, abs } of located) {
    const first = change.hunks[0];
    if (!first) continue;
    const content = await readWorkspaceFile(abs, change.path, shown, first.diffLine);
    const mismatch = checkDiffApplies(text, new Map([[change.path, change]]), () => content);
    if (mismatch) throw new FileError(shown, mismatch.problem, { line: mismatch.diffLine });
  }
  return changes;
}
