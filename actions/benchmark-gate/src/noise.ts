/**
 * How much one benchmark moves from run to run, estimated from its history so that neither one
 * odd run (a noisy neighbour on the runner) nor one accepted step change (a merged regression)
 * inflates it. All values are log(metric).
 */

/** Runs needed before the history's spread is used: with five, one odd run is one of three interior runs. */
export const NOISE_MIN_RUNS = 5;

/**
 * The run-to-run σ of log(metric) assumed until the history holds NOISE_MIN_RUNS runs: shared
 * CI runners move a benchmark by several percent from one run to the next and, now and then,
 * by tens of percent. With the default noise factor of 4 a change must exceed ~76 % against
 * one earlier run to be called; below that and beyond min-regression it is inconclusive.
 */
export const PRIOR_RUN_NOISE = 0.1;

/** Runs the rolling reference may average. */
export const REFERENCE_WINDOW = 10;

// E[min(|Z|, 2.5)²] for a standard normal Z: makes the clipped RMS below consistent.
const CLIP = 2.5;
const CLIPPED_SECOND_MOMENT = 0.977559;
// Median of min(|Z₂ − Z₁|, |Z₂ − Z₃|) for independent standard normals (2·10⁶ draws).
const MIN_NEIGHBOUR_MEDIAN = 0.569;
/** A run farther than this many σ from both its neighbours is an outlier run. */
const OUTLIER_SIGMAS = CLIP * Math.SQRT2;
/** The consistency constant of the median absolute deviation of a normal sample. */
const MAD_NORMAL = 0.6744897501960817;

export function median(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Interior runs that stand apart from both neighbours by more than OUTLIER_SIGMAS robust σ.
 * The scale comes from each run's distance to its nearer neighbour, which an isolated odd run
 * changes for itself only and a step change for no run, so it stays right with one odd run in
 * five. Two odd runs side by side look like a step that came back and are left in.
 */
export function outlierRuns(logs: readonly number[]): Set<number> {
  const out = new Set<number>();
  if (logs.length < NOISE_MIN_RUNS) return out;
  const nearest: number[] = [];
  for (let i = 1; i < logs.length - 1; i++)
    nearest.push(Math.min(Math.abs(logs[i]! - logs[i - 1]!), Math.abs(logs[i]! - logs[i + 1]!)));
  const sigma = median(nearest) / MIN_NEIGHBOUR_MEDIAN;
  nearest.forEach((d, j) => {
    if (d > OUTLIER_SIGMAS * sigma) out.add(j + 1);
  });
  return out;
}

/**
 * σ of log(metric) of one run around its level, from the differences between consecutive runs
 * once outlier runs are set aside: their RMS after clipping at 2.5 robust standard deviations
 * (MAD), so one step change does not inflate it, while staying nearly as efficient as the plain
 * standard deviation on the few runs a history holds. Divided by √2 because a difference holds
 * two runs' noise. Undefined below NOISE_MIN_RUNS runs or for values that are not positive.
 */
export function runToRunNoise(values: readonly number[]): number | undefined {
  if (values.length < NOISE_MIN_RUNS || values.some((v) => !(v > 0))) return undefined;
  return logNoise(values.map(Math.log));
}

/** runToRunNoise on values already in log space (any sign). */
export function logNoise(logs: readonly number[]): number | undefined {
  if (logs.length < NOISE_MIN_RUNS) return undefined;
  const odd = outlierRuns(logs);
  const kept = logs.filter((_, i) => !odd.has(i));
  const diffs: number[] = [];
  for (let i = 1; i < kept.length; i++) diffs.push(Math.abs(kept[i]! - kept[i - 1]!));
  const robust = median(diffs) / MAD_NORMAL;
  if (robust === 0) return 0;
  const clipped = diffs.reduce((a, d) => a + Math.min(d, CLIP * robust) ** 2, 0) / diffs.length;
  return Math.sqrt(clipped / CLIPPED_SECOND_MOMENT) / Math.SQRT2;
}

/**
 * The level the current run is measured against: the mean log(metric) of the newest runs that
 * agree with each other, outlier runs skipped. Walking back from the newest run, a run further
 * than `factor` noise units from the runs after it ends the window, so an accepted step change
 * does not page again on the runs after it. Averaging k runs shrinks the baseline's own noise
 * from σ to σ/√k, which is what makes a 10 % change visible on runners whose runs differ by
 * 1–2 %. `indices` are the positions in `logs` that the level averages.
 */
export function rollingReference(
  logs: readonly number[],
  noise: number,
  factor: number,
  skip: ReadonlySet<number> = new Set(),
): { level: number; runs: number; indices: number[] } {
  let last = logs.length - 1;
  while (last > 0 && skip.has(last)) last--;
  let sum = logs[last]!;
  const indices = [last];
  for (let i = last - 1; i >= 0 && indices.length < REFERENCE_WINDOW; i--) {
    if (skip.has(i)) continue;
    const v = logs[i]!;
    const count = indices.length;
    if (Math.abs(v - sum / count) > factor * noise * Math.sqrt(1 + 1 / count)) break;
    sum += v;
    indices.push(i);
  }
  return { level: sum / indices.length, runs: indices.length, indices: indices.reverse() };
}
