import { shiftTest } from './shift-test.js';

/**
 * A Kayenta-like canary judge: per metric, canary and baseline samples are compared with a
 * Mann-Whitney U test; a difference counts only when it is statistically significant (the
 * confidence interval of the Hodges-Lehmann shift excludes 0) AND practically large (the ratio
 * of means leaves the allowed band). Metrics are then scored as Kayenta scores a group.
 */

export type Direction = 'increase' | 'decrease' | 'either';
export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';

export interface CompareOptions {
  /** Which change is bad: latency and errors are bad when they increase. */
  direction: Direction;
  /** Confidence of the interval (Kayenta: 0.98). */
  confidence?: number;
  /** canary/baseline mean ratio tolerated upwards (1.2 = +20 %) before High counts. */
  allowedIncrease?: number;
  /** … and downwards (0.8 = −20 %) before Low counts. */
  allowedDecrease?: number;
  /** Drop values beyond factor × IQR from the quartiles, per sample (Kayenta: 3); 0 disables. */
  outlierFactor?: number;
  /** NaN values: removed (Kayenta's default) or replaced with 0 (for rates where NaN means "no events"). */
  nanStrategy?: 'remove' | 'replace';
  /** Fewest values per side to judge at all. */
  minSamples?: number;
}

export interface SampleStats {
  n: number;
  mean: number;
  median: number;
}

export interface Comparison {
  classification: Classification;
  /** Whether this classification is a failure for the metric's direction. */
  failed: boolean;
  reason: string;
  pValue?: number;
  /** Hodges-Lehmann shift canary − baseline and its interval. */
  estimate?: number;
  interval?: [number, number];
  /** Ratio of means canary / baseline. */
  effectSize?: number;
  canary: SampleStats;
  baseline: SampleStats;
}

function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** Cleans one sample: NaN strategy, ±Inf dropped, IQR outliers removed. */
export function cleanSample(
  values: readonly number[],
  options: Pick<CompareOptions, 'nanStrategy' | 'outlierFactor'>,
): number[] {
  const replaced = values
    .map((v) => (Number.isNaN(v) && options.nanStrategy === 'replace' ? 0 : v))
    .filter(Number.isFinite);
  const factor = options.outlierFactor ?? 3;
  if (factor <= 0 || replaced.length < 4) return replaced;
  const sorted = [...replaced].sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  return replaced.filter((v) => v >= q1 - factor * iqr && v <= q3 + factor * iqr);
}

function medianOfSorted(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function stats(values: readonly number[]): SampleStats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  return { n: values.length, mean, median: values.length ? medianOfSorted(sorted) : Number.NaN };
}

export function compareSamples(
  canaryIn: readonly number[],
  baselineIn: readonly number[],
  options: CompareOptions,
): Comparison {
  const canaryValues = cleanSample(canaryIn, options);
  const baselineValues = cleanSample(baselineIn, options);
  const canary = stats(canaryValues);
  const baseline = stats(baselineValues);
  const minSamples = options.minSamples ?? 3;
  if (canary.n < minSamples || baseline.n < minSamples) {
    return {
      classification: 'NoData',
      failed: false,
      reason: `too few values to compare (canary ${canary.n}, baseline ${baseline.n}; need ${minSamples} each)`,
      canary,
      baseline,
    };
  }
  const confidence = options.confidence ?? 0.98;
  const allowedIncrease = options.allowedIncrease ?? 1;
  const allowedDecrease = options.allowedDecrease ?? 1;
  const test = shiftTest(canaryValues, baselineValues, confidence);
  const effectSize =
    baseline.mean === 0
      ? canary.mean === 0
        ? 1
        : Math.sign(canary.mean) * Number.POSITIVE_INFINITY
      : canary.mean / baseline.mean;
  const [lo, hi] = test.interval;
  let classification: Classification = 'Pass';
  let why = `the ${Math.round(confidence * 100)}% interval [${fmt(lo)}, ${fmt(hi)}] of the shift contains 0`;
  if (lo > 0) {
    if (effectSize > allowedIncrease) {
      classification = 'High';
      why = `significantly higher (interval [${fmt(lo)}, ${fmt(hi)}] > 0) and mean ratio ${fmt(effectSize)} > allowed ${allowedIncrease}`;
    } else why = `higher but within the allowed increase (mean ratio ${fmt(effectSize)} ≤ ${allowedIncrease})`;
  } else if (hi < 0) {
    if (effectSize < allowedDecrease) {
      classification = 'Low';
      why = `significantly lower (interval [${fmt(lo)}, ${fmt(hi)}] < 0) and mean ratio ${fmt(effectSize)} < allowed ${allowedDecrease}`;
    } else why = `lower but within the allowed decrease (mean ratio ${fmt(effectSize)} ≥ ${allowedDecrease})`;
  }
  const failed =
    (classification === 'High' && options.direction !== 'decrease') ||
    (classification === 'Low' && options.direction !== 'increase');
  return {
    classification,
    failed,
    reason: why,
    pValue: test.pValue,
    estimate: test.estimate,
    interval: test.interval,
    effectSize,
    canary,
    baseline,
  };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

export interface ScoredMetric {
  name: string;
  comparison: Comparison;
  /** A failed critical metric makes the whole score 0 (Kayenta's `critical`). */
  critical?: boolean;
  /** Shown, never scored (Kayenta's report-only criticality). */
  reportOnly?: boolean;
}

export interface JudgeScore {
  /** 0–100: passing share of the judged metrics. */
  score: number;
  classification: 'Pass' | 'Marginal' | 'Fail' | 'NoData';
  reason: string;
}

/** Kayenta's scoring: pass / (pass + high + low) × 100; a critical failure gives 0; compared with pass and marginal bounds. */
export function scoreMetrics(
  metrics: readonly ScoredMetric[],
  thresholds: { pass: number; marginal: number } = { pass: 95, marginal: 75 },
): JudgeScore {
  const judged = metrics.filter((m) => !m.reportOnly && m.comparison.classification !== 'NoData');
  if (judged.length === 0) return { score: 0, classification: 'NoData', reason: 'no metric had enough data to judge' };
  const criticalFailure = judged.find((m) => m.critical && m.comparison.failed);
  const passed = judged.filter((m) => !m.comparison.failed).length;
  const score = criticalFailure ? 0 : (passed / judged.length) * 100;
  const classification = score >= thresholds.pass ? 'Pass' : score >= thresholds.marginal ? 'Marginal' : 'Fail';
  const reason = criticalFailure
    ? `critical metric ${criticalFailure.name} failed (${criticalFailure.comparison.classification})`
    : `${passed} of ${judged.length} metric(s) pass; score ${fmt(score)} vs pass ${thresholds.pass}, marginal ${thresholds.marginal}`;
  return { score, classification, reason };
}
