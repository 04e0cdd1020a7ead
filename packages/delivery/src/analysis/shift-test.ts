import { hodgesLehmann, mannWhitney } from '@spikeformer-actions/core/stats';

/** Largest sample kept per side: the ranks and the shift's order statistics grow with it. */
export const MAX_SAMPLES = 1_000;

export interface ShiftTest {
  /** U of the canary: how often a canary value exceeds a baseline value (ties count ½). */
  u: number;
  /** Two-sided p-value: exact for small samples without ties, else the normal approximation with tie and continuity correction. */
  pValue: number;
  /** Hodges-Lehmann estimate of the shift canary − baseline: the median of all pairwise differences. */
  estimate: number;
  /** Moses confidence interval of the shift. */
  interval: [number, number];
  n1: number;
  n2: number;
}

function thin(values: number[]): number[] {
  if (values.length <= MAX_SAMPLES) return values;
  const step = values.length / MAX_SAMPLES;
  return Array.from({ length: MAX_SAMPLES }, (_, i) => values[Math.floor(i * step)] ?? 0);
}

/**
 * Two-sided Mann-Whitney U test of canary against baseline with the Hodges-Lehmann shift and
 * its interval — the statistics behind Kayenta's NetflixACAJudge, on core's implementation.
 * Non-finite values are left out; samples longer than MAX_SAMPLES are thinned evenly.
 */
export function shiftTest(canaryIn: readonly number[], baselineIn: readonly number[], confidence = 0.98): ShiftTest {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const canary = thin(canaryIn.filter(Number.isFinite));
  const baseline = thin(baselineIn.filter(Number.isFinite));
  if (canary.length === 0 || baseline.length === 0) throw new RangeError('both samples need at least one finite value');
  const test = mannWhitney(baseline, canary);
  const shift = hodgesLehmann(baseline, canary, test, confidence);
  return {
    u: test.u,
    pValue: Math.min(1, 2 * Math.min(test.pGreater, test.pLess)),
    estimate: shift.estimate,
    interval: [shift.lower, shift.upper],
    n1: canary.length,
    n2: baseline.length,
  };
}
