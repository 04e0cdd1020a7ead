import { type ConditionResult, evaluateConditions, type Facts, gateStatus, type Thresholds } from './conditions.js';
import { type MergedCoverage, mergeCoverage } from './coverage/merge.js';
import { type CoverageReport, percent, type Totals, totalsOf } from './coverage/model.js';
import { computeDiffCoverage, type DiffCoverage } from './diff-coverage.js';
import type { FileChange } from './diff.js';
import type { TestCase, TestRun } from './junit.js';
import { filesToReformat } from './lint/black.js';
import { atLeastLevel, type PlacedFinding, placeFindings } from './lint/changed.js';
import type { Finding, FindingLevel, LintReport } from './lint/model.js';
import type { PathMapper } from './paths.js';

/** The coverage side of the analysis, which needs no diff: made while git diff still runs. */
export interface PreparedCoverage {
  merged: MergedCoverage;
  totals: Totals;
}

export function prepareCoverage(coverage: readonly CoverageReport[], mapper: PathMapper): PreparedCoverage {
  const merged = mergeCoverage(coverage, mapper);
  // Overall totals count every file of every report, mapped to the workspace or not.
  return { merged, totals: totalsOf([...merged.files.values(), ...merged.unmappedFiles.values()]) };
}

export interface AnalysisInput {
  coverage: CoverageReport[];
  /** prepareCoverage(coverage, mapper), when already made. */
  prepared?: PreparedCoverage;
  baseCoverage?: CoverageReport;
  changes?: Map<string, FileChange>;
  diffSource?: string;
  noDiffReason?: string;
  tests: TestRun[];
  lint: LintReport[];
  mapper: PathMapper;
  thresholds: Thresholds;
  minLintLevel: FindingLevel;
}

export interface Analysis {
  status: 'passed' | 'failed';
  conditions: ConditionResult[];
  coverage?: Totals & { percent?: number; branchPercent?: number; hasBranches: boolean };
  baseCoverage?: Totals & { percent?: number };
  /** Report paths that map to no workspace file, per report. */
  unmapped: Map<string, string[]>;
  diff?: DiffCoverage & { source: string; percent?: number; branchPercent?: number };
  noDiffReason?: string;
  tests?: { total: number; passed: number; failed: number; errors: number; skipped: number; problems: TestCase[] };
  lint?: {
    byTool: Record<string, number>;
    lintFindings: number;
    newLintFindings?: number;
    typeErrors: number;
    filesToReformat: string[];
    /** Findings on changed lines (all kinds), for the summary and annotations. */
    onChangedLines: PlacedFinding[];
  };
}

export function analyse(input: AnalysisInput): Analysis {
  const facts: Facts = {};
  const result: Analysis = { status: 'passed', conditions: [], unmapped: new Map() };
  if (input.noDiffReason !== undefined) {
    facts.noDiffReason = input.noDiffReason;
    result.noDiffReason = input.noDiffReason;
  }
  if (input.coverage.length > 0) {
    const { merged, totals } = input.prepared ?? prepareCoverage(input.coverage, input.mapper);
    result.unmapped = merged.unmapped;
    facts.coverage = totals;
    result.coverage = {
      ...totals,
      percent: percent(totals.linesCovered, totals.lines),
      branchPercent: percent(totals.branchesCovered, totals.branches),
      hasBranches: merged.hasBranches,
    };
    if (input.changes) {
      const diff = computeDiffCoverage(input.changes, merged);
      facts.diff = diff;
      result.diff = {
        ...diff,
        source: input.diffSource ?? 'diff',
        percent: percent(diff.covered, diff.measured),
        branchPercent: percent(diff.branchesCovered, diff.branches),
      };
    }
  }
  if (input.baseCoverage) {
    const base = totalsOf(input.baseCoverage.files.values());
    facts.baseCoverage = base;
    result.baseCoverage = { ...base, percent: percent(base.linesCovered, base.lines) };
  }
  if (input.tests.length > 0) {
    const t = { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, problems: [] as TestCase[] };
    for (const run of input.tests) {
      t.total += run.total;
      t.passed += run.passed;
      t.failed += run.failed;
      t.errors += run.errors;
      t.skipped += run.skipped;
      t.problems.push(...run.cases.filter((c) => c.outcome === 'failed' || c.outcome === 'error'));
    }
    facts.tests = t;
    result.tests = t;
  }
  if (input.lint.length > 0) {
    const all: Finding[] = input.lint
      .flatMap((r) => r.findings)
      .filter((f) => atLeastLevel(f.level, input.minLintLevel) || f.kind === 'format');
    const placed = placeFindings(all, input.mapper, input.changes);
    const byTool: Record<string, number> = {};
    for (const f of placed) byTool[f.tool] = (byTool[f.tool] ?? 0) + 1;
    const lint = placed.filter((f) => f.kind === 'lint');
    const reformat = filesToReformat(placed);
    result.lint = {
      byTool,
      lintFindings: lint.length,
      typeErrors: placed.filter((f) => f.kind === 'type' && f.level === 'error').length,
      filesToReformat: reformat,
      onChangedLines: input.changes ? placed.filter((f) => f.onChangedLine) : [],
    };
    if (input.changes) result.lint.newLintFindings = lint.filter((f) => f.onChangedLine).length;
    facts.lintFindings = result.lint.lintFindings;
    if (result.lint.newLintFindings !== undefined) facts.newLintFindings = result.lint.newLintFindings;
    facts.typeErrors = result.lint.typeErrors;
    // Only a formatter report can say "nothing to reformat".
    if (input.lint.some((r) => r.tool === 'black')) facts.filesToReformat = reformat.length;
  }
  result.conditions = evaluateConditions(facts, input.thresholds);
  result.status = gateStatus(result.conditions);
  return result;
}
