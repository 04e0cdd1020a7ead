import { describe, expect, it } from 'vitest';
import { judgeRows, measurementLine, measurementRows, metricRows } from '../../src/analysis/report.js';
import type { AnalysisResult } from '../../src/analysis/types.js';

const result: AnalysisResult = {
  verdict: 'Failed',
  reason: 'failed: error-rate',
  startedAt: 0,
  finishedAt: 1,
  metrics: [
    {
      name: 'error-rate',
      query: 'q{service="c"}',
      verdict: 'Failed',
      reason: '1 failed measurement(s) exceed failure-limit 0',
      counts: { successful: 1, failed: 1, inconclusive: 0, error: 0, consecutiveErrors: 0 },
      measurements: [
        {
          index: 1,
          at: 1_700_000_600_000,
          query: 'q{service="c"}',
          values: [{ labels: { code: '500' }, value: 0.01 }],
          verdict: 'Successful',
          reason: 'ok',
        },
        {
          index: 2,
          at: 1_700_000_630_000,
          query: 'q{service="c"}',
          values: [],
          verdict: 'Inconclusive',
          reason: 'no data',
          noData: 'empty',
        },
        {
          index: 3,
          at: 1_700_000_660_000,
          query: 'q{service="c"}',
          values: [{ labels: {}, value: Number.NaN }],
          verdict: 'Failed',
          reason: 'x',
        },
      ],
    },
  ],
};

describe('summary rows', () => {
  it('keep the resolved query, each value with its labels, and each verdict', () => {
    expect(metricRows(result)).toEqual([
      [
        'error-rate',
        'Failed',
        '1 ok / 1 failed / 0 inconclusive / 0 error',
        '1 failed measurement(s) exceed failure-limit 0',
        'q{service="c"}',
      ],
    ]);
    const [metric] = result.metrics;
    if (!metric) throw new Error('no metric');
    expect(measurementRows(metric)).toEqual([
      ['1', '2023-11-14T22:23:20.000Z', '{code="500"} 0.01', 'Successful', 'ok'],
      ['2', '2023-11-14T22:23:50.000Z', '(empty)', 'Inconclusive', 'no data'],
      ['3', '2023-11-14T22:24:20.000Z', 'NaN', 'Failed', 'x'],
    ]);
    const first = metric.measurements[0];
    if (!first) throw new Error('no measurement');
    expect(measurementLine('error-rate', first)).toBe(
      'error-rate #1 at 2023-11-14T22:23:20.000Z: {code="500"} 0.01 → Successful (ok)',
    );
  });

  it('show the judge comparison figures', () => {
    const rows = judgeRows({
      score: { score: 0, classification: 'Fail', reason: '' },
      metrics: [
        {
          name: 'p99',
          canaryQuery: 'a',
          baselineQuery: 'b',
          canaryValues: [],
          baselineValues: [],
          critical: true,
          comparison: {
            classification: 'High',
            failed: true,
            reason: 'r',
            pValue: 0.000123,
            effectSize: 2.5,
            canary: { n: 10, mean: 0.25, median: 0.25 },
            baseline: { n: 10, mean: 0.1, median: 0.1 },
          },
        },
      ],
    });
    expect(rows).toEqual([['p99 (critical)', 'High ✗', '10 / 0.25', '10 / 0.1', '2.5', '1.23e-4', 'r']]);
  });
});
