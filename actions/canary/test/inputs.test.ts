import { describe, expect, it } from 'vitest';
import { analysisSpec } from '../src/inputs.js';
import { parseWebhooks } from '../src/webhooks.js';

describe('analysis input', () => {
  it('is the CI/CD design’s triggers without an analysis input: 5 % errors over 5m, 2× the stable p99 over 10m, 50 % failed health checks', () => {
    const parsed = analysisSpec(undefined, 'inconclusive');
    if (!parsed.ok) throw new Error(parsed.problem);
    const byName = Object.fromEntries(parsed.value.metrics.map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual(['error-rate', 'latency-p99', 'health-checks']);
    expect(byName['error-rate']?.success).toMatchObject({ kind: 'threshold', max: 0.05 });
    expect(byName['error-rate']?.args).toEqual({ window: '300s' });
    expect(byName['latency-p99']?.success).toMatchObject({ kind: 'threshold', max: 2 });
    expect(byName['latency-p99']?.args).toEqual({ window: '600s', quantile: '0.99' });
    expect(byName['latency-p99']?.query).toContain('service="{{ stable }}"');
    expect(byName['health-checks']?.success).toMatchObject({ kind: 'threshold', max: 0.5 });
    expect(parsed.value.onError).toBe('fail');
    expect(parsed.value.metrics.every((m) => m.onNoData === 'inconclusive')).toBe(true);
  });

  it('applies on-no-data to every metric unless the YAML says otherwise, and merges by name', () => {
    const parsed = analysisSpec(
      {
        metrics: [
          { name: 'error-rate', 'on-no-data': 'pass', success: { max: 0.01 } },
          { name: 'health-checks', enabled: false },
        ],
      },
      'fail',
    );
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.value.metrics.map((m) => [m.name, m.onNoData])).toEqual([
      ['error-rate', 'pass'],
      ['latency-p99', 'fail'],
    ]);
    expect(parsed.value.metrics[0]?.success).toMatchObject({ max: 0.01 });
  });

  it('reports every problem of a bad analysis at once', () => {
    const parsed = analysisSpec({ metrics: [{ name: 'error-rat', query: 'up', sucess: 1 }] }, 'inconclusive');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/unknown key sucess.*needs a success and\/or a failure condition/);
    expect(analysisSpec('just text', 'inconclusive')).toMatchObject({ ok: false });
  });

  it('webhooks: known gates with http(s) URLs only', () => {
    expect(parseWebhooks({ 'pre-step': 'http://127.0.0.1:1/gate' })).toEqual({
      ok: true,
      value: { 'pre-step': 'http://127.0.0.1:1/gate' },
    });
    expect(parseWebhooks({ 'pre-rollout': 'http://x' })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/unknown webhook pre-rollout/),
    });
    expect(parseWebhooks({ rollback: 'ftp://x' })).toMatchObject({ ok: false });
    expect(parseWebhooks(undefined)).toEqual({ ok: true, value: {} });
  });
});
