import { describe, expect, it } from 'vitest';
import type { Comparison } from '../src/compare.js';
import { buildRun } from '../src/history.js';
import { decideStatus } from '../src/main.js';
import { buildSummary, changeText, commentBody, commentMarker, headline, MAX_COMMENT_CHARS } from '../src/report.js';
import { compareFiles, DEFAULTS } from './helpers.js';

const hostile = 'bench|<img src=x onerror=alert(1)>::set-output name=x::y\n| injected | row |';

function withHostileName(): Comparison {
  const c = compareFiles('reports/pytest-benchmark/base.json', 'reports/pytest-benchmark/slow.json');
  c.results[0] = { ...c.results[0]!, name: hostile };
  return c;
}

describe('report', () => {
  it('status: failed on a regression, passed when only undecided ones remain (unless fail-on-inconclusive), the headline says which', () => {
    const slow = compareFiles('reports/pytest-benchmark/base.json', 'reports/pytest-benchmark/slow.json');
    expect(decideStatus(slow, { failOnMissing: false, failOnInconclusive: false })).toBe('failed');
    const gb = compareFiles(
      'reports/google-benchmark/repetitions-base.json',
      'reports/google-benchmark/repetitions-slow.json',
    );
    expect(decideStatus(gb, { failOnMissing: false, failOnInconclusive: false })).toBe('passed');
    expect(headline('passed', gb)).toBe(
      'Passed, inconclusive: 0 regression(s), 7 inconclusive, 0 improvement(s), 1 unchanged.',
    );
    expect(decideStatus(gb, { failOnMissing: false, failOnInconclusive: true })).toBe('failed');
    const same = compareFiles('reports/pytest-benchmark/base.json', 'reports/pytest-benchmark/base-rerun.json');
    expect(decideStatus(same, { failOnMissing: true, failOnInconclusive: true })).toBe('passed');
    expect(headline('passed', same)).toBe('Passed: 0 regression(s), 0 inconclusive, 0 improvement(s), 6 unchanged.');
  });

  it('change with its interval, signed', () => {
    expect(
      changeText({
        name: 'a',
        unit: 's',
        direction: 'smaller-is-better',
        verdict: 'regression',
        method: 'welch',
        change: 0.123,
        lower: 0.1,
        upper: 0.15,
        reason: '',
      }),
    ).toBe('+12.3% [+10.0%, +15.0%]');
    expect(
      changeText({
        name: 'a',
        unit: 's',
        direction: 'smaller-is-better',
        verdict: 'improvement',
        method: 'welch',
        change: -0.05,
        reason: '',
      }),
    ).toBe('−5.0%');
  });

  it('a hostile benchmark name cannot inject markup, table rows or workflow commands into the summary or the comment', () => {
    const c = withHostileName();
    const run = buildRun([], { id: 'r', timestamp: '2026-11-27T00:00:00Z' });
    const summary = buildSummary(c, [run], DEFAULTS, 'failed').toString();
    expect(summary).not.toContain('<img');
    // The runner never reads commands from the summary file; still, no injected line may start one.
    expect(summary.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
    expect(summary).toContain('::set-output name=x::y'); // shown as written, not hidden
    const body = commentBody(c, DEFAULTS, 'failed', 'bench', 'https://github.com/o/r/actions/runs/1');
    expect(body.startsWith(commentMarker('bench'))).toBe(true);
    expect(body).not.toContain('<img');
    const row = body.split('\n').find((l) => l.includes('onerror'))!;
    // One table row: the name's pipes and newline are neutralised, so the row keeps 7 cells.
    expect(row.split(' | ')).toHaveLength(7);
    expect(body).not.toContain('| injected |');
  });

  it('the comment stays under GitHub’s size limit with thousands of rows', () => {
    const c = withHostileName();
    const many = Array.from({ length: 5000 }, (_, i) => ({
      ...c.results[0]!,
      name: `benchmark_number_${i}_with_a_long_name`,
    }));
    const body = commentBody({ ...c, results: many }, DEFAULTS, 'failed', 'bench');
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toMatch(/\d+ more row\(s\) are in the job summary/);
  });
});
