import { describe, expect, it } from 'vitest';
import { cleanSample, compareSamples, scoreMetrics, type Comparison } from '../../src/analysis/judge.js';
import { shiftTest } from '../../src/analysis/shift-test.js';

// Reference values from SciPy 1.17 (scipy.stats.mannwhitneyu; method named per case). The
// distributions and the U test themselves are tested in core (test/stats.test.ts).
describe('shiftTest (two-sided, canary against baseline)', () => {
  it('matches SciPy with ties inside one sample (asymptotic, continuity-corrected)', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = shiftTest(x, y);
    expect(r.u).toBe(58);
    expect(r.pValue).toBeCloseTo(0.13291945818531892, 10);
  });

  it('matches SciPy with ties across samples, and gives the Hodges-Lehmann shift with its Moses interval', () => {
    const canary = [12, 15, 15, 18, 20, 22, 22, 25, 30, 31, 35, 40];
    const baseline = [10, 11, 12, 12, 13, 14, 15, 15, 16, 17, 18, 19];
    const r = shiftTest(canary, baseline, 0.98);
    expect(r.u).toBe(123.5);
    expect(r.pValue).toBeCloseTo(0.0031289024701353983, 10);
    expect(r.estimate).toBe(8);
    // k = ⌊72 − z₀.₉₉·√297.913⌋ = 31 → the 31st smallest and 31st largest pairwise differences.
    expect(r.interval).toEqual([2, 18]);
  });

  it('without ties and small: the exact p-value (method="exact")', () => {
    const canary = [2.1, 3.4, 1.9, 5.6, 4.4];
    const baseline = [1.1, 0.9, 2.0, 1.5, 1.2, 0.7];
    const r = shiftTest(canary, baseline);
    expect(r.u).toBe(29);
    expect(r.pValue).toBeCloseTo(0.008658008658008658, 12);
  });

  it('gives p = 1 and a zero shift for identical samples', () => {
    const r = shiftTest([5, 5, 5], [5, 5, 5, 5]);
    expect(r.pValue).toBe(1);
    expect(r.interval).toEqual([0, 0]);
  });

  it('ignores non-finite values and refuses empty samples', () => {
    expect(shiftTest([1, Number.NaN, 2], [3, Number.POSITIVE_INFINITY, 4]).n1).toBe(2);
    expect(() => shiftTest([Number.NaN], [1])).toThrow(RangeError);
  });
});

describe('compareSamples (Kayenta-like judge)', () => {
  const baseline = Array.from({ length: 30 }, (_, i) => 100 + ((i * 7) % 11));
  const shifted = (factor: number) => baseline.map((v) => v * factor);

  it('classifies a significant, large increase as High and fails it when increases are bad', () => {
    const c = compareSamples(shifted(1.5), baseline, { direction: 'increase', allowedIncrease: 1.2 });
    expect(c.classification).toBe('High');
    expect(c.failed).toBe(true);
    expect(c.effectSize).toBeCloseTo(1.5, 12);
    expect(c.interval?.[0]).toBeGreaterThan(0);
  });

  it('passes a significant increase that stays inside the allowed band (the effect-size band)', () => {
    const c = compareSamples(shifted(1.1), baseline, { direction: 'increase', allowedIncrease: 1.2 });
    expect(c.classification).toBe('Pass');
    expect(c.pValue).toBeLessThan(0.02);
    expect(c.reason).toMatch(/within the allowed increase/);
  });

  it('classifies a decrease as Low, which fails only for direction decrease or either', () => {
    expect(compareSamples(shifted(0.5), baseline, { direction: 'increase', allowedDecrease: 0.8 })).toMatchObject({
      classification: 'Low',
      failed: false,
    });
    expect(compareSamples(shifted(0.5), baseline, { direction: 'either', allowedDecrease: 0.8 })).toMatchObject({
      classification: 'Low',
      failed: true,
    });
  });

  it('passes samples from the same distribution', () => {
    const other = Array.from({ length: 30 }, (_, i) => 100 + ((i * 5) % 11));
    expect(compareSamples(other, baseline, { direction: 'either' })).toMatchObject({
      classification: 'Pass',
      failed: false,
    });
  });

  it('reports NoData when too few values remain after NaN removal', () => {
    expect(compareSamples([Number.NaN, Number.NaN, 1], baseline, { direction: 'increase' }).classification).toBe(
      'NoData',
    );
    expect(
      compareSamples([Number.NaN, Number.NaN, 1], baseline, { direction: 'increase', nanStrategy: 'replace' }).canary.n,
    ).toBe(3);
  });

  it('removes outliers beyond 3 IQR (Kayenta default)', () => {
    expect(cleanSample([10, 11, 12, 13, 14, 1000], {})).toEqual([10, 11, 12, 13, 14]);
    expect(cleanSample([10, 11, 12, 13, 14, 1000], { outlierFactor: 0 })).toHaveLength(6);
  });
});

describe('scoreMetrics', () => {
  const c = (failed: boolean, classification: Comparison['classification'] = failed ? 'High' : 'Pass'): Comparison => ({
    classification,
    failed,
    reason: '',
    canary: { n: 10, mean: 1, median: 1 },
    baseline: { n: 10, mean: 1, median: 1 },
  });
  it('scores pass/(pass+high+low)×100 and classifies against pass and marginal', () => {
    expect(
      scoreMetrics([
        { name: 'a', comparison: c(false) },
        { name: 'b', comparison: c(false) },
      ]),
    ).toMatchObject({ score: 100, classification: 'Pass' });
    const four = [c(false), c(false), c(false), c(true)].map((comparison, i) => ({ name: `m${i}`, comparison }));
    expect(scoreMetrics(four)).toMatchObject({ score: 75, classification: 'Marginal' });
    expect(scoreMetrics(four, { pass: 70, marginal: 50 }).classification).toBe('Pass');
  });
  it('a failed critical metric scores 0; report-only and NoData metrics are not scored', () => {
    expect(
      scoreMetrics([
        { name: 'a', comparison: c(false) },
        { name: 'lat', comparison: c(true), critical: true },
      ]),
    ).toMatchObject({ score: 0, classification: 'Fail' });
    expect(
      scoreMetrics([
        { name: 'a', comparison: c(false) },
        { name: 'r', comparison: c(true), reportOnly: true },
        { name: 'n', comparison: c(false, 'NoData') },
      ]).score,
    ).toBe(100);
    expect(scoreMetrics([{ name: 'n', comparison: c(false, 'NoData') }]).classification).toBe('NoData');
  });
});
