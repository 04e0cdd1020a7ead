/** Coverage of one source line: hit count and, where the report has them, branch counts. */
export interface LineCoverage {
  hits: number;
  branches: number;
  branchesCovered: number;
}

export interface FileCoverage {
  /** The path as the report names it (before mapping to the repository). */
  reportPath: string;
  lines: Map<number, LineCoverage>;
  /**
   * The file's totals as the report states them (LCOV LF/LH/BRF/BRH, coverage.py's per-file
   * summary). coverage.py lists executed lines that are not statements, so its line lists
   * alone over-count; where stated totals exist they are the file's overall figures.
   */
  stated?: Totals;
}

export type CoverageFormat = 'cobertura' | 'lcov' | 'jacoco' | 'coveragepy';

/** Totals as the report itself states them (its own summary attributes/counters). */
export interface StatedTotals {
  lines?: { total: number; covered: number };
  branches?: { total: number; covered: number };
}

export interface CoverageReport {
  format: CoverageFormat;
  file: string;
  files: Map<string, FileCoverage>;
  /** Cobertura `<source>` roots: report paths are relative to them. */
  sourceRoots: string[];
  stated: StatedTotals;
  /** Whether the report carries branch data at all. */
  hasBranches: boolean;
}

export interface Totals {
  lines: number;
  linesCovered: number;
  branches: number;
  branchesCovered: number;
}

/** Adds a line, merging with an earlier entry for the same line (Cobertura splits files into classes). */
export function addLine(file: FileCoverage, line: number, hits: number, branches = 0, branchesCovered = 0): void {
  const known = file.lines.get(line);
  if (known) {
    known.hits = Math.max(known.hits, hits);
    known.branches = Math.max(known.branches, branches);
    known.branchesCovered = Math.max(known.branchesCovered, branchesCovered);
  } else {
    file.lines.set(line, { hits, branches, branchesCovered });
  }
}

export function fileFor(files: Map<string, FileCoverage>, reportPath: string): FileCoverage {
  let entry = files.get(reportPath);
  if (!entry) {
    entry = { reportPath, lines: new Map() };
    files.set(reportPath, entry);
  }
  return entry;
}

export function totalsOf(files: Iterable<FileCoverage>): Totals {
  const t: Totals = { lines: 0, linesCovered: 0, branches: 0, branchesCovered: 0 };
  for (const f of files) {
    if (f.stated) {
      t.lines += f.stated.lines;
      t.linesCovered += f.stated.linesCovered;
      t.branches += f.stated.branches;
      t.branchesCovered += f.stated.branchesCovered;
      continue;
    }
    for (const l of f.lines.values()) {
      t.lines++;
      if (l.hits > 0) t.linesCovered++;
      t.branches += l.branches;
      t.branchesCovered += l.branchesCovered;
    }
  }
  return t;
}

/** Percentage, or undefined when there is nothing to measure. */
export function percent(covered: number, total: number): number | undefined {
  return total > 0 ? (covered / total) * 100 : undefined;
}
