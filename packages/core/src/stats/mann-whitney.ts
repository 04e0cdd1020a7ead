import { normalUpper } from './distributions.js';

/**
 * Mann-Whitney U test of `current` against `baseline`, one-sided both ways.
 * U counts the pairs where the current sample is larger (ties count half), so a large U means
 * "current is larger". Exact null distribution when there are no ties and the sizes are small
 * (as scipy's method='exact'); otherwise the normal approximation with tie correction and
 * continuity correction (scipy's method='asymptotic', use_continuity=True).
 */
export interface MannWhitneyResult {
  u: number;
  /** P(U ≥ u): evidence that current is larger. */
  pGreater: number;
  /** P(U ≤ u): evidence that current is smaller. */
  pLess: number;
  method: 'exact' | 'asymptotic';
  /** The smallest one-sided p-value these sample sizes (and ties) could ever give. */
  minAttainableP: number;
  /** Standard deviation of U under the null, tie-corrected (used for the confidence interval). */
  sigma: number;
  /** Exact null distribution when used (cumulative, index = U), else undefined. */
  exactCdf: Float64Array | undefined;
  /** Both samples sorted ascending (reused by the shift estimate). */
  sortedBaseline: Float64Array;
  sortedCurrent: Float64Array;
}

const EXACT_MAX_PAIRS = 2500;
// The counts of the exact distribution must stay exact integers in a double.
const EXACT_MAX_ARRANGEMENTS = 2 ** 52;

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

const exactCache = new Map<string, Float64Array>();

/**
 * Cumulative null distribution of U for sizes (m, n): coefficients of the Gaussian binomial
 * [m+n choose m]_q, built as the product over i ≤ m of (1 − q^(n+i)) / (1 − q^i).
 */
export function exactUCdf(m: number, n: number): Float64Array {
  const key = m <= n ? `${m},${n}` : `${n},${m}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  const [a, b] = m <= n ? [m, n] : [n, m];
  const max = a * b;
  const c = new Float64Array(max + 1);
  c[0] = 1;
  for (let i = 1; i <= a; i++) {
    const k = b + i;
    for (let u = max; u >= k; u--) c[u] = c[u]! - c[u - k]!;
    for (let u = i; u <= max; u++) c[u] = c[u]! + c[u - i]!;
  }
  let total = 0;
  for (let u = 0; u <= max; u++) total += c[u]!;
  const cdf = new Float64Array(max + 1);
  let acc = 0;
  for (let u = 0; u <= max; u++) {
    acc += c[u]!;
    cdf[u] = acc / total;
  }
  if (exactCache.size > 64) exactCache.clear();
  exactCache.set(key, cdf);
  return cdf;
}

export function mannWhitney(baseline: ArrayLike<number>, current: ArrayLike<number>): MannWhitneyResult {
  const n1 = baseline.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs at least one value on each side');
  const total = n1 + n2;
  // Sort each side natively, then merge: ranks and tie groups in one pass.
  const x = Float64Array.from(baseline).sort();
  const y = Float64Array.from(current).sort();
  let rankSumCurrent = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  let rank = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    let inX = 0;
    let inY = 0;
    while (i < n1 && x[i] === v) {
      i++;
      inX++;
    }
    while (j < n2 && y[j] === v) {
      j++;
      inY++;
    }
    const t = inX + inY;
    // Average rank of the tie group occupying ranks rank+1 … rank+t.
    rankSumCurrent += inY * (rank + (t + 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
    rank += t;
  }
  const u = rankSumCurrent - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (total + 1 - tieTerm / (total * (total - 1) || 1)));

  const arrangements = Math.exp(logChoose(total, Math.min(n1, n2)));
  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_PAIRS && arrangements <= EXACT_MAX_ARRANGEMENTS) {
    const cdf = exactUCdf(n1, n2);
    const ui = Math.round(u);
    const pLess = cdf[ui]!;
    const pGreater = ui === 0 ? 1 : 1 - cdf[ui - 1]!;
    return {
      u,
      pGreater: clamp(pGreater),
      pLess: clamp(pLess),
      method: 'exact',
      minAttainableP: cdf[0]!,
      sigma,
      exactCdf: cdf,
      sortedBaseline: x,
      sortedCurrent: y,
    };
  }
  if (sigma === 0) {
    // Every value is the same: no evidence either way.
    return {
      u,
      pGreater: 1,
      pLess: 1,
      method: 'asymptotic',
      minAttainableP: 1,
      sigma,
      exactCdf: undefined,
      sortedBaseline: x,
      sortedCurrent: y,
    };
  }
  const pGreater = normalUpper((u - mean - 0.5) / sigma);
  const pLess = normalUpper((mean - u - 0.5) / sigma);
  const minAttainableP = normalUpper((mean - 0.5) / sigma);
  return {
    u,
    pGreater: clamp(pGreater),
    pLess: clamp(pLess),
    method: 'asymptotic',
    minAttainableP,
    sigma,
    exactCdf: undefined,
    sortedBaseline: x,
    sortedCurrent: y,
  };
}

function clamp(p: number): number {
  return Math.min(1, Math.max(0, p));
}
