import type { PathMapper } from '../paths.js';
import type { CoverageReport, FileCoverage } from './model.js';

/** Coverage of all reports by workspace-relative path. */
export interface MergedCoverage {
  files: Map<string, FileCoverage>;
  /** Files that map to no workspace file, by report path (still part of the overall totals). */
  unmappedFiles: Map<string, FileCoverage>;
  /** Report paths that map to no workspace file, per report file. */
  unmapped: Map<string, string[]>;
  hasBranches: boolean;
}

/** Entries whose line map is still the parsed report's own (copied before the first merge). */
const borrowed = new WeakSet<FileCoverage>();

function mergeInto(files: Map<string, FileCoverage>, key: string, source: FileCoverage): void {
  const known = files.get(key);
  if (!known) {
    const entry: FileCoverage = { reportPath: source.reportPath, lines: source.lines };
    if (source.stated) entry.stated = source.stated;
    borrowed.add(entry);
    files.set(key, entry);
    return;
  }
  if (borrowed.has(known)) {
    known.lines = known.lines.clone();
    borrowed.delete(known);
  }
  // Two reports for one file: the stated totals cannot be combined; count the merged lines.
  delete known.stated;
  // add keeps the higher hits and branch counts of the two (the parsed reports stay unchanged).
  for (const [line, cov] of source.lines) known.lines.add(line, cov.hits, cov.branches, cov.branchesCovered);
}

/**
 * Merges reports by repository path. A line is executable when any report lists it and
 * covered when any report hit it; this is what diff-cover does with several reports
 * (union of measured lines, intersection of uncovered ones).
 */
export function mergeCoverage(reports: readonly CoverageReport[], mapper: PathMapper): MergedCoverage {
  const merged: MergedCoverage = {
    files: new Map(),
    unmappedFiles: new Map(),
    unmapped: new Map(),
    hasBranches: false,
  };
  for (const report of reports) {
    merged.hasBranches ||= report.hasBranches;
    const missing: string[] = [];
    for (const fc of report.files.values()) {
      const repoPath = mapper.map(fc.reportPath, report.sourceRoots);
      if (repoPath === undefined) {
        missing.push(fc.reportPath);
        mergeInto(merged.unmappedFiles, fc.reportPath, fc);
      } else {
        mergeInto(merged.files, repoPath, fc);
      }
    }
    if (missing.length > 0) merged.unmapped.set(report.file, missing);
  }
  return merged;
}
