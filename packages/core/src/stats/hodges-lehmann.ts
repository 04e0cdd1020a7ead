import { normalQuantile } from './distributions.js';
import type { MannWhitneyResult } from './mann-whitney.js';

/**
 * Hodges-Lehmann shift estimate (median of all pairwise differences current − baseline) and
 * its distribution-free confidence interval (Moses), the interval that inverts the
 * Mann-Whitney test. Order statistics of the n·m differences are found by bisection over the
 * value with an O(n + m) count per step, so 100 × 100 samples need no 10,000-element array
 * and 2,000 × 2,000 samples stay cheap.
 */
export interface ShiftEstimate {
  estimate: number;
  lower: number;
  upper: number;
  /** The confidence actually reached (small samples may not reach the one asked for). */
  confidence: number;
}

/** Number of pairs with current[j] − baseline[i] ≤ t (both arrays sorted ascending). */
function countAtMost(x: Float64Array, y: Float64Array, t: number): number {
  let count = 0;
  let i = 0;
  for (let j = 0; j < y.length; j++) {
    const bound = y[j]! - t;
    while (i < x.length && x[i]! < bound) i++;
    count += x.length - i;
  }
  return count;
}

/** The differences in (lo, hi], sorted (the bracket holds few of them when this is called). */
function differencesBetween(x: Float64Array, y: Float64Array, lo: number, hi: number): Float64Array {
  const out: number[] = [];
  let first = 0;
  let last = 0;
  for (let j = 0; j < y.length; j++) {
    // lo < y[j] − x[i] ≤ hi  ⇔  y[j] − hi ≤ x[i] < y[j] − lo; both bounds rise with j.
    const from = y[j]! - hi;
    const to = y[j]! - lo;
    while (first < x.length && x[first]! < from) first++;
    if (last < first) last = first;
    while (last < x.length && x[last]! < to) last++;
    for (let i = first; i < last; i++) out.push(y[j]! - x[i]!);
  }
  return Float64Array.from(out).sort();
}

/**
 * The k-th smallest (1-based) of the differences y[j] − x[i], exactly: the bracket
 * (lo, hi] with count(lo) < k ≤ count(hi) is narrowed by interpolating on the counts (with a
 * bisection every third step so it cannot stall), until few enough differences remain to list.
 */
export function kthDifference(x: Float64Array, y: Float64Array, k: number): number {
  const total = x.length * y.length;
  if (k < 1 || k > total) throw new RangeError(`order statistic ${k} outside 1..${total}`);
  let lo = y[0]! - x[x.length - 1]!;
  let hi = y[y.length - 1]! - x[0]!;
  if (k === total) return hi;
  let countLo = countAtMost(x, y, lo);
  if (countLo >= k) return lo;
  let countHi = total;
  const few = 64;
  for (let step = 0; step < 200 && countHi - countLo > few; step++) {
    let t = step % 3 === 2 ? lo + (hi - lo) / 2 : lo + ((hi - lo) * (k - countLo - 0.5)) / (countHi - countLo);
    if (!(t > lo && t < hi)) t = lo + (hi - lo) / 2;
    if (!(t > lo && t < hi)) break;
    const c = countAtMost(x, y, t);
    if (c >= k) {
      hi = t;
      countHi = c;
    } else {
      lo = t;
      countLo = c;
    }
  }
  const candidates = differencesBetween(x, y, lo, hi);
  return candidates[k - countLo - 1]!;
}

/** The k-th and (k+1)-th smallest differences (the two middle ones of an even count). */
function kthAndNext(x: Float64Array, y: Float64Array, k: number): [number, number] {
  return [kthDifference(x, y, k), kthDifference(x, y, k + 1)];
}

function sorted(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}

/**
 * Shift of `current` relative to `baseline` with a two-sided interval at `confidence`.
 * `test` is the Mann-Whitney result on the same data (its null distribution gives the ranks).
 */
export function hodgesLehmann(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  test: MannWhitneyResult,
  confidence: number,
): ShiftEstimate {
  const x = test.sortedBaseline.length === baseline.length ? test.sortedBaseline : sorted(baseline);
  const y = test.sortedCurrent.length === current.length ? test.sortedCurrent : sorted(current);
  const total = x.length * y.length;
  let estimate: number;
  if (total % 2 === 1) {
    estimate = kthDifference(x, y, (total + 1) / 2);
  } else {
    const [a, b] = kthAndNext(x, y, total / 2);
    estimate = (a + b) / 2;
  }
  const tail = (1 - confidence) / 2;
  // k: the largest count with P(U ≤ k − 1) ≤ tail; the interval is [d(k), d(N − k + 1)].
  let k: number;
  let reached: number;
  if (test.exactCdf) {
    const cdf = test.exactCdf;
    let c = -1;
    while (c + 1 < cdf.length && cdf[c + 1]! <= tail) c++;
    k = c + 1;
    reached = k >= 1 ? 1 - 2 * cdf[k - 1]! : 0;
  } else {
    k = Math.floor(total / 2 - normalQuantile(1 - tail) * test.sigma);
    reached = confidence;
  }
  if (k < 1) {
    // Too few samples for this confidence: the widest interval the data allow.
    k = 1;
    reached = test.exactCdf ? 1 - 2 * test.exactCdf[0]! : 0;
  }
  k = Math.min(k, Math.ceil(total / 2));
  return { estimate, lower: kthDifference(x, y, k), upper: kthDifference(x, y, total - k + 1), confidence: reached };
}
