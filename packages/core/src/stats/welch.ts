import { studentTQuantile, studentTUpper } from './distributions.js';

/** Mean, standard deviation and count of one side, as summary-only reports give them. */
export interface SummaryStats {
  mean: number;
  sd: number;
  n: number;
}

export interface WelchResult {
  t: number;
  df: number;
  /** P(T ≥ t): evidence that current has the larger mean. */
  pGreater: number;
  pLess: number;
  /** Relative change of the mean, current/baseline − 1, with a delta-method interval. */
  change: number;
  lower: number;
  upper: number;
}

/**
 * Welch's unequal-variances t-test on two summaries (scipy.stats.ttest_ind_from_stats with
 * equal_var=False). The interval of the ratio of means uses the delta method on the log
 * ratio, with Welch's degrees of freedom.
 */
export function welch(baseline: SummaryStats, current: SummaryStats, confidence: number): WelchResult {
  const v1 = (baseline.sd * baseline.sd) / baseline.n;
  const v2 = (current.sd * current.sd) / current.n;
  const se = Math.sqrt(v1 + v2);
  const diff = current.mean - baseline.mean;
  const change = current.mean / baseline.mean - 1;
  if (se === 0) {
    // Both sides constant: a difference is certain, no difference is no evidence.
    return {
      t: diff === 0 ? 0 : Math.sign(diff) * Infinity,
      df: Infinity,
      pGreater: diff > 0 ? 0 : 1,
      pLess: diff < 0 ? 0 : 1,
      change,
      lower: change,
      upper: change,
    };
  }
  const df = (v1 + v2) ** 2 / ((v1 * v1) / (baseline.n - 1) + (v2 * v2) / (current.n - 1));
  const t = diff / se;
  const pGreater = studentTUpper(t, df);
  const pLess = studentTUpper(-t, df);
  let lower = Number.NaN;
  let upper = Number.NaN;
  if (baseline.mean > 0 && current.mean > 0) {
    const seLog = Math.sqrt(v1 / (baseline.mean * baseline.mean) + v2 / (current.mean * current.mean));
    const q = studentTQuantile(1 - (1 - confidence) / 2, df);
    const logRatio = Math.log(current.mean / baseline.mean);
    lower = Math.exp(logRatio - q * seLog) - 1;
    upper = Math.exp(logRatio + q * seLog) - 1;
  }
  return { t, df, pGreater, pLess, change, lower, upper };
}

/**
 * Prediction test of one new value against earlier single values (Bencher's t-test model):
 * t = (x − mean) / (sd · √(1 + 1/k)) with k − 1 degrees of freedom. Used when a benchmark
 * reports one number per run and the history holds its earlier runs.
 */
export function predictionTest(
  history: readonly number[],
  value: number,
): { t: number; df: number; pGreater: number; pLess: number } {
  const k = history.length;
  const mean = history.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  const scale = sd * Math.sqrt(1 + 1 / k);
  if (scale === 0) {
    const d = value - mean;
    return { t: d === 0 ? 0 : Math.sign(d) * Infinity, df: k - 1, pGreater: d > 0 ? 0 : 1, pLess: d < 0 ? 0 : 1 };
  }
  const t = (value - mean) / scale;
  return { t, df: k - 1, pGreater: studentTUpper(t, k - 1), pLess: studentTUpper(-t, k - 1) };
}
