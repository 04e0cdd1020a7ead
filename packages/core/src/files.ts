import { statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { FileError } from './errors.js';
import { jsonErrorOffset } from './json-error.js';

export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

function describeSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Whether p is a regular file (links followed); false when it cannot be looked at (ENOTDIR, EACCES …). */
export function isFile(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Reads a file's bytes, refusing (with the file's name) one larger than maxBytes. */
export async function readFileLimited(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES, shownAs = file): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new FileError(shownAs, 'is not a regular file');
    size = info.size;
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(shownAs, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > maxBytes) {
    throw new FileError(shownAs, `is ${describeSize(size)}, over the limit of ${describeSize(maxBytes)}`);
  }
  // Read through the handle with the same cap, in case the file grew after stat.
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new FileError(shownAs, `grew past the limit of ${describeSize(maxBytes)} while being read`);
      if (total === buffer.length) break;
    }
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}

export async function readTextFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES, shownAs = file): Promise<string> {
  const text = (await readFileLimited(file, maxBytes, shownAs)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Line and column (1-based) of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** JSON.parse whose error names the file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    const offset = at?.[1] !== undefined ? Number(at[1]) : Math.max(0, jsonErrorOffset(text));
    const problem = text.trim() === '' ? 'is empty, expected JSON' : `invalid JSON: ${message.replace(/, ".*" is not valid JSON$/s, '').replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '')}`;
    throw new FileError(file, problem, positionOf(text, offset));
  }
}

export async function readJsonFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES, shownAs = file): Promise<unknown> {
  return parseJsonText(await readTextFile(file, maxBytes, shownAs), shownAs);
}
