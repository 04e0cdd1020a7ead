import type { Finding } from './model.js';

const WOULD = /^would reformat (.+)$/;
const DIFF_OLD = /^--- (.+?)(?:\t.*)?$/;
const DIFF_NEW = /^\+\+\+ (.+?)(?:\t.*)?$/;
const HUNK = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/;

/**
 * black `--check` output: either `would reformat X` lines (stderr) or, with `--diff`, a
 * unified diff per file (stdout). With a diff each hunk is one finding on the lines black
 * would change; without, one finding per file.
 */
export function parseBlack(text: string): Finding[] {
  const out: Finding[] = [];
  const withDiff = new Set<string>();
  let current: string | undefined;
  let pendingOld: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const would = WOULD.exec(raw);
    if (would) {
      out.push({
        tool: 'black',
        kind: 'format',
        level: 'error',
        rule: 'would-reformat',
        file: (would[1] as string).trim(),
        message: 'black would reformat this file',
      });
      continue;
    }
    const old = DIFF_OLD.exec(raw);
    if (old) {
      pendingOld = old[1];
      continue;
    }
    const neu = DIFF_NEW.exec(raw);
    if (neu && pendingOld !== undefined) {
      current = pendingOld;
      pendingOld = undefined;
      continue;
    }
    const hunk = HUNK.exec(raw);
    if (hunk && current !== undefined) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      withDiff.add(current);
      out.push({
        tool: 'black',
        kind: 'format',
        level: 'error',
        rule: 'would-reformat',
        file: current,
        line: Math.max(start, 1),
        endLine: Math.max(start + count - 1, start, 1),
        message: 'black would reformat these lines',
      });
    }
  }
  // A file named both in a diff and a "would reformat" line is reported once, with its hunks.
  return out.filter((f) => f.line !== undefined || !withDiff.has(f.file));
}

/** Files black would reformat: workspace-relative where the path maps to a workspace file, else as black printed it. */
export function filesToReformat(findings: ReadonlyArray<Finding & { repoPath?: string }>): string[] {
  return [...new Set(findings.filter((f) => f.kind === 'format').map((f) => f.repoPath ?? f.file))].sort();
}

/**
 * The warning for an empty black report under require-formatted: `black --check > file`
 * leaves the file empty whatever black decided, as its verdict goes to stderr.
 */
export function emptyBlackReportWarning(shown: string): string {
  return `${shown}: the black report is empty, so require-formatted cannot fail: black writes "would reformat …" to stderr. Make the report with \`black --check --diff . > black.txt 2>&1\`, which always has black's verdict in it`;
}
