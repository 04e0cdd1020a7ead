import { statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { errorMessage, FileError } from './errors.js';
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
export async function readFileLimited(
  file: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  shownAs = file,
): Promise<Buffer> {
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
      if (total > maxBytes)
        throw new FileError(shownAs, `grew past the limit of ${describeSize(maxBytes)} while being read`);
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

/**
 * The deepest nesting of arrays and objects any JSON or YAML document may have. Reports and
 * lockfiles nest a dozen levels; code that walks a document recursively must never meet one
 * deep enough to exhaust the stack.
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * Offset of the bracket that opens level maxDepth + 1 of a JSON text, or -1. Strings are
 * skipped with indexOf (native), so the cost is in the few structural characters.
 */
export function jsonDepthExceededAt(text: string, maxDepth = MAX_NESTING_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return -1;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** JSON.parse whose error names the file, line and column; nesting is limited to MAX_NESTING_DEPTH. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    const value = JSON.parse(text) as unknown;
    const deep = typeof value === 'object' && value !== null ? jsonDepthExceededAt(text) : -1;
    if (deep >= 0) throw new FileError(file, `nests deeper than ${MAX_NESTING_DEPTH} levels`, positionOf(text, deep));
    return value;
  } catch (error) {
    if (error instanceof FileError) throw error;
    const message = errorMessage(error);
    const at = /at position (\d+)/.exec(message);
    const offset = at?.[1] !== undefined ? Number(at[1]) : Math.max(0, jsonErrorOffset(text));
    const problem =
      text.trim() === ''
        ? 'is empty, expected JSON'
        : `invalid JSON: ${message
            .replace(/, ".*" is not valid JSON$/s, '')
            .replace(/\s*\(line \d+ column \d+\)/, '')
            .replace(/ in JSON at position \d+/, '')}`;
    throw new FileError(file, problem, positionOf(text, offset));
  }
}

export async function readJsonFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES, shownAs = file): Promise<unknown> {
  return parseJsonText(await readTextFile(file, maxBytes, shownAs), shownAs);
}
