import { FileError } from '@spikeformer-actions/core';

/** One hunk's view of the new file: the lines it says the new file has, for the apply check (kept only with keepText). */
export interface HunkLines {
  /** Line in the diff text where the hunk header is (for messages). */
  diffLine: number;
  newStart: number;
  /** Context and added lines, in order, starting at newStart. */
  newText: string[];
}

export interface FileChange {
  path: string;
  /** Added (or modified) lines of the new file, ascending, unique. */
  added: number[];
  hunks: HunkLines[];
}

const HUNK = /^@@@? -\d+(?:,\d+)? (?:-\d+(?:,\d+)? )?\+(\d+)(?:,(\d+))? @@/;

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
 * Parses a unified diff (git diff, diff -u) into the added lines per new file, like
 * diff-cover: only `+` lines of the new side count; deleted files are left out. Renames
 * use the new path. `\ No newline at end of file` is not a line.
 */
export function parseUnifiedDiff(text: string, file: string, options: { keepText?: boolean } = {}): Map<string, FileChange> {
  const keepText = options.keepText ?? true;
  const changes = new Map<string, FileChange>();
  const lines = text.split('\n');
  let current: FileChange | undefined;
  let gitPath: string | undefined;
  let hunk: HunkLines | undefined;
  let newLine = 0;
  let remainingNew = 0;
  let remainingOld = 0;
  let sawHeader = false;
  let deleted = false;
  const start = (path: string): void => {
    const known = changes.get(path);
    current = known ?? { path, added: [], hunks: [] };
    if (!known) changes.set(path, current);
  };
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (hunk && (remainingNew > 0 || remainingOld > 0)) {
      const c = line[0];
      if (c === '+') {
        if (current) current.added.push(newLine);
        if (keepText) hunk.newText.push(line.slice(1));
        newLine++;
        remainingNew--;
        continue;
      }
      if (c === '-') {
        remainingOld--;
        continue;
      }
      if (c === ' ' || line === '') {
        // An empty line inside a hunk is a context line whose leading space was stripped (some tools do).
        if (keepText) hunk.newText.push(line.slice(1));
        newLine++;
        remainingNew--;
        remainingOld--;
        continue;
      }
      if (c === '\\') continue;
      throw new FileError(file, `hunk ends early: expected ${remainingNew} more new and ${remainingOld} more old lines`, { line: i + 1 });
    }
    if (line.startsWith('\\')) continue;
    hunk = undefined;
    if (line.startsWith('diff --git ')) {
      sawHeader = true;
      const m = /^diff --git (?:"a\/.*?"|a\/\S.*?) ("b\/.*"|b\/.*)$/.exec(line);
      gitPath = m?.[1] ? stripPrefix(m[1]) : undefined;
      current = undefined;
      deleted = false;
      continue;
    }
    if (line.startsWith('--- ')) {
      sawHeader = true;
      continue;
    }
    if (line.startsWith('+++ ')) {
      sawHeader = true;
      const target = line.slice(4);
      deleted = target.split('\t')[0] === '/dev/null';
      if (deleted) current = undefined; // a deleted file has no new lines
      else start(stripPrefix(target));
      gitPath = undefined;
      continue;
    }
    if (line.startsWith('@@')) {
      const m = HUNK.exec(line);
      if (!m) throw new FileError(file, `invalid hunk header '${line.slice(0, 80)}'`, { line: i + 1 });
      if (!current && !deleted && gitPath !== undefined) start(gitPath);
      if (!current && !deleted) throw new FileError(file, 'hunk without a file header (--- / +++)', { line: i + 1 });
      newLine = Number(m[1]);
      remainingNew = m[2] === undefined ? 1 : Number(m[2]);
      const oldM = /^@@ -\d+(?:,(\d+))?/.exec(line);
      remainingOld = oldM?.[1] === undefined ? 1 : Number(oldM[1]);
      hunk = { diffLine: i + 1, newStart: newLine, newText: [] };
      current?.hunks.push(hunk);
      continue;
    }
  }
  if (hunk && remainingNew > 0) {
    throw new FileError(file, `is truncated: the last hunk misses ${remainingNew} new lines`, { line: lines.length });
  }
  if (!sawHeader && text.trim() !== '') throw new FileError(file, 'is not a unified diff (no ---/+++ or diff --git header)');
  for (const change of changes.values()) {
    const a = change.added;
    let ascending = true;
    for (let k = 1; k < a.length && ascending; k++) ascending = (a[k] as number) > (a[k - 1] as number);
    if (!ascending) change.added = [...new Set(a)].sort((x, y) => x - y);
  }
  return changes;
}

/**
 * Checks that the diff describes the tree as it is: every context and added line of every
 * hunk must equal the file's line at that position. Returns the first mismatch as a problem.
 */
export function checkDiffApplies(
  changes: Map<string, FileChange>,
  readLines: (path: string) => string[] | undefined,
): { path: string; diffLine: number; problem: string } | undefined {
  for (const change of changes.values()) {
    if (change.hunks.length === 0) continue;
    const lines = readLines(change.path);
    if (!lines) return { path: change.path, diffLine: change.hunks[0]?.diffLine ?? 0, problem: `changes ${change.path}, which is not in the workspace` };
    for (const hunk of change.hunks) {
      for (let k = 0; k < hunk.newText.length; k++) {
        const actual = lines[hunk.newStart - 1 + k];
        const expected = hunk.newText[k] as string;
        if (actual === undefined || actual.replace(/\r$/, '') !== expected) {
          return {
            path: change.path,
            diffLine: hunk.diffLine,
            problem: `does not match the workspace: ${change.path} line ${hunk.newStart + k} differs from the diff (is the checkout at the diff's new side?)`,
          };
        }
      }
    }
  }
  return undefined;
}
