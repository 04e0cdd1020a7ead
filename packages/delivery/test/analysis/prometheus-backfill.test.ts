import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prometheusAvailable, startPrometheus, type RunningPrometheus } from '@spikeformer-actions/testing/prometheus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparisons, type ComparisonSpec } from '../../src/analysis/compare.js';
import { defaultAnalysis, type DefaultAnalysisOptions } from '../../src/analysis/default-analysis.js';
import { PrometheusClient } from '../../src/analysis/prometheus-client.js';
import { PrometheusError } from '../../src/analysis/prometheus-response.js';
import { runAnalysis, virtualClock } from '../../src/analysis/run.js';
import { parseAnalysis } from '../../src/analysis/spec.js';
import type { AnalysisResult, AnalysisSpec, MetricResult } from '../../src/analysis/types.js';

/*
 * The analysis engine against Debian's real Prometheus, on backfilled data whose values are exact
 * by construction (fixtures/generate.ts): stable and good canaries at 1 % errors and p99 0.049625 s,
 * a canary at 10 % errors, one at p99 0.24775 s (4.99×), one idle (0/0 = NaN), one with up = 0,
 * and a service with no series at all. Queries run at fixed instants inside the data.
 */

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'canary-analysis.om');
const AT = 1_700_000_600_000; // 10 minutes into the data: both the 5m and 10m windows are full
const available = prometheusAvailable();

const QUICK: DefaultAnalysisOptions = { intervalMs: 30_000, count: 3 };
const vars = (canary: string) => ({ namespace: 'shop', service: 'api', stable: 'api-stable', canary });
const metric = (r: AnalysisResult, name: string): MetricResult => {
  const m = r.metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name}`);
  return m;
};

describe.skipIf(!available)('analysis against a real Prometheus with backfilled data', { timeout: 60_000 }, () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;
  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: [readFileSync(FIXTURE, 'utf8')] });
    client = new PrometheusClient({ address: prometheus.url, timeoutMs: 5_000 });
  }, 60_000);
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
    await prometheus?.close();
  });

  const analyse = (canary: string, spec: AnalysisSpec = { metrics: defaultAnalysis(QUICK), onError: 'fail' }) =>
    runAnalysis(spec, { source: client, vars: vars(canary), clock: virtualClock(AT) });

  it('good canary: every default metric successful, with the exact values and resolved queries kept', async () => {
    const r = await analyse('api-canary-good');
    expect(r.verdict).toBe('Successful');
    const errors = metric(r, 'error-rate');
    expect(errors.verdict).toBe('Successful');
    expect(errors.measurements).toHaveLength(3);
    expect(errors.measurements.map((m) => m.at)).toEqual([AT, AT + 30_000, AT + 60_000]);
    expect(errors.measurements[0]?.values[0]?.value).toBeCloseTo(0.01, 12);
    expect(errors.measurements[0]?.query).toBe(
      '(sum(rate(http_requests_total{namespace="shop",service="api-canary-good",code=~"5.."}[300s])) or vector(0))' +
        ' / sum(rate(http_requests_total{namespace="shop",service="api-canary-good"}[300s]))',
    );
    expect(errors.measurements[0]?.reason).toBe('[0.01] meets the success condition {max 0.05}');
    expect(metric(r, 'latency-p99').measurements[0]?.values[0]?.value).toBeCloseTo(1, 12);
    expect(metric(r, 'health-checks').measurements[0]?.values[0]?.value).toBe(0);
  });

  it('bad canary (10 % errors): error-rate fails at the first measurement and the run fails', async () => {
    const r = await analyse('api-canary-errors');
    expect(r.verdict).toBe('Failed');
    const errors = metric(r, 'error-rate');
    expect(errors.verdict).toBe('Failed');
    expect(errors.measurements).toHaveLength(1);
    expect(errors.measurements[0]?.values[0]?.value).toBeCloseTo(0.1, 12);
    expect(errors.reason).toBe('1 failed measurement(s) exceed failure-limit 0');
  });

  it('slow canary (p99 4.99× stable): latency-p99 fails', async () => {
    const r = await analyse('api-canary-slow');
    expect(r.verdict).toBe('Failed');
    const latency = metric(r, 'latency-p99');
    expect(latency.verdict).toBe('Failed');
    expect(latency.measurements[0]?.values[0]?.value).toBeCloseTo(0.24775 / 0.049625, 9);
  });

  it('unhealthy canary (every health check failed): health-checks fails', async () => {
    const r = await analyse('api-canary-down');
    expect(r.verdict).toBe('Failed');
    expect(metric(r, 'health-checks').measurements[0]?.values[0]?.value).toBe(1);
    expect(metric(r, 'health-checks').verdict).toBe('Failed');
  });

  for (const [policy, verdict] of [
    ['inconclusive', 'Inconclusive'],
    ['fail', 'Failed'],
    ['pass', 'Successful'],
  ] as const) {
    it(`empty vector (no series for the canary) with on-no-data ${policy} → ${verdict}`, async () => {
      const r = await analyse('api-canary-missing', {
        metrics: defaultAnalysis({ ...QUICK, onNoData: policy }),
        onError: 'fail',
      });
      expect(r.verdict).toBe(verdict);
      // With fail, the first failed metric stops the others, which may not have measured yet.
      const measured = r.metrics.filter((m) => m.measurements.length > 0);
      expect(measured.length).toBeGreaterThan(0);
      for (const m of measured) {
        expect(m.measurements[0]).toMatchObject({ values: [], noData: 'empty', verdict });
        expect(m.measurements[0]?.reason).toBe(`no data: empty result (no series matched); on-no-data is ${policy}`);
      }
    });

    it(`NaN (0/0 of an idle canary) with on-no-data ${policy} → ${verdict}`, async () => {
      const r = await analyse('api-canary-idle', {
        metrics: defaultAnalysis({ ...QUICK, onNoData: policy }).slice(0, 2),
        onError: 'fail',
      });
      expect(r.verdict).toBe(verdict);
      const measured = r.metrics.filter((m) => m.measurements.length > 0);
      expect(measured.length).toBeGreaterThan(0);
      for (const m of measured) {
        expect(m.measurements[0]?.noData).toBe('NaN');
        expect(Number.isNaN(m.measurements[0]?.values[0]?.value)).toBe(true);
      }
    });
  }

  it('the default on-no-data is inconclusive: a missing canary never passes by default', async () => {
    const r = await analyse('api-canary-missing');
    expect(r.verdict).toBe('Inconclusive');
  });

  for (const onError of ['fail', 'inconclusive'] as const) {
    it(`query error (PromQL parse error, HTTP 400): every measurement errors, never success; on-error ${onError}`, async () => {
      const parsed = parseAnalysis({
        'on-error': onError,
        metrics: [
          {
            name: 'broken',
            query: 'sum(rate(http_requests_total{service="{{ canary }}"}[5m])',
            success: { max: 1 },
            count: 5,
            interval: '30s',
            'consecutive-error-limit': 2,
          },
        ],
      });
      if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
      const r = await analyse('api-canary-good', parsed.value);
      const broken = metric(r, 'broken');
      expect(broken.verdict).toBe('Error');
      expect(broken.measurements).toHaveLength(3);
      expect(broken.measurements.every((m) => m.verdict === 'Error')).toBe(true);
      expect(broken.measurements[0]?.reason).toMatch(
        /^Prometheus bad_data \(HTTP 400\): invalid parameter "query": .*unclosed left parenthesis/,
      );
      expect(r.verdict).toBe(onError === 'fail' ? 'Failed' : 'Inconclusive');
    });
  }

  it('a query giving a range vector is an error measurement', async () => {
    const parsed = parseAnalysis([
      {
        name: 'matrix',
        query: 'http_requests_total{service="{{ canary }}"}[1m]',
        success: { max: 1 },
        'consecutive-error-limit': 0,
      },
    ]);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const r = await analyse('api-canary-good', parsed.value);
    expect(metric(r, 'matrix').measurements[0]?.reason).toMatch(/range vector \(matrix\)/);
    expect(r.verdict).toBe('Failed');
  });

  it('expression conditions see every series: a per-code breakdown judged with max() and len()', async () => {
    const parsed = parseAnalysis([
      {
        name: 'per-code',
        query: 'sum by (code) (rate(http_requests_total{namespace="{{ namespace }}",service="{{ canary }}"}[5m]))',
        success: 'len(result) == 2 && min(result) > 0',
        failure: 'max(result) > 100',
      },
    ]);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const good = await analyse('api-canary-good', parsed.value);
    expect(good.verdict).toBe('Successful');
    const values = metric(good, 'per-code').measurements[0]?.values ?? [];
    expect(values.map((v) => [v.labels['code'], v.value]).sort()).toEqual([
      ['200', 49.5],
      ['500', 0.5],
    ]);
  });

  it('the client reads instant and range results, and reports Prometheus errors with their type', async () => {
    const scalar = await client.instant('scalar(sum(up{namespace="shop"}))', { timeMs: AT });
    expect(scalar).toEqual({ resultType: 'scalar', samples: [{ labels: {}, value: 5, time: AT / 1000 }] });
    const range = await client.range('sum(up{namespace="shop"})', AT - 60_000, AT, 30_000);
    expect(range.resultType).toBe('matrix');
    if (range.resultType === 'matrix')
      expect(range.series[0]?.points).toEqual([
        { time: AT / 1000 - 60, value: 5 },
        { time: AT / 1000 - 30, value: 5 },
        { time: AT / 1000, value: 5 },
      ]);
    const err = await client
      .instant('rate(up[5m]) / on(nonexistent) group_left up', { timeMs: AT })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect(err).toMatchObject({ status: 422, errorType: 'execution' });
    expect((err as PrometheusError).message).toMatch(/^Prometheus execution \(HTTP 422\): /);
  });

  it("the Mann-Whitney judge flags the slow canary's p99 against the stable baseline and passes the good one", async () => {
    const p99 = (track: string) =>
      `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{ namespace }}",service="{{ ${track} }}"}[2m])))`;
    const spec: ComparisonSpec = {
      name: 'p99',
      canaryQuery: p99('canary'),
      baselineQuery: p99('stable'),
      lookbackMs: 5 * 60_000,
      stepMs: 30_000,
      options: { direction: 'increase', allowedIncrease: 1.2 },
      critical: true,
    };
    const slow = await runComparisons([spec], {
      source: client,
      vars: vars('api-canary-slow'),
      clock: virtualClock(AT),
    });
    expect(slow.metrics[0]?.canaryValues).toHaveLength(11);
    expect(slow.metrics[0]?.canaryQuery).toContain('service="api-canary-slow"');
    expect(slow.metrics[0]?.comparison).toMatchObject({ classification: 'High', failed: true });
    expect(slow.metrics[0]?.comparison.effectSize).toBeCloseTo(0.24775 / 0.049625, 9);
    expect(slow.score).toMatchObject({ score: 0, classification: 'Fail' });
    const good = await runComparisons([spec], {
      source: client,
      vars: vars('api-canary-good'),
      clock: virtualClock(AT),
    });
    expect(good.metrics[0]?.comparison).toMatchObject({ classification: 'Pass', failed: false });
    expect(good.score).toMatchObject({ score: 100, classification: 'Pass' });
    const missing = await runComparisons([spec], {
      source: client,
      vars: vars('api-canary-missing'),
      clock: virtualClock(AT),
    });
    expect(missing.score.classification).toBe('NoData');
    const broken = await runComparisons([{ ...spec, canaryQuery: 'rate(' }], {
      source: client,
      vars: vars('api-canary-good'),
      clock: virtualClock(AT),
    });
    expect(broken.metrics[0]?.error).toMatch(/bad_data/);
    expect(broken.score.classification).toBe('NoData');
  });
});
