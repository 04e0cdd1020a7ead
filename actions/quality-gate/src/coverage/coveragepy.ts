import { FileError } from '@spikeformer-actions/core';
import { addLine, type CoverageReport, fileFor } from './model.js';

interface PyFile {
  summary?: unknown;
  excluded_lines?: unknown;
  executed_lines?: unknown;
  missing_lines?: unknown;
  executed_branches?: unknown;
  missing_branches?: unknown;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((n): n is number => typeof n === 'number') : [];
}

function arcSources(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((arc) => (Array.isArray(arc) && typeof arc[0] === 'number' ? [arc[0] as number] : []));
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * coverage.py JSON (`coverage json`): per file executed/missing lines and executed/missing
 * arcs; a line's branches are the arcs leaving it.
 */
export function parseCoveragePy(data: unknown, file: string): CoverageReport {
  const root = record(data);
  const files = record(root?.files);
  if (!root || !files || !record(root.meta)) throw new FileError(file, 'is not a coverage.py JSON report (expected "meta" and "files")');
  const report: CoverageReport = { format: 'coveragepy', file, files: new Map(), sourceRoots: [], stated: {}, hasBranches: false };
  const meta = record(root.meta);
  report.hasBranches = meta?.branch_coverage === true;
  for (const [name, value] of Object.entries(files)) {
    const f = (record(value) ?? {}) as PyFile;
    const entry = fileFor(report.files, name.replace(/\\/g, '/'));
    // Excluded lines that ran are listed as executed; they are not statements.
    const excluded = new Set(numbers(f.excluded_lines));
    for (const n of numbers(f.executed_lines)) if (!excluded.has(n)) addLine(entry, n, 1);
    for (const n of numbers(f.missing_lines)) addLine(entry, n, 0);
    for (const from of arcSources(f.executed_branches)) entry.lines.addBranches(from, 1, 1);
    for (const from of arcSources(f.missing_branches)) entry.lines.addBranches(from, 1, 0);
    const summary = record(f.summary);
    const nums = [summary?.num_statements, summary?.covered_lines, summary?.num_branches, summary?.covered_branches];
    if (nums.every((n) => typeof n === 'number')) {
      const [lines, linesCovered, branches, branchesCovered] = nums as number[];
      entry.stated = { lines: lines as number, linesCovered: linesCovered as number, branches: branches as number, branchesCovered: branchesCovered as number };
    } else if (typeof summary?.num_statements === 'number' && typeof summary.covered_lines === 'number') {
      entry.stated = { lines: summary.num_statements, linesCovered: summary.covered_lines, branches: 0, branchesCovered: 0 };
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
