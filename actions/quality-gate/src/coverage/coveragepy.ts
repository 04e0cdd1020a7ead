import { FileError } from '@spikeformer-actions/core';
import { addLine, type CoverageReport, countProblem, fileFor, isLineNumber, lineNumberProblem } from './model.js';

interface PyFile {
  summary?: unknown;
  excluded_lines?: unknown;
  executed_lines?: unknown;
  missing_lines?: unknown;
  executed_branches?: unknown;
  missing_branches?: unknown;
}

/** Where in the report a value is, for messages: `files["a.py"].executed_lines[3]`. */
type At = (field: string) => string;

function shownValue(value: unknown): string {
  return typeof value === 'number' || value === undefined ? String(value) : JSON.stringify(value).slice(0, 40);
}

/** A list of line numbers (absent: none); anything else is an error naming where it is. */
function lineNumbers(value: unknown, file: string, at: string): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FileError(file, `${at}: is not a list of line numbers`);
  for (let i = 0; i < value.length; i++) {
    if (!isLineNumber(value[i])) throw new FileError(file, `${at}[${i}]: ${lineNumberProblem(shownValue(value[i]))}`);
  }
  return value as number[];
}

/** The source lines of a list of arcs [from, to]; `to` may be negative (an exit from the code object). */
function arcSources(value: unknown, file: string, at: string): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FileError(file, `${at}: is not a list of arcs`);
  return value.map((arc, i) => {
    if (!Array.isArray(arc) || arc.length !== 2 || !Number.isInteger(arc[1]))
      throw new FileError(file, `${at}[${i}]: is not an arc [from, to]`);
    if (!isLineNumber(arc[0])) throw new FileError(file, `${at}[${i}][0]: ${lineNumberProblem(shownValue(arc[0]))}`);
    return arc[0];
  });
}

/** A stated per-file total: a count, or undefined when absent. */
function count(value: unknown, file: string, at: string): number | undefined {
  if (value === undefined) return undefined;
  if (!isLineNumber(value)) throw new FileError(file, `${at}: ${countProblem(shownValue(value))}`);
  return value;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * coverage.py JSON (`coverage json`): per file executed/missing lines and executed/missing
 * arcs; a line's branches are the arcs leaving it.
 */
export function parseCoveragePy(data: unknown, file: string): CoverageReport {
  const root = record(data);
  const files = record(root?.files);
  if (!root || !files || !record(root.meta))
    throw new FileError(file, 'is not a coverage.py JSON report (expected "meta" and "files")');
  const report: CoverageReport = {
    format: 'coveragepy',
    file,
    files: new Map(),
    sourceRoots: [],
    stated: {},
    hasBranches: false,
  };
  const meta = record(root.meta);
  report.hasBranches = meta?.branch_coverage === true;
  for (const [name, value] of Object.entries(files)) {
    const f = (record(value) ?? {}) as PyFile;
    const at: At = (field) => `files[${JSON.stringify(name)}].${field}`;
    const entry = fileFor(report.files, name.replace(/\\/g, '/'));
    // Excluded lines that ran are listed as executed; they are not statements.
    const excluded = new Set(lineNumbers(f.excluded_lines, file, at('excluded_lines')));
    for (const n of lineNumbers(f.executed_lines, file, at('executed_lines')))
      if (!excluded.has(n)) addLine(entry, n, 1);
    for (const n of lineNumbers(f.missing_lines, file, at('missing_lines'))) addLine(entry, n, 0);
    for (const from of arcSources(f.executed_branches, file, at('executed_branches')))
      entry.lines.addBranches(from, 1, 1);
    for (const from of arcSources(f.missing_branches, file, at('missing_branches')))
      entry.lines.addBranches(from, 1, 0);
    const summary = record(f.summary);
    const stated = (key: string): number | undefined => count(summary?.[key], file, at(`summary.${key}`));
    const [lines, linesCovered, branches, branchesCovered] = [
      stated('num_statements'),
      stated('covered_lines'),
      stated('num_branches'),
      stated('covered_branches'),
    ];
    if (lines !== undefined && linesCovered !== undefined) {
      const withBranches = branches !== undefined && branchesCovered !== undefined;
      entry.stated = {
        lines,
        linesCovered,
        branches: withBranches ? branches : 0,
        branchesCovered: withBranches ? branchesCovered : 0,
      };
    }
  }
  const totals = record(root.totals);
  if (totals) {
    const ln = totals.num_statements;
    const lc = totals.covered_lines;
    if (typeof ln === 'number' && typeof lc === 'number') report.stated.lines = { total: ln, covered: lc };
    const bn = totals.num_branches;
    const bc = totals.covered_branches;
    if (typeof bn === 'number' && typeof bc === 'number') report.stated.branches = { total: bn, covered: bc };
  }
  return report;
}
