/**
 * Mann-Whitney U test with the Hodges-Lehmann shift estimate and its distribution-free (Moses)
 * confidence interval — the statistics behind Kayenta's NetflixACAJudge. Pure numerics.
 */

/** Standard normal CDF: erf by its Maclaurin series near 0, erfc by a continued fraction in the tails. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Number.POSITIVE_INFINITY) return 1;
  if (z === Number.NEGATIVE_INFINITY) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  let erfc: number;
  if (x < 2.5) {
    // Maclaurin series of erf: converges fast for small x.
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Lentz continued fraction for erfc at large x.
    let f = x;
    let c = x;
    let d = 0;
    for (let k = 1; k < 300; k++) {
      const a = k / 2;
      d = x + a * d;
      d = d === 0 ? 1e-300 : 1 / d;
      c = x + a / c;
      if (c === 0) c = 1e-300;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    erfc = Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
  }
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((acc, coef) => acc * x + coef, 0);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

export interface MannWhitneyResult {
  /** U of the first sample (canary): how often a canary value exceeds a baseline value (ties count ½). */
  u: number;
  /** Two-sided p-value (normal approximation with tie and continuity correction). */
  pValue: number;
  /** Hodges-Lehmann estimate of the shift canary − baseline: the median of all pairwise differences. */
  estimate: number;
  /** Confidence interval of the shift at the requested confidence. */
  interval: [number, number];
  n1: number;
  n2: number;
}

/** Ranks with ties averaged; returns the tie-correction term Σ(t³ − t) too. */
function rank(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]?.[1] ?? 0] = avg;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return n % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** Largest sample kept per side: the Hodges-Lehmann step sorts n1·n2 differences. */
export const MAX_SAMPLES = 1_000;

/**
 * Two-sided Mann-Whitney U test of canary against baseline. Both samples must hold at least
 * one finite number; samples longer than MAX_SAMPLES are thinned evenly.
 */
export function mannWhitney(canaryIn: readonly number[], baselineIn: readonly number[], confidence = 0.98): MannWhitneyResult {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const canary = thin(canaryIn.filter(Number.isFinite));
  const baseline = thin(baselineIn.filter(Number.isFinite));
  const n1 = canary.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('both samples need at least one finite value');
  const { ranks, tieTerm } = rank([...canary, ...baseline]);
  const r1 = ranks.slice(0, n1).reduce((a, b) => a + b, 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  let pValue = 1;
  if (variance > 0) {
    const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
    pValue = Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
  }
  // A typed array sorts numerically in native code: ~10× faster than Array#sort for n1·n2 = 10⁶.
  const diffs = new Float64Array(n1 * n2);
  let at = 0;
  for (const c of canary) for (const b of baseline) diffs[at++] = c - b;
  diffs.sort();
  const estimate = median(diffs);
  // Moses interval: the k-th smallest and k-th largest differences, k from the U distribution.
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.max(1, Math.floor(mean - z * Math.sqrt(Math.max(variance, 0))));
  const lo = diffs[Math.min(k, diffs.length) - 1] ?? estimate;
  const hi = diffs[Math.max(diffs.length - k, 0)] ?? estimate;
  return { u, pValue, estimate, interval: [lo, hi], n1, n2 };
}

function thin(values: number[]): number[] {
  if (values.length <= MAX_SAMPLES) return values;
  const step = values.length / MAX_SAMPLES;
  return Array.from({ length: MAX_SAMPLES }, (_, i) => values[Math.floor(i * step)] ?? 0);
}

export { median as medianOfSorted };
