import { describe, expect, it } from 'vitest';
import { evaluateConditions, type Facts, gateStatus, type Thresholds } from '../src/conditions.js';

const base: Thresholds = { diffCoverageMinLines: 0, requireFormatted: false };
const facts: Facts = {
  coverage: { lines: 1000, linesCovered: 800, branches: 200, branchesCovered: 150 },
  baseCoverage: { lines: 1000, linesCovered: 820, branches: 0, branchesCovered: 0 },
  diff: { measured: 41, covered: 34, branches: 10, branchesCovered: 5 },
  tests: { total: 366, failed: 2, errors: 1, skipped: 3 },
  lintFindings: 12,
  newLintFindings: 2,
  typeErrors: 67,
  filesToReformat: 8,
};

function verdict(t: Partial<Thresholds>, f: Facts = facts) {
  const results = evaluateConditions(f, { ...base, ...t });
  expect(results).toHaveLength(1);
  return results[0];
}

describe('every condition passes and fails', () => {
  it.each([
    ['min-coverage', { minCoverage: 80 }, { minCoverage: 80.01 }],
    ['min-branch-coverage', { minBranchCoverage: 75 }, { minBranchCoverage: 76 }],
    ['min-diff-coverage', { minDiffCoverage: 82.92 }, { minDiffCoverage: 83 }],
    ['max-coverage-drop', { maxCoverageDrop: 2 }, { maxCoverageDrop: 1.99 }],
    ['max-test-failures', { maxTestFailures: 3 }, { maxTestFailures: 2 }],
    ['max-lint-findings', { maxLintFindings: 12 }, { maxLintFindings: 11 }],
    ['max-new-lint-findings', { maxNewLintFindings: 2 }, { maxNewLintFindings: 1 }],
    ['max-type-errors', { maxTypeErrors: 67 }, { maxTypeErrors: 66 }],
  ] as Array<[string, Partial<Thresholds>, Partial<Thresholds>]>)('%s', (id, passing, failing) => {
    expect(verdict(passing)).toMatchObject({ id, verdict: 'pass' });
    expect(verdict(failing)).toMatchObject({ id, verdict: 'fail' });
  });
  it('require-formatted', () => {
    expect(verdict({ requireFormatted: true })).toMatchObject({ id: 'require-formatted', verdict: 'fail', shown: '8' });
    expect(verdict({ requireFormatted: true }, { ...facts, filesToReformat: 0 })).toMatchObject({ verdict: 'pass' });
  });
  it('shows values the way they are compared', () => {
    expect(verdict({ minDiffCoverage: 80 })).toMatchObject({
      shown: '82.93%',
      threshold: '≥ 80%',
      note: '34 of 41 executable changed lines covered',
    });
    expect(verdict({ maxCoverageDrop: 1 })).toMatchObject({
      shown: '-2.00 pp',
      verdict: 'fail',
      note: 'base 82.00% → 80.00%',
    });
    expect(verdict({ maxTestFailures: 0 })).toMatchObject({ shown: '3', note: '2 failed, 1 errors of 366' });
  });
  it('a rise in coverage is no drop', () => {
    const up = { ...facts, baseCoverage: { lines: 1000, linesCovered: 700, branches: 0, branchesCovered: 0 } };
    expect(verdict({ maxCoverageDrop: 0 }, up)).toMatchObject({ shown: '+10.00 pp', verdict: 'pass' });
  });
});

describe('conditions without data are skipped, not passed silently', () => {
  it('no diff (not a pull request)', () => {
    const f: Facts = { ...facts, noDiffReason: 'not a pull request' };
    delete f.diff;
    delete f.newLintFindings;
    expect(verdict({ minDiffCoverage: 80 }, f)).toMatchObject({ verdict: 'skipped', note: 'not a pull request' });
    expect(verdict({ maxNewLintFindings: 0 }, f)).toMatchObject({ verdict: 'skipped', note: 'not a pull request' });
  });
  it('fewer executable changed lines than diff-coverage-min-lines', () => {
    expect(verdict({ minDiffCoverage: 100, diffCoverageMinLines: 50 })).toMatchObject({
      verdict: 'skipped',
      note: 'only 41 executable changed lines (fewer than 50)',
    });
    expect(verdict({ minDiffCoverage: 100, diffCoverageMinLines: 41 })).toMatchObject({ verdict: 'fail' });
  });
  it('no branch data', () => {
    expect(
      verdict(
        { minBranchCoverage: 50 },
        { ...facts, coverage: { lines: 10, linesCovered: 5, branches: 0, branchesCovered: 0 } },
      ),
    ).toMatchObject({
      verdict: 'skipped',
      note: 'the coverage report has no branch data',
    });
  });
  it('no formatter report', () => {
    const f = { ...facts };
    delete f.filesToReformat;
    expect(verdict({ requireFormatted: true }, f)).toMatchObject({ verdict: 'skipped' });
  });
});

describe('gate status', () => {
  it('fails when any condition fails, passes with passes and skips', () => {
    const all = evaluateConditions(facts, { ...base, minCoverage: 50, maxTypeErrors: 0 });
    expect(gateStatus(all)).toBe('failed');
    expect(gateStatus(evaluateConditions(facts, { ...base, minCoverage: 50, minBranchCoverage: 10 }))).toBe('passed');
    expect(gateStatus([])).toBe('passed');
  });
});
