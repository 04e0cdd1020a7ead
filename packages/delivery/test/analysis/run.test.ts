import { describe, expect, it } from 'vitest';
import { judgeValues } from '../../src/analysis/conditions.js';
import { parseAnalysis } from '../../src/analysis/spec.js';
import { PrometheusError, type QueryResult } from '../../src/analysis/prometheus-response.js';
import { combineVerdicts, runAnalysis, runMetric, virtualClock, type MetricSource } from '../../src/analysis/run.js';
import type { MetricSpec } from '../../src/analysis/types.js';

/** Answers each instant query with the next scripted value (a number list, 'error', or 'matrix'). */
function scripted(
  script: (readonly number[] | 'error' | 'matrix')[],
): MetricSource & { queries: { query: string; timeMs?: number }[] } {
  const queries: { query: string; timeMs?: number }[] = [];
  return {
    queries,
    async instant(query, options): Promise<QueryResult> {
      queries.push({ query, ...(options.timeMs !== undefined ? { timeMs: options.timeMs } : {}) });
      const step = script[Math.min(queries.length - 1, script.length - 1)];
      if (step === 'error') throw new PrometheusError('Prometheus unreachable: ECONNREFUSED', 'unreachable');
      if (step === 'matrix') return { resultType: 'matrix', series: [] };
      return {
        resultType: 'vector',
        samples: (step ?? []).map((value, i) => ({ labels: { pod: `p${i}` }, value, time: 0 })),
      };
    },
  };
}

function metric(raw: Record<string, unknown>): MetricSpec {
  const parsed = parseAnalysis({ metrics: [{ name: 'm', query: 'q{service="{{ canary }}"}', ...raw }] });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const m = parsed.value.metrics[0];
  if (!m) throw new Error('no metric');
  return m;
}

const ctx = (source: MetricSource) => ({
  source,
  vars: { namespace: 'ns', service: 'api', stable: 'api-stable', canary: 'api-canary' },
  clock: virtualClock(1_700_000_000_000),
});

describe('measurement verdicts (Argo semantics + on-no-data)', () => {
  const values = (...v: number[]) => v.map((value) => ({ labels: {}, value }));
  it('failure first; success alone false → Failed; both, neither true → Inconclusive', () => {
    const both = metric({ success: 'result < 0.01', failure: 'result > 0.05' });
    expect(judgeValues(values(0.005), both).verdict).toBe('Successful');
    expect(judgeValues(values(0.07), both).verdict).toBe('Failed');
    expect(judgeValues(values(0.03), both).verdict).toBe('Inconclusive');
    const successOnly = metric({ success: { max: 0.05 } });
    expect(judgeValues(values(0.05), successOnly).verdict).toBe('Successful');
    expect(judgeValues(values(0.0500001), successOnly).verdict).toBe('Failed');
    const failureOnly = metric({ failure: { min: 0.9 } }); // fires once a value drops below 0.9
    expect(judgeValues(values(0.95, 0.91), failureOnly).verdict).toBe('Successful');
    expect(judgeValues(values(0.95, 0.85), failureOnly).verdict).toBe('Failed');
  });

  it('applies on-no-data to empty and all-NaN results, and ignores NaN next to numbers in thresholds', () => {
    for (const [policy, verdict] of [
      ['fail', 'Failed'],
      ['inconclusive', 'Inconclusive'],
      ['pass', 'Successful'],
    ] as const) {
      const m = metric({ success: { max: 1 }, 'on-no-data': policy });
      expect(judgeValues([], m)).toMatchObject({ verdict, noData: 'empty' });
      expect(judgeValues(values(Number.NaN, Number.NaN), m)).toMatchObject({ verdict, noData: 'NaN' });
    }
    expect(judgeValues(values(Number.NaN, 0.5), metric({ success: { max: 1 } })).verdict).toBe('Successful');
    expect(judgeValues(values(Number.POSITIVE_INFINITY), metric({ success: { max: 2 } })).verdict).toBe('Failed');
  });

  it('turns an expression error into an Error measurement, not a verdict', () => {
    const m = metric({ success: 'result[1] < 1' });
    expect(judgeValues(values(0.5), m)).toMatchObject({
      verdict: 'Error',
      reason: expect.stringMatching(/index 1 out of range/),
    });
  });
});

describe('runMetric', () => {
  it('takes count measurements interval apart after the initial delay, each at its scheduled time', async () => {
    const source = scripted([[0.01], [0.02], [0.03]]);
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 3, interval: '30s', 'initial-delay': '1m' }),
      ctx(source),
    );
    expect(r.verdict).toBe('Successful');
    expect(r.query).toBe('q{service="api-canary"}');
    expect(source.queries.map((q) => q.timeMs)).toEqual([1_700_000_060_000, 1_700_000_090_000, 1_700_000_120_000]);
    expect(r.measurements.map((m) => [m.index, m.values[0]?.value, m.verdict])).toEqual([
      [1, 0.01, 'Successful'],
      [2, 0.02, 'Successful'],
      [3, 0.03, 'Successful'],
    ]);
  });

  it('stops at once when failures exceed failure-limit', async () => {
    const source = scripted([[0.01], [0.2], [0.01], [0.3], [0.01]]);
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 5, interval: '10s', 'failure-limit': 1 }),
      ctx(source),
    );
    expect(r.verdict).toBe('Failed');
    expect(r.measurements).toHaveLength(4);
    expect(r.reason).toBe('2 failed measurement(s) exceed failure-limit 1');
  });

  it('tolerates failures within the limit when successes exist', async () => {
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 3, interval: '10s', 'failure-limit': 1 }),
      ctx(scripted([[0.2], [0.01], [0.01]])),
    );
    expect(r.verdict).toBe('Successful');
    expect(r.counts).toMatchObject({ successful: 2, failed: 1 });
  });

  it('never calls a run with only failures within the limit a success (unlike Argo)', async () => {
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 2, interval: '10s', 'failure-limit': 2 }),
      ctx(scripted([[0.2], [0.3]])),
    );
    expect(r.verdict).toBe('Failed');
    expect(r.reason).toBe('no successful measurement (2 failed)');
  });

  it('ends in Inconclusive when inconclusive measurements exceed the limit', async () => {
    const r = await runMetric(
      metric({
        success: 'result < 0.01',
        failure: 'result > 0.05',
        count: 4,
        interval: '10s',
        'inconclusive-limit': 1,
      }),
      ctx(scripted([[0.03]])),
    );
    expect(r.verdict).toBe('Inconclusive');
    expect(r.measurements).toHaveLength(2);
  });

  it('ends in Error after more consecutive errors than consecutive-error-limit; a success resets the streak', async () => {
    const source = scripted([[0.01], 'error', 'error', [0.01], 'error', 'error', 'error']);
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 10, interval: '10s', 'consecutive-error-limit': 2 }),
      ctx(source),
    );
    expect(r.verdict).toBe('Error');
    expect(r.measurements.map((m) => m.verdict)).toEqual([
      'Successful',
      'Error',
      'Error',
      'Successful',
      'Error',
      'Error',
      'Error',
    ]);
    expect(r.reason).toBe('3 consecutive errors exceed consecutive-error-limit 2');
    expect(r.measurements[1]?.reason).toMatch(/ECONNREFUSED/);
  });

  it('an all-errored metric is never Successful, even within the error limit', async () => {
    const r = await runMetric(metric({ success: { max: 0.05 }, count: 2, interval: '10s' }), ctx(scripted(['error'])));
    expect(r.verdict).toBe('Error');
    expect(r.counts.error).toBe(2);
  });

  it('a last measurement that errored makes the metric Error, though earlier ones succeeded', async () => {
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 3, interval: '10s' }),
      ctx(scripted([[0.01], [0.01], 'error'])),
    );
    expect(r.verdict).toBe('Error');
    expect(r.reason).toMatch(/the last measurement errored/);
  });

  it('refuses a range-vector answer as an error measurement', async () => {
    const r = await runMetric(metric({ success: { max: 0.05 } }), ctx(scripted(['matrix'])));
    expect(r.measurements[0]).toMatchObject({
      verdict: 'Error',
      reason: expect.stringMatching(/range vector \(matrix\)/),
    });
  });

  it('is Inconclusive when stopped before count, never Successful', async () => {
    const abort = new AbortController();
    const r = await runMetric(
      metric({ success: { max: 0.05 }, count: 5, interval: '10s' }),
      {
        ...ctx(scripted([[0.01]])),
        onMeasurement: (_, m) => {
          if (m.index === 2) abort.abort();
        },
      },
      abort.signal,
    );
    expect(r.verdict).toBe('Inconclusive');
    expect(r.reason).toBe('stopped after 2 of 5 measurement(s)');
  });
});

describe('runAnalysis', () => {
  it('fails the run at the first failed metric and stops the others', async () => {
    const parsed = parseAnalysis({
      metrics: [
        { name: 'bad', query: 'bad', success: { max: 1 }, count: 3, interval: '10s' },
        { name: 'slow-good', query: 'good', success: { max: 1 }, count: 50, interval: '10s' },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    const source: MetricSource = {
      instant: async (q) => ({
        resultType: 'scalar',
        samples: [{ labels: {}, value: q === 'bad' ? 5 : 0.5, time: 0 }],
      }),
    };
    const r = await runAnalysis(parsed.value, ctx(source));
    expect(r.verdict).toBe('Failed');
    expect(r.reason).toBe('failed: bad');
    const good = r.metrics[1];
    expect(good?.measurements.length).toBeLessThan(50);
    expect(good?.verdict).toBe('Inconclusive');
  });

  it('maps Error through on-error and ranks Failed > Error > Inconclusive > Successful', () => {
    const m = (name: string, verdict: 'Successful' | 'Failed' | 'Inconclusive' | 'Error') => ({
      name,
      verdict,
      query: '',
      reason: '',
      measurements: [],
      counts: { successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveErrors: 0 },
    });
    expect(combineVerdicts({ onError: 'fail' }, [m('a', 'Successful'), m('b', 'Error')])).toEqual({
      verdict: 'Failed',
      reason: 'could not be measured: b; on-error is fail',
    });
    expect(combineVerdicts({ onError: 'inconclusive' }, [m('a', 'Successful'), m('b', 'Error')]).verdict).toBe(
      'Inconclusive',
    );
    expect(combineVerdicts({ onError: 'inconclusive' }, [m('a', 'Failed'), m('b', 'Error')]).verdict).toBe('Failed');
    expect(combineVerdicts({ onError: 'fail' }, [m('a', 'Inconclusive'), m('b', 'Successful')]).verdict).toBe(
      'Inconclusive',
    );
    expect(combineVerdicts({ onError: 'fail' }, [m('a', 'Successful'), m('b', 'Successful')]).verdict).toBe(
      'Successful',
    );
    expect(combineVerdicts({ onError: 'fail' }, []).verdict).toBe('Inconclusive');
  });
});
