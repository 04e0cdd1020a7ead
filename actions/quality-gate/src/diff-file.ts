import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { FileError, readFileLimited } from '@spikeformer-actions/core';
import { checkDiffApplies, type FileChange, parseUnifiedDiff } from './diff.js';
import { joinUnder } from './paths.js';

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

/** A workspace file's text, or undefined when there is no such file. */
function readWorkspaceFile(root: string, rel: string): string | undefined {
  try {
    return readFileSync(joinUnder(root, rel), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The changed lines of a diff file, after checking that it describes the workspace. */
export async function readDiffFile(diffFile: string, shown: string, root: string): Promise<Map<string, FileChange>> {
  const text = await readReportText(diffFile, shown);
  const changes = parseUnifiedDiff(text, shown);
  const mismatch = checkDiffApplies(text, changes, (rel) => readWorkspaceFile(root, rel));
  if (mismatch) throw new FileError(shown, mismatch.problem, { line: mismatch.diffLine });
  return changes;
}
