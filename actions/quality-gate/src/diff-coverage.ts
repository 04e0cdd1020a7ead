import type { MergedCoverage } from './coverage/merge.js';
import type { FileChange } from './diff.js';
import { type LineRange, mergeRanges } from './ranges.js';

export interface FileDiffCoverage {
  path: string;
  /** Added lines in the diff. */
  changed: number;
  /** Added lines the coverage report lists as executable. */
  measured: number;
  covered: number;
  uncoveredLines: number[];
  uncoveredRanges: LineRange[];
  branches: number;
  branchesCovered: number;
}

export interface DiffCoverage {
  files: FileDiffCoverage[];
  changedLines: number;
  measured: number;
  covered: number;
  branches: number;
  branchesCovered: number;
  /** Changed files the coverage report does not mention (not measured, like diff-cover). */
  notInReport: string[];
}

/**
 * Changed-line coverage as diff-cover computes it: a changed (added) line counts when the
 * report lists it as executable and is covered when its hit count is above zero. Branch
 * coverage is added on changed lines where the report has branch data.
 */
export function computeDiffCoverage(changes: Map<string, FileChange>, coverage: MergedCoverage): DiffCoverage {
  const result: DiffCoverage = {
    files: [],
    changedLines: 0,
    measured: 0,
    covered: 0,
    branches: 0,
    branchesCovered: 0,
    notInReport: [],
  };
  // Case-insensitive path order, by code unit: the same on every runner whatever its locale
  // (localeCompare's order follows LANG, and its collator costs ~15 ms to load).
  const keyed = [...changes.keys()].map((p) => ({ p, lower: p.toLowerCase() }));
  const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  keyed.sort((a, b) => byCodeUnit(a.lower, b.lower) || byCodeUnit(a.p, b.p));
  const paths = keyed.map((k) => k.p);
  for (const path of paths) {
    const change = changes.get(path);
    if (!change || change.added.length === 0) continue;
    result.changedLines += change.added.length;
    const lines = coverage.files.get(path)?.lines;
    if (!lines) {
      result.notInReport.push(path);
      continue;
    }
    const f: FileDiffCoverage = {
      path,
      changed: change.added.length,
      measured: 0,
      covered: 0,
      uncoveredLines: [],
      uncoveredRanges: [],
      branches: 0,
      branchesCovered: 0,
    };
    for (const n of change.added) {
      const cov = lines.get(n);
      if (!cov) continue;
      f.measured++;
      if (cov.hits > 0) f.covered++;
      else f.uncoveredLines.push(n);
      f.branches += cov.branches;
      f.branchesCovered += cov.branchesCovered;
    }
    if (f.measured === 0) continue; // like diff-cover: files without measured changed lines are not listed
    f.uncoveredRanges = mergeRanges(f.uncoveredLines, (l) => !lines.has(l));
    result.files.push(f);
    result.measured += f.measured;
    result.covered += f.covered;
    result.branches += f.branches;
    result.branchesCovered += f.branchesCovered;
  }
  return result;
}
