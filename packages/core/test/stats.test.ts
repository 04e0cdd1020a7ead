import { describe, expect, it } from 'vitest';
import {
  hodgesLehmann,
  holmAdjust,
  kthDifference,
  mannWhitney,
  normalCdf,
  normalQuantile,
  normalUpper,
  predictionTest,
  studentTQuantile,
  studentTUpper,
  welch,
} from '../src/stats/index.js';

// Reference numbers from scipy 1.17.1 / numpy 2.4.6 (the calls are written next to each value).

const rel = (actual: number, expected: number, tol: number): void => {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tol);
};

describe('distributions against scipy', () => {
  it('normal upper tail, including far tails (scipy.stats.norm.sf)', () => {
    rel(normalUpper(0.5), 0.3085375387259869, 1e-12);
    rel(normalUpper(1.96), 0.024997895148220435, 1e-12);
    rel(normalUpper(3), 0.0013498980316300933, 1e-12);
    rel(normalUpper(5), 2.866515718791933e-7, 1e-10);
    rel(normalUpper(8), 6.22096057427174e-16, 1e-9);
    rel(normalUpper(-1.96), 1 - 0.024997895148220435, 1e-12);
  });

  it('normal CDF (scipy.stats.norm.cdf)', () => {
    rel(normalCdf(1.96), 0.9750021048517795, 1e-12);
    rel(normalCdf(-3.5), 0.00023262907903552502, 1e-10);
    rel(normalCdf(0.3), 0.6179114221889526, 1e-12);
    rel(normalCdf(6), 0.9999999990134123, 1e-14);
  });

  it('normal quantile (scipy.stats.norm.ppf)', () => {
    rel(normalQuantile(0.975), 1.959963984540054, 1e-10);
    rel(normalQuantile(0.995), 2.5758293035489004, 1e-10);
    rel(normalQuantile(0.9995), 3.2905267314919255, 1e-10);
    rel(normalQuantile(1 - 1e-6), 4.753424308817087, 1e-9);
    rel(normalQuantile(0.025), -1.959963984540054, 1e-10);
  });

  it("Student's t upper tail with fractional df (scipy.stats.t.sf)", () => {
    rel(studentTUpper(2, 3), 0.06966298427942152, 1e-8);
    rel(studentTUpper(2.5, 4.5), 0.029952843251100272, 1e-8);
    rel(studentTUpper(1, 30), 0.1626543077130151, 1e-8);
    rel(studentTUpper(4, 7.3), 0.002381183582163554, 1e-8);
    rel(studentTUpper(10, 2), 0.004926228511662845, 1e-8);
  });

  it("Student's t quantile (scipy.stats.t.ppf)", () => {
    rel(studentTQuantile(0.975, 3), 3.1824463052837078, 1e-8);
    rel(studentTQuantile(0.995, 10), 3.16927267261695, 1e-8);
    rel(studentTQuantile(0.9995, 4.5), 7.580740499372756, 1e-8);
  });
});

// scipy's mannwhitneyu docstring data (Conover), with its two ties in y moved apart
// (1.06 → 1.07, 1.29 → 1.31) so the exact method applies; x = baseline, y = current.
const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.31];

describe('Mann-Whitney U against scipy', () => {
  it('exact, no ties: mannwhitneyu(y, x, method="exact") U=24, greater 0.93204, less 0.080749', () => {
    const r = mannWhitney(x, y);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(24);
    rel(r.pGreater, 0.9320444261620732, 1e-12);
    rel(r.pLess, 0.08074866310160428, 1e-12);
  });

  it('ties switch to the tie-corrected normal approximation', () => {
    expect(mannWhitney(x, [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]).method).toBe('asymptotic');
  });

  it('asymptotic with ties and continuity correction: U=274.5, greater p=0.0029314', () => {
    const a = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7, 7, 8, 9, 10, 10, 11];
    const b = [3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 11, 12, 12, 13, 14, 15, 15, 16];
    const r = mannWhitney(a, b);
    expect(r.method).toBe('asymptotic');
    expect(r.u).toBe(274.5);
    rel(r.pGreater, 0.002931374712316465, 1e-9);
    rel(r.pLess, 0.9973209124959519, 1e-9);
  });

  it('5 vs 5 fully separated: exact p = 1/252, which is also the smallest attainable', () => {
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    rel(r.pGreater, 0.003968253968253968, 1e-12);
    rel(r.minAttainableP, 1 / 252, 1e-12);
    expect(r.pLess).toBe(1);
  });

  it('all values equal: no evidence either way', () => {
    const r = mannWhitney([3, 3, 3, 3], [3, 3, 3]);
    expect(r.pGreater).toBe(1);
    expect(r.pLess).toBe(1);
  });
});

describe('Hodges-Lehmann shift and Moses interval', () => {
  const xs = Float64Array.from(x).sort();
  const ys = Float64Array.from(y).sort();

  it('order statistics of the 81 differences y − x match numpy (np.sort(np.subtract.outer(y, x).ravel()))', () => {
    expect(kthDifference(xs, ys, 1)).toBeCloseTo(-2.462, 12);
    expect(kthDifference(xs, ys, 6)).toBeCloseTo(-1.882, 12);
    expect(kthDifference(xs, ys, 41)).toBeCloseTo(-0.56, 12);
    expect(kthDifference(xs, ys, 76)).toBeCloseTo(1.46, 12);
    expect(kthDifference(xs, ys, 81)).toBeCloseTo(2.64, 12);
  });

  it('brute force agrees on every order statistic of a tied, lopsided sample', () => {
    const a = Float64Array.from([5, 1, 3, 3, 9, 2, 2, 7]).sort();
    const b = Float64Array.from([4, 4, 6, 1, 8]).sort();
    const all: number[] = [];
    for (const bj of b) for (const ai of a) all.push(bj - ai);
    all.sort((p, q) => p - q);
    all.forEach((v, i) => expect(kthDifference(a, b, i + 1)).toBe(v));
  });

  it('the estimate is the median difference (-0.56) and the interval covers it', () => {
    const r = hodgesLehmann(x, y, mannWhitney(x, y), 0.95);
    expect(r.estimate).toBeCloseTo(-0.56, 12);
    expect(r.lower).toBeLessThan(r.estimate);
    expect(r.upper).toBeGreaterThan(r.estimate);
    expect(r.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('the 95% interval covers a known shift in about 95% of seeded trials', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed + 0.5) / 2147483648;
    };
    const gauss = (): number => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 30 }, gauss);
      const b = Array.from({ length: 30 }, () => gauss() + 0.7);
      const r = hodgesLehmann(a, b, mannWhitney(a, b), 0.95);
      if (r.lower <= 0.7 && 0.7 <= r.upper) covered++;
    }
    // Binomial(400, 0.95): 3 standard deviations are ±4.4 percentage points.
    expect(covered / trials).toBeGreaterThan(0.905);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

describe("Welch's t-test and the prediction test", () => {
  it('matches scipy.stats.ttest_ind_from_stats(..., equal_var=False)', () => {
    // ttest_ind_from_stats(10,1,12, 11,2,9, alternative="greater"): t=-1.37649, p=0.90198
    const a = welch({ mean: 11, sd: 2, n: 9 }, { mean: 10, sd: 1, n: 12 }, 0.99);
    rel(a.t, -1.3764944032233706, 1e-10);
    rel(a.df, 11, 1e-10);
    rel(a.pGreater, 0.9019799044949043, 1e-8);
    // ttest_ind_from_stats(100,5,30, 97,8,25, alternative="less"): t=1.62858, p=0.94425
    const b = welch({ mean: 97, sd: 8, n: 25 }, { mean: 100, sd: 5, n: 30 }, 0.99);
    rel(b.t, 1.6285758600763969, 1e-10);
    rel(b.pLess, 0.9442482871039237, 1e-8);
    expect(b.change).toBeCloseTo(100 / 97 - 1, 12);
    expect(b.lower).toBeLessThan(b.change);
    expect(b.upper).toBeGreaterThan(b.change);
  });

  it('prediction test: t = (x − mean)/(sd·√(1+1/k)) with k−1 df', () => {
    const r = predictionTest([10, 11, 9, 10, 10], 13);
    const sd = Math.sqrt(0.5);
    rel(r.t, 3 / (sd * Math.sqrt(1.2)), 1e-12);
    expect(r.df).toBe(4);
    rel(r.pGreater, studentTUpper(r.t, 4), 1e-12);
  });
});

describe('Holm–Bonferroni', () => {
  it('matches the hand-computed step-down on a textbook example', () => {
    // p = [0.01, 0.04, 0.03, 0.005] → holm-adjusted [0.03, 0.06, 0.06, 0.02]
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(adj[3]).toBeCloseTo(0.02, 12);
  });

  it('keeps NaN entries out of the family', () => {
    const adj = holmAdjust([0.01, Number.NaN, 0.02]);
    expect(adj[0]).toBeCloseTo(0.02, 12);
    expect(Number.isNaN(adj[1]!)).toBe(true);
    expect(adj[2]).toBeCloseTo(0.02, 12);
  });
});
