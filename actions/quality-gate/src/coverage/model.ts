/** Coverage of one source line: hit count and, where the report has them, branch counts. */
export interface LineCoverage {
  hits: number;
  branches: number;
  branchesCovered: number;
}

/** Line numbers up to this are always kept in the flat arrays of a LineTable. */
const MIN_DENSE_LINES = 1024;

type Numbers = Float64Array<ArrayBuffer>;

/**
 * Small tables are views into shared slabs: a new ArrayBuffer per file cost ~6 µs each
 * (2,000 files: 13 ms), a view into a slab almost nothing. Large ones get their own buffer.
 */
const SLAB_DOUBLES = 1 << 16;
let slab: Numbers = new Float64Array(0);
let slabUsed = 0;
const NO_LINES: Numbers = new Float64Array(0);
function doubles(count: number): Numbers {
  if (count > SLAB_DOUBLES / 8) return new Float64Array(count);
  if (slabUsed + count > slab.length) {
    slab = new Float64Array(SLAB_DOUBLES);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + count);
  slabUsed += count;
  return view;
}

/**
 * The coverage of one file's lines, by line number. A report of 200,000 lines would be
 * 200,000 objects in a Map, which the garbage collector copies around while the report is
 * read; this keeps them in flat arrays indexed by line number (NaN hits: not listed).
 * Line numbers far beyond the rest (or not natural numbers) go to a small Map instead, so a
 * stray `line 999999` cannot make the arrays huge. Reads hand out fresh LineCoverage
 * objects; changes go through add/addBranches. Iteration: ascending, then the far lines.
 */
export class LineTable implements Iterable<[number, LineCoverage]> {
  private hits: Numbers = NO_LINES; // never written: the first add grows it
  /** Allocated with the first branch data. */
  private branchTotal: Numbers | undefined;
  private branchCovered: Numbers | undefined;
  private far: Map<number, LineCoverage> | undefined;
  private count = 0;
  // Running totals, kept by add/addBranches: the overall figures need no pass over the lines.
  private covered = 0;
  private branchSum = 0;
  private branchCoveredSum = 0;

  get size(): number {
    return this.count;
  }

  private isDense(line: number): boolean {
    return line < this.hits.length && line >= 0 && Number.isInteger(line);
  }

  has(line: number): boolean {
    if (this.isDense(line)) return !Number.isNaN(this.hits[line]);
    return this.far?.has(line) ?? false;
  }

  get(line: number): LineCoverage | undefined {
    if (this.isDense(line)) {
      const hits = this.hits[line] as number;
      if (Number.isNaN(hits)) return undefined;
      return { hits, branches: this.branchTotal?.[line] ?? 0, branchesCovered: this.branchCovered?.[line] ?? 0 };
    }
    const known = this.far?.get(line);
    return known ? { ...known } : undefined;
  }

  private grow(line: number): boolean {
    if (!(line >= 0 && Number.isInteger(line) && line < Math.max(MIN_DENSE_LINES, 4 * (this.count + 1)))) return false;
    // One allocation for most files (typed arrays are costly to allocate, 2,000 files × 2 was ~13 ms).
    const size = Math.max(line + 1, this.hits.length * 2, 256);
    const resize = (from: Numbers, fill: number): Numbers => {
      const to = doubles(size);
      to.set(from);
      to.fill(fill, from.length);
      return to;
    };
    this.hits = resize(this.hits, Number.NaN);
    if (this.branchTotal) this.branchTotal = resize(this.branchTotal, 0);
    if (this.branchCovered) this.branchCovered = resize(this.branchCovered, 0);
    // Far lines now inside the arrays move in: a line lives in one place only.
    for (const [far, cov] of this.far ?? []) {
      if (!this.isDense(far)) continue;
      this.far?.delete(far);
      this.hits[far] = cov.hits;
      if (cov.branches !== 0 || cov.branchesCovered !== 0 || this.branchTotal) {
        this.branchTotal ??= doubles(size).fill(0);
        this.branchCovered ??= doubles(size).fill(0);
        this.branchTotal[far] = cov.branches;
        this.branchCovered[far] = cov.branchesCovered;
      }
    }
    return true;
  }

  /** Adds a line, or merges with the line already there: the higher hits and branch counts win. */
  add(line: number, hits: number, branches = 0, branchesCovered = 0): void {
    if (line >= this.hits.length) this.grow(line);
    if (!this.isDense(line)) {
      this.far ??= new Map();
      const known = this.far.get(line);
      if (known) {
        this.tally(known.hits, known.branches, known.branchesCovered, -1);
        known.hits = Math.max(known.hits, hits);
        known.branches = Math.max(known.branches, branches);
        known.branchesCovered = Math.max(known.branchesCovered, branchesCovered);
        this.tally(known.hits, known.branches, known.branchesCovered, 1);
      } else {
        this.far.set(line, { hits, branches, branchesCovered });
        this.count++;
        this.tally(hits, branches, branchesCovered, 1);
      }
      return;
    }
    const known = this.hits[line] as number;
    if (Number.isNaN(known)) {
      this.count++;
    } else {
      // A listed line: take its share back out of the totals, and go on with the merged counts.
      const knownBranches = this.branchTotal?.[line] ?? 0;
      const knownCovered = this.branchCovered?.[line] ?? 0;
      this.tally(known, knownBranches, knownCovered, -1);
      hits = Math.max(known, hits);
      branches = Math.max(knownBranches, branches);
      branchesCovered = Math.max(knownCovered, branchesCovered);
    }
    this.hits[line] = hits;
    if (branches !== 0 || branchesCovered !== 0 || this.branchTotal) {
      this.branchTotal ??= doubles(this.hits.length).fill(0);
      this.branchCovered ??= doubles(this.hits.length).fill(0);
      this.branchTotal[line] = branches;
      this.branchCovered[line] = branchesCovered;
    }
    this.tally(hits, branches, branchesCovered, 1);
  }

  /** Adds (sign 1) or takes back (sign -1) one line's share of the running totals. */
  private tally(hits: number, branches: number, branchesCovered: number, sign: 1 | -1): void {
    if (hits > 0) this.covered += sign;
    this.branchSum += sign * branches;
    this.branchCoveredSum += sign * branchesCovered;
  }

  /** Adds branch counts to a listed line; false (nothing changed) when the line is not listed. */
  addBranches(line: number, total: number, covered: number): boolean {
    if (this.isDense(line)) {
      if (Number.isNaN(this.hits[line])) return false;
      this.branchTotal ??= doubles(this.hits.length).fill(0);
      this.branchCovered ??= doubles(this.hits.length).fill(0);
      this.branchTotal[line] = (this.branchTotal[line] as number) + total;
      this.branchCovered[line] = (this.branchCovered[line] as number) + covered;
      this.branchSum += total;
      this.branchCoveredSum += covered;
      return true;
    }
    const known = this.far?.get(line);
    if (!known) return false;
    known.branches += total;
    known.branchesCovered += covered;
    this.branchSum += total;
    this.branchCoveredSum += covered;
    return true;
  }

  /** A copy that can be changed without changing this one. */
  clone(): LineTable {
    const copy = new LineTable();
    copy.hits = this.hits.slice();
    if (this.branchTotal) copy.branchTotal = this.branchTotal.slice();
    if (this.branchCovered) copy.branchCovered = this.branchCovered.slice();
    if (this.far) copy.far = new Map([...this.far].map(([line, cov]) => [line, { ...cov }]));
    copy.count = this.count;
    copy.covered = this.covered;
    copy.branchSum = this.branchSum;
    copy.branchCoveredSum = this.branchCoveredSum;
    return copy;
  }

  /** Adds this file's lines to running totals (kept as lines were added: no pass over them). */
  addTotalsTo(t: Totals): void {
    t.lines += this.count;
    t.linesCovered += this.covered;
    t.branches += this.branchSum;
    t.branchesCovered += this.branchCoveredSum;
  }

  *entries(): IterableIterator<[number, LineCoverage]> {
    for (let line = 0; line < this.hits.length; line++) {
      const cov = Number.isNaN(this.hits[line]) ? undefined : this.get(line);
      if (cov) yield [line, cov];
    }
    for (const [line, cov] of this.far ?? []) yield [line, { ...cov }];
  }

  *keys(): IterableIterator<number> {
    for (const [line] of this.entries()) yield line;
  }

  *values(): IterableIterator<LineCoverage> {
    for (const [, cov] of this.entries()) yield cov;
  }

  [Symbol.iterator](): IterableIterator<[number, LineCoverage]> {
    return this.entries();
  }
}

export interface FileCoverage {
  /** The path as the report names it (before mapping to the repository). */
  reportPath: string;
  lines: LineTable;
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

/**
 * The highest line number (and count) a report may give: ten times the longest source
 * files seen in practice. Beyond it a number is a corrupt or hostile report, not a line.
 */
export const MAX_LINE_NUMBER = 10_000_000;

const LIMIT_TEXT = `a whole number from 0 to ${MAX_LINE_NUMBER.toLocaleString('en-US')}`;

/** Whether n is a line number: an integer from 0 (some tools give module-level branches line 0) to MAX_LINE_NUMBER. */
export function isLineNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_LINE_NUMBER;
}

/** The problem with a value that is not a line number, shown as the report wrote it. */
export function lineNumberProblem(shown: string): string {
  return `line number ${shown} is not ${LIMIT_TEXT}`;
}

/** The problem with a stated total that is not a count. */
export function countProblem(shown: string): string {
  return `${shown} is not a count (${LIMIT_TEXT})`;
}

/** Adds a line, merging with an earlier entry for the same line (Cobertura splits files into classes). */
export function addLine(file: FileCoverage, line: number, hits: number, branches = 0, branchesCovered = 0): void {
  file.lines.add(line, hits, branches, branchesCovered);
}

export function fileFor(files: Map<string, FileCoverage>, reportPath: string): FileCoverage {
  let entry = files.get(reportPath);
  if (!entry) {
    entry = { reportPath, lines: new LineTable() };
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
    f.lines.addTotalsTo(t);
  }
  return t;
}

/** Percentage, or undefined when there is nothing to measure. */
export function percent(covered: number, total: number): number | undefined {
  return total > 0 ? (covered / total) * 100 : undefined;
}
