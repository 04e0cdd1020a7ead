import { FileError } from '@spikeformer-actions/core';

/** Where one hunk is in the diff text, for the apply check (kept only with keepText). */
export interface HunkLines {
  /** Line in the diff text where the hunk header is (for messages). */
  diffLine: number;
  newStart: number;
  /** Lines on the new side (context and added), as the header counts them. */
  newCount: number;
  /** The hunk's body in the diff text: from the line after its header to the end of its last line. */
  bodyStart: number;
  bodyEnd: number;
}

export interface FileChange {
  path: string;
  /** Line in the diff text that first names the path (its +++ header, else its first hunk). */
  headerLine: number;
  /** Added (or modified) lines of the new file, ascending, unique. */
  added: number[];
  hunks: HunkLines[];
}

function unquote(p: string): string {
  if (!p.startsWith('"')) return p;
  // git quotes paths with special characters C-style; octal escapes are UTF-8 bytes.
  const body = p.slice(1, p.lastIndexOf('"'));
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const nextCh = body[++i] ?? '';
    if (/[0-7]/.test(nextCh)) {
      bytes.push(Number.parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[nextCh] ?? nextCh.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(p: string): string {
  const clean = unquote(p.split('\t')[0] as string);
  return clean.startsWith('b/') || clean.startsWith('a/') ? clean.slice(2) : clean;
}

/**
 * A hunk header `@@ -a[,b] +c[,d] @@` (or a combined diff's `@@@ -a,b -c,d +e,f @@@`) read
 * in place, without a regex match per hunk (a -U0 diff has one hunk per changed block). The
 * old side's count is read only from a two-@ header.
 */
function parseHunkHeader(
  text: string,
  start: number,
  end: number,
): { newStart: number; newCount: number; oldCount: number } | undefined {
  let p = start + 2;
  const twoAt = !(p < end && text.charCodeAt(p) === 0x40);
  if (!twoAt) p++;
  // A run of digits at p: its value, and where it ends (p itself when there is none).
  let value = 0;
  const digits = (): number => {
    const from = p;
    value = 0;
    while (p < end) {
      const d = text.charCodeAt(p) - 0x30;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
      p++;
    }
    if (p - from > 15) value = Number(text.slice(from, p));
    return p - from;
  };
  const expect = (code: number): boolean => {
    if (p < end && text.charCodeAt(p) === code) {
      p++;
      return true;
    }
    return false;
  };
  // -a[,b]
  if (!expect(0x20) || !expect(0x2d) || digits() === 0) return undefined;
  let oldCount = 1;
  if (expect(0x2c)) {
    if (digits() === 0) return undefined;
    oldCount = value;
  }
  if (!expect(0x20)) return undefined;
  // a second old side (combined diffs): -c[,d] and a space
  if (expect(0x2d)) {
    if (digits() === 0) return undefined;
    if (expect(0x2c) && digits() === 0) return undefined;
    if (!expect(0x20)) return undefined;
  }
  if (!expect(0x2b) || digits() === 0) return undefined;
  const newStart = value;
  let newCount = 1;
  if (expect(0x2c)) {
    if (digits() === 0) return undefined;
    newCount = value;
  }
  if (!expect(0x20) || !expect(0x40) || !expect(0x40)) return undefined;
  return { newStart, newCount, oldCount: twoAt ? oldCount : 1 };
}

/**
 * The state of one parse, fed whole lines: one text, or a stream's chunks cut after a
 * newline (offsets kept for the apply check are then only meaningful with one text). The
 * per-line loop is kept small (headers are handled in their own methods) so that V8
 * optimises it early and cheaply: a 20,000-line diff is a short run.
 */
class DiffReader {
  readonly changes = new Map<string, FileChange>();
  current: FileChange | undefined;
  gitPath: string | undefined;
  hunk: HunkLines | undefined;
  newLine = 0;
  remainingNew = 0;
  remainingOld = 0;
  sawHeader = false;
  sawText = false;
  deleted = false;
  lineNo = 0;
  private text = '';
  /** Whether the text being read is the last: its end is then the end of a line, even without a newline. */
  private last = false;
  private readonly file: string;
  private readonly keepText: boolean;

  constructor(file: string, keepText: boolean) {
    this.file = file;
    this.keepText = keepText;
  }

  /** Reads text: whole lines, ending with a newline unless last. */
  feed(text: string, last: boolean): void {
    this.text = text;
    this.last = last;
    if (!this.sawText && text.trim() !== '') this.sawText = true;
    const length = text.length;
    // A hunk cut by the end of the previous chunk goes on first.
    let pos = this.remainingNew > 0 || this.remainingOld > 0 ? this.hunkBody(0) : 0;
    // One pass per '\n'-separated line; with the last text also the empty one after a final newline
    // (as split('\n') gives them).
    while (pos < length || (last && pos === length)) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) nl = length;
      const lineStart = pos;
      let lineEnd = nl;
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
      pos = nl + 1;
      this.lineNo++;
      const c = lineEnd > lineStart ? text.charCodeAt(lineStart) : -1;
      if (c === 0x5c /* \ */) continue;
      // Only header-like lines are looked at further.
      if (c === 0x40 /* @ */ && text.charCodeAt(lineStart + 1) === 0x40) {
        this.hunkHeader(lineStart, lineEnd, Math.min(pos, length));
        pos = this.hunkBody(pos);
      } else if (c === 0x64 /* d */ || c === 0x2d /* - */ || c === 0x2b /* + */)
        this.fileHeader(text.slice(lineStart, lineEnd));
    }
  }

  /** The changes, once everything is read; errors for a truncated hunk and for text that is no diff. */
  finish(): Map<string, FileChange> {
    if (this.remainingNew > 0) {
      throw new FileError(this.file, `is truncated: the last hunk misses ${this.remainingNew} new lines`, {
        line: this.lineNo,
      });
    }
    if (!this.sawHeader && this.sawText)
      throw new FileError(this.file, 'is not a unified diff (no ---/+++ or diff --git header)');
    for (const change of this.changes.values()) {
      const a = change.added;
      let ascending = true;
      for (let k = 1; k < a.length && ascending; k++) ascending = (a[k] as number) > (a[k - 1] as number);
      if (!ascending) change.added = [...new Set(a)].sort((x, y) => x - y);
    }
    return this.changes;
  }

  /**
   * A hunk's lines, from pos up to where its header's counts are used up (or the text ends);
   * returns the offset after them. Its own loop over locals: nearly every line of a diff
   * with context is a hunk line, and this is what V8 optimises first.
   */
  private hunkBody(pos: number): number {
    const text = this.text;
    const length = text.length;
    const added = this.current?.added;
    let newLine = this.newLine;
    let remainingNew = this.remainingNew;
    let remainingOld = this.remainingOld;
    let lineNo = this.lineNo;
    let at = pos;
    const last = this.last;
    while ((remainingNew > 0 || remainingOld > 0) && (at < length || (last && at === length))) {
      let nl = text.indexOf('\n', at);
      if (nl === -1) nl = length;
      lineNo++;
      let c = nl > at ? text.charCodeAt(at) : -1;
      if (c === 0x0d && nl === at + 1) c = -1; // "\r" alone: an empty line
      if (c === 0x2b /* + */) {
        added?.push(newLine);
        newLine++;
        remainingNew--;
      } else if (c === 0x2d /* - */) {
        remainingOld--;
      } else if (c === 0x20 || c === -1) {
        // An empty line inside a hunk is a context line whose leading space was stripped (some tools do).
        newLine++;
        remainingNew--;
        remainingOld--;
      } else if (c !== 0x5c /* \ */) {
        throw new FileError(
          this.file,
          `hunk ends early: expected ${remainingNew} more new and ${remainingOld} more old lines`,
          { line: lineNo },
        );
      }
      at = nl + 1;
    }
    this.newLine = newLine;
    this.remainingNew = remainingNew;
    this.remainingOld = remainingOld;
    this.lineNo = lineNo;
    if (this.hunk) this.hunk.bodyEnd = Math.min(at, length);
    return at;
  }

  private start(path: string): void {
    const known = this.changes.get(path);
    this.current = known ?? { path, headerLine: this.lineNo, added: [], hunks: [] };
    if (!known) this.changes.set(path, this.current);
  }

  private hunkHeader(lineStart: number, lineEnd: number, bodyStart: number): void {
    const header = parseHunkHeader(this.text, lineStart, lineEnd);
    if (!header)
      throw new FileError(
        this.file,
        `invalid hunk header '${this.text.slice(lineStart, Math.min(lineEnd, lineStart + 80))}'`,
        { line: this.lineNo },
      );
    if (!this.current && !this.deleted && this.gitPath !== undefined) this.start(this.gitPath);
    if (!this.current && !this.deleted)
      throw new FileError(this.file, 'hunk without a file header (--- / +++)', { line: this.lineNo });
    this.newLine = header.newStart;
    this.remainingNew = header.newCount;
    this.remainingOld = header.oldCount;
    this.hunk = undefined;
    if (this.keepText && this.current) {
      this.hunk = {
        diffLine: this.lineNo,
        newStart: this.newLine,
        newCount: header.newCount,
        bodyStart,
        bodyEnd: bodyStart,
      };
      this.current.hunks.push(this.hunk);
    }
  }

  /** Headers are few (a handful per file): these lines become strings. */
  private fileHeader(line: string): void {
    if (line.startsWith('diff --git ')) {
      this.sawHeader = true;
      const m = /^diff --git (?:"a\/.*?"|a\/\S.*?) ("b\/.*"|b\/.*)$/.exec(line);
      this.gitPath = m?.[1] ? stripPrefix(m[1]) : undefined;
      this.current = undefined;
      this.deleted = false;
    } else if (line.startsWith('--- ')) {
      this.sawHeader = true;
    } else if (line.startsWith('+++ ')) {
      this.sawHeader = true;
      const target = line.slice(4);
      this.deleted = target.split('\t')[0] === '/dev/null';
      if (this.deleted)
        this.current = undefined; // a deleted file has no new lines
      else this.start(stripPrefix(target));
      this.gitPath = undefined;
    }
  }
}

/**
 * Parses a unified diff (git diff, diff -u) into the added lines per new file, like
 * diff-cover: only `+` lines of the new side count; deleted files are left out. Renames
 * use the new path. `\ No newline at end of file` is not a line. The text is walked with
 * indexOf, not split: only header lines become strings (a 20,000-line diff stays cheap).
 */
export function parseUnifiedDiff(
  text: string,
  file: string,
  options: { keepText?: boolean } = {},
): Map<string, FileChange> {
  const reader = new DiffReader(file, options.keepText ?? true);
  reader.feed(text, true);
  return reader.finish();
}

/**
 * A unified diff parsed as it arrives (git diff's output while git runs): push its bytes in
 * any pieces; each piece's whole lines are parsed at once, the rest waits for the next.
 * Cut after a newline byte, UTF-8 is never split inside a character.
 */
export class DiffStream {
  private readonly reader: DiffReader;
  private carry: Buffer = Buffer.alloc(0);

  constructor(file: string) {
    this.reader = new DiffReader(file, false);
  }

  /** More bytes; chunk is not kept. */
  push(chunk: Buffer): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = bytes.lastIndexOf(0x0a);
    if (cut !== -1) this.reader.feed(bytes.toString('utf8', 0, cut + 1), false);
    this.carry = Buffer.from(bytes.subarray(cut + 1));
  }

  end(): Map<string, FileChange> {
    this.reader.feed(this.carry.toString('utf8'), true);
    return this.reader.finish();
  }
}

/** Whether text[aStart, aEnd) equals other[bStart, bEnd), without making strings. */
function sameText(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let k = 0; k < aEnd - aStart; k++) if (a.charCodeAt(aStart + k) !== b.charCodeAt(bStart + k)) return false;
  return true;
}

/**
 * A hunk body's new side as the file should have it: removed lines and "\ No newline" markers
 * dropped, the one-character prefix of the others cut. Lines start after '\n' only (a
 * multiline ^ would also start one after a lone '\r' inside a line).
 */
const NOT_NEW_SIDE = /(?<=^|\n)(?:[-\\][^\n]*\n|[ +])/g;

/**
 * The new-side lines of a hunk body as offsets into the diff text: start and end of each line's
 * content (prefix and a trailing CR left out).
 */
function newSideSpans(text: string, bodyStart: number, bodyEnd: number): number[] {
  const spans: number[] = [];
  for (let pos = bodyStart; pos < bodyEnd;) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1 || nl > bodyEnd) nl = bodyEnd;
    let lineEnd = nl;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    const c = lineEnd > pos ? text.charCodeAt(pos) : -1;
    if (c === 0x2b /* + */ || c === 0x20) spans.push(pos + 1, lineEnd);
    else if (c === -1) spans.push(pos, pos);
    pos = nl + 1;
  }
  return spans;
}

/** The mismatch problem for a line of a file. */
function differs(path: string, hunk: HunkLines, line: number): { path: string; diffLine: number; problem: string } {
  return {
    path,
    diffLine: hunk.diffLine,
    problem: `does not match the workspace: ${path} line ${line} differs from the diff (is the checkout at the diff's new side?)`,
  };
}

/**
 * Checks that the diff describes the tree as it is: every context and added line of every
 * hunk (parsed from diffText with keepText) must equal the file's line at that position.
 * Returns the first mismatch as a problem.
 *
 * A hunk is first compared whole: its new side, made by one native replace, must occur in
 * the file at its first line (one native comparison, instead of one JavaScript loop per
 * character). Byte-equal lines are equal lines, so this only ever confirms; when it does
 * not (a CRLF file with an LF diff, a last line without newline, a real mismatch) the lines
 * are compared one by one, which also finds the line to report.
 */
export function checkDiffApplies(
  diffText: string,
  changes: Map<string, FileChange>,
  readText: (path: string) => string | undefined,
): { path: string; diffLine: number; problem: string } | undefined {
  for (const change of changes.values()) {
    if (change.hunks.length === 0) continue;
    const content = readText(change.path);
    if (content === undefined)
      return {
        path: change.path,
        diffLine: change.hunks[0]?.diffLine ?? 0,
        problem: `changes ${change.path}, which is not in the workspace`,
      };
    // A cursor over the file's lines (1-based), moved forward; hunks are in order, so the file is walked once.
    let lineNumber = 1;
    let lineStart = 0;
    /** Moves the cursor to line `wanted`; false when the file has fewer lines. */
    const seek = (wanted: number): boolean => {
      if (wanted < lineNumber) {
        lineNumber = 1;
        lineStart = 0;
      }
      while (lineNumber < wanted) {
        const nl = content.indexOf('\n', lineStart);
        if (nl === -1) return false;
        lineStart = nl + 1;
        lineNumber++;
      }
      return true;
    };
    for (const hunk of change.hunks) {
      if (hunk.newCount === 0) continue;
      const found = seek(hunk.newStart);
      const expected = diffText.slice(hunk.bodyStart, hunk.bodyEnd).replace(NOT_NEW_SIDE, '');
      if (found && expected.endsWith('\n') && content.startsWith(expected, lineStart)) {
        lineStart += expected.length;
        lineNumber += hunk.newCount;
        continue;
      }
      const spans = newSideSpans(diffText, hunk.bodyStart, hunk.bodyEnd);
      for (let k = 0; k < spans.length; k += 2) {
        const wanted = hunk.newStart + k / 2;
        if (!seek(wanted)) return differs(change.path, hunk, wanted);
        let lineEnd = content.indexOf('\n', lineStart);
        if (lineEnd === -1) lineEnd = content.length;
        if (lineEnd > lineStart && content.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
        if (!sameText(content, lineStart, lineEnd, diffText, spans[k] as number, spans[k + 1] as number))
          return differs(change.path, hunk, wanted);
      }
    }
  }
  return undefined;
}
