import { describe, expect, it } from 'vitest';
import { defaultAnalysis, ERROR_RATE_QUERY } from '../../src/analysis/default-analysis.js';
import { parseAnalysis } from '../../src/analysis/spec.js';

describe('parseAnalysis', () => {
  it('reads every Argo knob with kebab-case names and defaults', () => {
    const r = parseAnalysis({
      'on-error': 'inconclusive',
      metrics: [
        {
          name: 'queue',
          query: 'max(queue{service="{{ canary }}"}[{{ window }}])',
          args: { window: '5m' },
          success: 'result[0] < 100',
          failure: { max: 1000 },
          interval: '30s',
          count: 10,
          'initial-delay': '1m',
          'failure-limit': 2,
          'inconclusive-limit': 1,
          'consecutive-error-limit': 3,
          'on-no-data': 'fail',
        },
        { name: 'plain', query: 'up', success: { min: 1 } },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.onError).toBe('inconclusive');
    expect(r.value.metrics[0]).toMatchObject({
      name: 'queue',
      intervalMs: 30_000,
      count: 10,
      initialDelayMs: 60_000,
      failureLimit: 2,
      inconclusiveLimit: 1,
      consecutiveErrorLimit: 3,
      onNoData: 'fail',
      failure: { kind: 'threshold', max: 1000 },
      success: { kind: 'expression', source: 'result[0] < 100' },
    });
    expect(r.value.metrics[1]).toMatchObject({
      count: 1,
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      onNoData: 'inconclusive',
    });
  });

  it('overrides default metrics by name, applies metric-defaults, and drops disabled ones', () => {
    const r = parseAnalysis(
      {
        'metric-defaults': { interval: '10s', count: 3 },
        metrics: [
          { name: 'error-rate', success: { max: 0.02 } },
          { name: 'health-checks', enabled: false },
        ],
      },
      defaultAnalysis(),
    );
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.value.metrics.map((m) => m.name)).toEqual(['error-rate', 'latency-p99']);
    expect(r.value.metrics[0]).toMatchObject({
      query: ERROR_RATE_QUERY,
      success: { max: 0.02 },
      intervalMs: 10_000,
      count: 3,
      args: { window: '300s' },
    });
    expect(r.value.metrics[1]).toMatchObject({ intervalMs: 10_000, count: 3, success: { max: 2 } });
  });

  it('collects every problem, naming where it is', () => {
    const r = parseAnalysis({
      'on-eror': 'fail',
      metrics: [
        { name: 'a', query: 'x{s="{{ canary }}"}[{{ window }}]', succes: 'result < 1' },
        { name: 'b', query: 'x', success: 'result[0] <', 'on-no-data': 'skip', count: 0, interval: 'soon' },
        { name: 'c', query: 'x', success: { max: 'ten' }, failure: 'rate > 1' },
        { name: 'bad name!', query: 'x' },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        'analysis: unknown key on-eror (known: metrics, on-error, metric-defaults)',
        expect.stringMatching(/^analysis\.metrics\[0\]: unknown key succes/),
        expect.stringMatching(/^metric a: needs a success and\/or a failure condition/),
        expect.stringMatching(/^metric a: the query uses \{\{ window \}\}, which is neither a run value/),
        expect.stringMatching(/^analysis\.metrics\[1\]\.success: expected a value but found the end of the expression/),
        'analysis.metrics[1].on-no-data: expected one of fail, inconclusive, pass, got "skip"',
        'analysis.metrics[1].count: expected a whole number from 1 to 10000, got 0',
        expect.stringMatching(/^analysis\.metrics\[1\]\.interval: expected a duration/),
        'analysis.metrics[2].success.max: expected a finite number, got "ten"',
        expect.stringMatching(/^analysis\.metrics\[2\]\.failure: unknown name\(s\) rate/),
        expect.stringMatching(/^analysis\.metrics\[3\]\.name: expected a name/),
      ]),
    );
  });

  it('reads a bare list as the metrics, and rejects an empty analysis', () => {
    expect(parseAnalysis([{ name: 'x', query: 'up', success: { min: 1 } }]).ok).toBe(true);
    expect(parseAnalysis({})).toEqual({ ok: false, problems: ['analysis: no metrics left to run'] });
  });
});

describe('defaultAnalysis', () => {
  it('encodes the rollback triggers: 5 % errors over 5m, p99 2× stable over 10m, 50 % health-check failures', () => {
    const [errors, latency, health] = defaultAnalysis();
    expect(errors).toMatchObject({ name: 'error-rate', success: { max: 0.05 }, args: { window: '300s' } });
    expect(latency).toMatchObject({
      name: 'latency-p99',
      success: { max: 2 },
      args: { window: '600s', quantile: '0.99' },
    });
    expect(latency?.query).toContain('service="{{ stable }}"');
    expect(health).toMatchObject({ name: 'health-checks', success: { max: 0.5 }, args: { window: '300s' } });
    expect(errors?.onNoData).toBe('inconclusive');
    expect(defaultAnalysis({ errorRateWindowMs: 1500 })[0]?.args['window']).toBe('1500ms');
  });
});
