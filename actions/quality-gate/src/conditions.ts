import type { Totals } from './coverage/model.js';
import { percent } from './coverage/model.js';

/** The gate's thresholds; undefined means "condition off". */
export interface Thresholds {
  minCoverage?: number;
  minBranchCoverage?: number;
  minDiffCoverage?: number;
  /** Diff coverage conditions are skipped below this many measured changed lines (tiny PRs). */
  diffCoverageMinLines: number;
  maxCoverageDrop?: number;
  maxTestFailures?: number;
  maxLintFindings?: number;
  maxNewLintFindings?: number;
  maxTypeErrors?: number;
  requireFormatted: boolean;
}

/** What was measured; undefined means "no such input". */
export interface Facts {
  coverage?: Totals;
  baseCoverage?: Totals;
  diff?: { measured: number; covered: number; branches: number; branchesCovered: number };
  /** Why there is no diff (not a pull request …), shown when a diff condition cannot be judged. */
  noDiffReason?: string;
  tests?: { total: number; failed: number; errors: number; skipped: number };
  lintFindings?: number;
  newLintFindings?: number;
  typeErrors?: number;
  filesToReformat?: number;
}

export type Verdict = 'pass' | 'fail' | 'skipped';

export interface ConditionResult {
  id: string;
  metric: string;
  value: number | undefined;
  /** The value as shown (percent with two decimals, counts as integers). */
  shown: string;
  threshold: string;
  verdict: Verdict;
  note: string;
}

function pct(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}%`;
}

/** Rounds a percentage to 2 decimals before comparing, so 79.999 shown as 80.00% passes ≥ 80. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function evaluateConditions(facts: Facts, t: Thresholds): ConditionResult[] {
  const out: ConditionResult[] = [];
  const add = (r: ConditionResult): void => {
    out.push(r);
  };
  const atLeast = (id: string, metric: string, value: number | undefined, min: number, note = ''): void => {
    if (value === undefined) {
      add({
        id,
        metric,
        value,
        shown: 'n/a',
        threshold: `≥ ${min}%`,
        verdict: 'skipped',
        note: note || 'nothing to measure',
      });
      return;
    }
    add({
      id,
      metric,
      value,
      shown: pct(value),
      threshold: `≥ ${min}%`,
      verdict: round2(value) >= min ? 'pass' : 'fail',
      note,
    });
  };
  const atMost = (id: string, metric: string, value: number | undefined, max: number, note = ''): void => {
    if (value === undefined) {
      add({ id, metric, value, shown: 'n/a', threshold: `≤ ${max}`, verdict: 'skipped', note: note || 'no data' });
      return;
    }
    add({
      id,
      metric,
      value,
      shown: String(value),
      threshold: `≤ ${max}`,
      verdict: value <= max ? 'pass' : 'fail',
      note,
    });
  };

  const lineCov = facts.coverage ? percent(facts.coverage.linesCovered, facts.coverage.lines) : undefined;
  const branchCov = facts.coverage ? percent(facts.coverage.branchesCovered, facts.coverage.branches) : undefined;
  if (t.minCoverage !== undefined) atLeast('min-coverage', 'Line coverage', lineCov, t.minCoverage);
  if (t.minBranchCoverage !== undefined) {
    atLeast(
      'min-branch-coverage',
      'Branch coverage',
      branchCov,
      t.minBranchCoverage,
      branchCov === undefined ? 'the coverage report has no branch data' : '',
    );
  }
  if (t.minDiffCoverage !== undefined) {
    const d = facts.diff;
    if (!d) {
      add({
        id: 'min-diff-coverage',
        metric: 'Changed-line coverage',
        value: undefined,
        shown: 'n/a',
        threshold: `≥ ${t.minDiffCoverage}%`,
        verdict: 'skipped',
        note: facts.noDiffReason ?? 'no diff',
      });
    } else if (d.measured < Math.max(t.diffCoverageMinLines, 1)) {
      add({
        id: 'min-diff-coverage',
        metric: 'Changed-line coverage',
        value: percent(d.covered, d.measured),
        shown: d.measured === 0 ? 'n/a' : pct(percent(d.covered, d.measured)),
        threshold: `≥ ${t.minDiffCoverage}%`,
        verdict: 'skipped',
        note:
          d.measured === 0
            ? 'no executable changed lines'
            : `only ${d.measured} executable changed lines (fewer than ${t.diffCoverageMinLines})`,
      });
    } else {
      atLeast(
        'min-diff-coverage',
        'Changed-line coverage',
        percent(d.covered, d.measured),
        t.minDiffCoverage,
        `${d.covered} of ${d.measured} executable changed lines covered`,
      );
    }
  }
  if (t.maxCoverageDrop !== undefined) {
    const base = facts.baseCoverage ? percent(facts.baseCoverage.linesCovered, facts.baseCoverage.lines) : undefined;
    if (base === undefined || lineCov === undefined) {
      add({
        id: 'max-coverage-drop',
        metric: 'Coverage drop vs base',
        value: undefined,
        shown: 'n/a',
        threshold: `≤ ${t.maxCoverageDrop} pp`,
        verdict: 'skipped',
        note: 'no base or current coverage',
      });
    } else {
      const drop = round2(base - lineCov);
      add({
        id: 'max-coverage-drop',
        metric: 'Coverage drop vs base',
        value: drop,
        shown: `${drop > 0 ? '-' : '+'}${Math.abs(drop).toFixed(2)} pp`,
        threshold: `≤ ${t.maxCoverageDrop} pp`,
        verdict: drop <= t.maxCoverageDrop ? 'pass' : 'fail',
        note: `base ${pct(base)} → ${pct(lineCov)}`,
      });
    }
  }
  if (t.maxTestFailures !== undefined && facts.tests) {
    const { failed, errors, total } = facts.tests;
    atMost(
      'max-test-failures',
      'Failed tests',
      failed + errors,
      t.maxTestFailures,
      `${failed} failed, ${errors} errors of ${total}`,
    );
  }
  if (t.maxLintFindings !== undefined)
    atMost('max-lint-findings', 'Lint findings', facts.lintFindings, t.maxLintFindings);
  if (t.maxNewLintFindings !== undefined) {
    atMost(
      'max-new-lint-findings',
      'New lint findings (changed lines)',
      facts.newLintFindings,
      t.maxNewLintFindings,
      facts.newLintFindings === undefined ? (facts.noDiffReason ?? 'no diff') : '',
    );
  }
  if (t.maxTypeErrors !== undefined) atMost('max-type-errors', 'Type errors', facts.typeErrors, t.maxTypeErrors);
  if (t.requireFormatted) {
    const n = facts.filesToReformat;
    add({
      id: 'require-formatted',
      metric: 'Files to reformat',
      value: n,
      shown: n === undefined ? 'n/a' : String(n),
      threshold: '= 0',
      verdict: n === undefined ? 'skipped' : n === 0 ? 'pass' : 'fail',
      note: n === undefined ? 'no formatter report (black --check)' : '',
    });
  }
  return out;
}

export function gateStatus(conditions: readonly ConditionResult[]): 'passed' | 'failed' {
  return conditions.some((c) => c.verdict === 'fail') ? 'failed' : 'passed';
}
