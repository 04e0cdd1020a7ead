import { quote, UserError } from '@spikeformer-actions/core';
import { SAMPLE_RUNS, storedToMeasurement, type Run, type StoredBenchmark } from './history.js';
import { type Direction, type Measurement, type Metric, metricValue, summarise } from './model.js';
import { logNoise, NOISE_MIN_RUNS, outlierRuns, PRIOR_RUN_NOISE, rollingReference } from './noise.js';
import { movesWithMachine, runShifts } from './run-shift.js';
import {
  hodgesLehmann,
  holmAdjust,
  mannWhitney,
  predictionTest,
  studentTQuantile,
  welch,
} from '@spikeformer-actions/core/stats';

/**
 * The judge. Per benchmark: a significance test (Mann-Whitney U on raw samples, Welch's t on
 * summaries, a prediction test against the history for one-value-per-run benchmarks), an
 * effect estimate with an interval, Holm–Bonferroni across benchmarks, and a practical
 * threshold widened by the benchmark's run-to-run noise in the history. A regression needs
 * both significance and a slowdown beyond the threshold; when the data cannot settle it the
 * verdict is "inconclusive", never a silent pass.
 */

export interface CompareOptions {
  /** Family-wise significance level (per direction). */
  alpha: number;
  /** Practical threshold as a fraction (0.05 = 5 %). */
  minRegression: number;
  /** The threshold is at least this many run-to-run standard deviations (from the history). */
  noiseFactor: number;
  metric: Metric;
  /**
   * The baseline was measured in this job, on this machine, just before: there is no
   * run-to-run drift or machine-wide move to allow for, so one earlier run suffices.
   */
  sameRunner?: boolean;
}

export const VERDICTS = ['regression', 'inconclusive', 'missing', 'improvement', 'new', 'unchanged'] as const;
export type Verdict = (typeof VERDICTS)[number];
export type Method = 'mann-whitney' | 'welch' | 'prediction' | 'none';

export interface BenchmarkComparison {
  name: string;
  unit: string;
  direction: Direction;
  verdict: Verdict;
  method: Method;
  /** The metric (median by default) of the baseline and of this run, in `unit`. */
  baseline?: number;
  current?: number;
  /** Relative change current/baseline − 1 (Hodges-Lehmann for samples, ratio of means for summaries). */
  change?: number;
  lower?: number;
  upper?: number;
  /** The confidence of [lower, upper]. */
  confidence?: number;
  /** One-sided p-values for "worse" and "better", and the Holm-adjusted one of the reported direction. */
  pWorse?: number;
  pBetter?: number;
  pAdjusted?: number;
  /** Effective threshold (fraction) after widening by the noise. */
  threshold?: number;
  /** Run-to-run standard deviation of log(metric), from the history. */
  noise?: number;
  /** How many history runs the rolling reference averages (absent: the newest baseline run alone). */
  referenceRuns?: number;
  nBaseline?: number;
  nCurrent?: number;
  reason: string;
}

export interface RunMove {
  /** The current run's shared change across its timed benchmarks (0.3 = 30 % slower), taken out before judging each. */
  change: number;
  /** How many benchmarks it was measured over. */
  benchmarks: number;
  /** The change the history's own run-to-run moves allow (fraction). */
  threshold: number;
  /** Beyond the threshold: benchmarks that look unchanged after taking it out are inconclusive. */
  beyond: boolean;
}

export interface Comparison {
  results: BenchmarkComparison[];
  counts: Record<Verdict, number>;
  /** Present when the run had enough timed benchmarks to measure a machine-wide move. */
  runMove?: RunMove;
}

/** A stored measurement with every value multiplied by factor (sd included). */
function scaled<
  T extends Pick<StoredBenchmark, 'mean'> & Partial<Pick<StoredBenchmark, 'samples' | 'sd' | 'median' | 'min' | 'max'>>,
>(m: T, factor: number): T {
  if (factor === 1) return m;
  const out: T = { ...m, mean: m.mean * factor };
  if (m.samples !== undefined) out.samples = m.samples.map((v) => v * factor);
  if (m.sd !== undefined) out.sd = m.sd * factor;
  if (m.median !== undefined) out.median = m.median * factor;
  if (m.min !== undefined) out.min = m.min * factor;
  if (m.max !== undefined) out.max = m.max * factor;
  return out;
}

/** Earlier single values needed for the prediction test. */
export const PREDICTION_MIN_RUNS = 3;

interface Pending {
  result: BenchmarkComparison;
  pWorse: number;
  pBetter: number;
  /** The change in the worse direction, as a log ratio (positive = worse). */
  worse: number;
  /** The worse end of the interval, as a log ratio. */
  worseBound: number;
  thresholdLog: number;
  minAttainableP: number;
  /** False while the history is too short to measure the noise (the threshold is the prior's). */
  noiseKnown: boolean;
  /** Set when the whole run moved beyond what its history explains: a verdict of "unchanged" is not safe. */
  runMoved: boolean;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

function minThresholdLog(direction: Direction, minRegression: number): number {
  return direction === 'smaller-is-better' ? Math.log1p(minRegression) : -Math.log1p(-minRegression);
}

/** The relative threshold in the worse direction that a log threshold stands for. */
function thresholdFraction(direction: Direction, thresholdLog: number): number {
  return direction === 'smaller-is-better' ? Math.expm1(thresholdLog) : -Math.expm1(-thresholdLog);
}

/** The logs of several sample arrays joined into one; undefined if any value is not positive. */
function pooledLogs(arrays: ReadonlyArray<readonly number[]>): Float64Array | undefined {
  let length = 0;
  for (const a of arrays) length += a.length;
  const out = new Float64Array(length);
  let k = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!(v > 0)) return undefined;
      out[k++] = Math.log(v);
    }
  }
  return out;
}

/**
 * `service` names the benchmarks that time a service rather than this runner (load-test
 * response times): a slowdown of all of them is the service's, so no machine-wide move is
 * measured over them or taken out of them.
 */
export function compare(
  history: readonly Run[],
  current: readonly Measurement[],
  options: CompareOptions,
  service: ReadonlySet<string> = new Set(),
): Comparison {
  const confidence = 1 - options.alpha;
  const pending: Pending[] = [];
  const done: BenchmarkComparison[] = [];
  const latest = history[history.length - 1];
  const currentNames = new Set(current.map((m) => m.name));

  // The machine-wide move of each run, and whether this run's is beyond what the history's allow.
  const shifts = options.sameRunner
    ? runShifts([], [], options.metric)
    : runShifts(history, current, options.metric, service);
  const floorAny = Math.log1p(options.minRegression);
  const shiftNoise = shifts.benchmarks > 0 ? logNoise(history.map((r) => shifts.history.get(r.id) ?? 0)) : undefined;
  const shiftThreshold = Math.max(
    floorAny,
    options.noiseFactor * (shiftNoise ?? 0) * Math.sqrt(1 + 1 / Math.max(1, Math.min(history.length, 10))),
  );
  const runMove: RunMove | undefined =
    shifts.benchmarks > 0
      ? {
          change: Math.expm1(shifts.current),
          benchmarks: shifts.benchmarks,
          threshold: Math.expm1(shiftThreshold),
          beyond: Math.abs(shifts.current) > shiftThreshold,
        }
      : undefined;

  for (const cur0 of current) {
    const runs = history.filter((r) => r.benchmarks[cur0.name] !== undefined);
    const baseRun = runs[runs.length - 1];
    if (!baseRun) {
      const value = metricValue(cur0.samples ? { ...cur0, ...summarise(cur0.samples) } : cur0, options.metric);
      done.push({
        name: cur0.name,
        unit: cur0.unit,
        direction: cur0.direction,
        verdict: 'new',
        method: 'none',
        current: value,
        nCurrent: cur0.n,
        reason: 'not in the baseline',
      });
      continue;
    }
    const stored = baseRun.benchmarks[cur0.name]!;
    if (stored.unit !== cur0.unit) {
      throw new UserError(
        `benchmark ${quote(cur0.name)}: unit ${quote(cur0.unit)} does not match the baseline's ${quote(stored.unit)} (run ${quote(baseRun.id)}); rename the benchmark or start a new history`,
      );
    }
    if (stored.direction !== cur0.direction) {
      throw new UserError(
        `benchmark ${quote(cur0.name)}: this run says ${cur0.direction}, the baseline (run ${quote(baseRun.id)}) says ${stored.direction}`,
      );
    }
    const direction = cur0.direction;
    const sign = direction === 'smaller-is-better' ? 1 : -1;
    // Every run's values with its machine-wide move taken out (a factor of 1 when not measured).
    const moved = shifts.benchmarks > 0 && movesWithMachine(cur0.unit) && !service.has(cur0.name);
    const factorOf = (run: Run): number => (moved ? Math.exp(-sign * (shifts.history.get(run.id) ?? 0)) : 1);
    const storedOf = (run: Run): StoredBenchmark => scaled(run.benchmarks[cur0.name]!, factorOf(run));
    const cur = moved ? scaled(cur0, Math.exp(-sign * shifts.current)) : cur0;
    const curStats = cur.samples ? { ...cur, ...summarise(cur.samples) } : cur;
    const curValue = metricValue(curStats, options.metric);
    const base = storedToMeasurement(cur.name, storedOf(baseRun));
    const baseValue = metricValue(base, options.metric);
    const historyValues = runs.map((r) => metricValue(storedOf(r), options.metric));
    const allPositive = historyValues.every((v) => v > 0);
    const logs = allPositive ? historyValues.map(Math.log) : [];
    const measured = allPositive && historyValues.length >= NOISE_MIN_RUNS ? logNoise(logs) : undefined;
    const noiseKnown = measured !== undefined || options.sameRunner === true;
    const noise = measured ?? (options.sameRunner ? 0 : PRIOR_RUN_NOISE);
    const floor = minThresholdLog(direction, options.minRegression);
    // Measure against the rolling reference (outlier runs skipped), with a threshold of at least
    // noiseFactor standard deviations of (this run − reference); until the history can measure
    // the noise, the prior's.
    const skip = noiseKnown ? outlierRuns(logs) : new Set<number>();
    const reference = allPositive ? rollingReference(logs, noise, options.noiseFactor, skip) : undefined;
    const offset = reference === undefined || !(baseValue > 0) ? 0 : Math.log(baseValue) - reference.level;
    const thresholdLog =
      reference === undefined
        ? floor
        : Math.max(floor, options.noiseFactor * noise * Math.sqrt(1 + 1 / reference.runs));
    const result: BenchmarkComparison = {
      name: cur.name,
      unit: cur.unit,
      direction,
      verdict: 'unchanged',
      method: 'none',
      baseline: baseValue,
      // As measured; the change is judged with the run's machine-wide move taken out.
      current: metricValue(cur0.samples ? { ...cur0, ...summarise(cur0.samples) } : cur0, options.metric),
      threshold: thresholdFraction(direction, thresholdLog),
      nBaseline: base.n,
      nCurrent: cur.n,
      reason: '',
    };
    if (measured !== undefined) result.noise = measured;
    if (reference !== undefined) {
      result.baseline = Math.exp(reference.level);
      result.referenceRuns = reference.runs;
    }
    const flags = { noiseKnown, runMoved: moved && runMove?.beyond === true };

    const positive = (values: readonly number[]): boolean => values.every((v) => v > 0);
    const inconclusive = (reason: string): void => {
      done.push({ ...result, verdict: 'inconclusive', reason });
    };

    // The baseline's samples: those of the newest runs in the reference window that kept them.
    const windowRuns = reference === undefined ? [baseRun] : reference.indices.map((i) => runs[i]!);
    const sampleRuns = windowRuns
      .filter((r) => r.benchmarks[cur.name]!.samples !== undefined)
      .slice(-SAMPLE_RUNS)
      .map(storedOf);
    const pooledCount = sampleRuns.reduce((a, r) => a + r.samples!.length, 0);
    if (pooledCount >= 2 && cur.samples && cur.samples.length >= 2) {
      // Ranks do not change under log, so the test and the log-shift estimate agree.
      const bl = pooledLogs(sampleRuns.map((r) => r.samples!));
      const cl = pooledLogs([cur.samples]);
      if (!bl || !cl) {
        inconclusive('samples must be positive to compare ratios');
        continue;
      }
      // Re-base from the sampled runs' level to the reference level (0 without a history).
      const sampledLevel =
        sampleRuns.reduce((a, r) => a + Math.log(metricValue(r, options.metric)), 0) / sampleRuns.length;
      const shiftOffset = reference === undefined ? 0 : sampledLevel - reference.level;
      const test = mannWhitney(bl, cl);
      const shift = hodgesLehmann(bl, cl, test, confidence);
      result.method = 'mann-whitney';
      result.nBaseline = pooledCount;
      result.nCurrent = cur.samples.length;
      result.change = Math.expm1(shift.estimate + shiftOffset);
      result.lower = Math.expm1(shift.lower + shiftOffset);
      result.upper = Math.expm1(shift.upper + shiftOffset);
      result.confidence = shift.confidence;
      pending.push({
        result,
        pWorse: sign > 0 ? test.pGreater : test.pLess,
        pBetter: sign > 0 ? test.pLess : test.pGreater,
        worse: sign * (shift.estimate + shiftOffset),
        worseBound: sign > 0 ? shift.upper + shiftOffset : -(shift.lower + shiftOffset),
        thresholdLog,
        minAttainableP: test.minAttainableP,
        ...flags,
      });
      continue;
    }

    const baseSummary = base.samples ? summarise(base.samples) : base;
    const curSummary = cur.samples ? summarise(cur.samples) : cur;
    if (baseSummary.sd !== undefined && curSummary.sd !== undefined && baseSummary.n >= 2 && curSummary.n >= 2) {
      if (!(baseSummary.mean > 0 && curSummary.mean > 0)) {
        inconclusive('means must be positive to compare ratios');
        continue;
      }
      const w = welch(
        { mean: baseSummary.mean, sd: baseSummary.sd, n: baseSummary.n },
        { mean: curSummary.mean, sd: curSummary.sd, n: curSummary.n },
        confidence,
      );
      result.method = 'welch';
      result.change = Math.expm1(Math.log1p(w.change) + offset);
      result.lower = Math.expm1(Math.log1p(w.lower) + offset);
      result.upper = Math.expm1(Math.log1p(w.upper) + offset);
      result.confidence = confidence;
      const worseBound = sign > 0 ? Math.log1p(result.upper) : -Math.log1p(result.lower);
      pending.push({
        result,
        pWorse: sign > 0 ? w.pGreater : w.pLess,
        pBetter: sign > 0 ? w.pLess : w.pGreater,
        worse: sign * Math.log1p(result.change),
        worseBound: Number.isNaN(worseBound) ? Infinity : worseBound,
        thresholdLog,
        minAttainableP: 0,
        ...flags,
      });
      continue;
    }

    // One value per run: the history's run-to-run spread is the only measure of noise.
    if (historyValues.length >= PREDICTION_MIN_RUNS) {
      if (!positive(historyValues) || !(curValue > 0)) {
        if (historyValues.every((v) => v === curValue)) {
          done.push({ ...result, change: 0, reason: 'same value as every earlier run' });
        } else {
          inconclusive('values must be positive to compare ratios');
        }
        continue;
      }
      const hl = historyValues.map((v) => Math.log(v));
      const x = Math.log(curValue);
      const test = predictionTest(hl, x);
      const k = hl.length;
      const mean = hl.reduce((a, b) => a + b, 0) / k;
      const sd = Math.sqrt(hl.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
      const half = studentTQuantile(1 - options.alpha / 2, k - 1) * sd * Math.sqrt(1 + 1 / k);
      result.method = 'prediction';
      result.baseline = Math.exp(mean);
      result.change = Math.expm1(x - mean);
      result.lower = Math.expm1(x - mean - half);
      result.upper = Math.expm1(x - mean + half);
      result.confidence = confidence;
      result.nBaseline = k;
      pending.push({
        result,
        pWorse: sign > 0 ? test.pGreater : test.pLess,
        pBetter: sign > 0 ? test.pLess : test.pGreater,
        worse: sign * (x - mean),
        worseBound: sign * (x - mean) + half,
        thresholdLog,
        minAttainableP: 0,
        ...flags,
      });
      continue;
    }
    inconclusive(
      `one value per run and ${historyValues.length} earlier run(s); the run-to-run noise needs at least ${PREDICTION_MIN_RUNS} (or report raw samples / repetitions)`,
    );
  }

  // Holm–Bonferroni per direction over the benchmarks that were tested.
  const adjWorse = holmAdjust(pending.map((p) => p.pWorse));
  const adjBetter = holmAdjust(pending.map((p) => p.pBetter));
  const family = pending.length;
  const floorOf = (direction: Direction): number => minThresholdLog(direction, options.minRegression);
  const runsOf = (r: BenchmarkComparison): number =>
    history.filter((run) => run.benchmarks[r.name] !== undefined).length;
  pending.forEach((p, i) => {
    const r = p.result;
    r.pWorse = p.pWorse;
    r.pBetter = p.pBetter;
    const worseAdj = adjWorse[i]!;
    const betterAdj = adjBetter[i]!;
    const better = -p.worse;
    const limit = pct(r.threshold ?? 0);
    const noiseNote =
      r.noise !== undefined && p.thresholdLog > minThresholdLog(r.direction, options.minRegression)
        ? ` (widened by run-to-run noise ${pct(r.noise)})`
        : '';
    if (worseAdj <= options.alpha && p.worse > p.thresholdLog) {
      r.verdict = 'regression';
      r.pAdjusted = worseAdj;
      r.reason = `worse by ${pct(Math.abs(r.change ?? 0))}, beyond the ${limit} threshold${noiseNote}, p = ${fmtP(worseAdj)} (Holm)`;
    } else if (betterAdj <= options.alpha && better > p.thresholdLog) {
      r.verdict = 'improvement';
      r.pAdjusted = betterAdj;
      r.reason = `better by ${pct(Math.abs(r.change ?? 0))}, p = ${fmtP(betterAdj)} (Holm)`;
    } else {
      r.pAdjusted = p.worse >= 0 ? worseAdj : betterAdj;
      // The smallest p-value these sizes allow cannot pass even the loosest Holm step.
      const powerless = p.minAttainableP > options.alpha / family;
      if (p.worse > p.thresholdLog) {
        r.verdict = 'inconclusive';
        r.reason = powerless
          ? `worse by ${pct(Math.abs(r.change ?? 0))}, beyond the ${limit} threshold, but ${r.nBaseline} vs ${r.nCurrent} samples cannot reach significance for ${family} benchmarks at alpha ${options.alpha}: collect more samples`
          : `worse by ${pct(Math.abs(r.change ?? 0))}, beyond the ${limit} threshold${noiseNote}, but not significant (p = ${fmtP(worseAdj)}, Holm)`;
      } else if (powerless && p.worseBound > p.thresholdLog) {
        r.verdict = 'inconclusive';
        r.reason = `${r.nBaseline} vs ${r.nCurrent} samples cannot reach significance for ${family} benchmarks at alpha ${options.alpha}, and the interval reaches beyond the ${limit} threshold: collect more samples`;
      } else if (
        !p.noiseKnown &&
        Math.max(worseAdj <= options.alpha ? p.worse : 0, betterAdj <= options.alpha ? better : 0) >
          floorOf(r.direction)
      ) {
        // Significant and beyond min-regression, but the history is too short to tell it from
        // a runner that drifted: no verdict either way.
        r.verdict = 'inconclusive';
        r.reason = `${p.worse > 0 ? 'worse' : 'better'} by ${pct(Math.abs(r.change ?? 0))}, beyond the ${pct(options.minRegression)} minimum, but within the ${limit} a shared runner can drift between runs; ${runsOf(r)} earlier run(s), the history measures this benchmark's own noise from ${NOISE_MIN_RUNS}`;
      } else if (p.runMoved && runMove !== undefined) {
        r.verdict = 'inconclusive';
        r.reason = `unchanged against the rest of this run, but the whole run is ${pct(Math.abs(runMove.change))} ${runMove.change > 0 ? 'slower' : 'faster'} (${runMove.benchmarks} timed benchmarks), beyond the ${pct(runMove.threshold)} its history allows: a different machine and a change of every benchmark look alike; re-run to tell`;
      } else {
        r.verdict = 'unchanged';
        r.reason =
          worseAdj <= options.alpha && p.worse > 0
            ? `significantly worse but by ${pct(Math.abs(r.change ?? 0))}, within the ${limit} threshold${noiseNote}`
            : `within the ${limit} threshold or not significant`;
      }
    }
    done.push(r);
  });

  for (const name of Object.keys(latest?.benchmarks ?? {})) {
    if (currentNames.has(name)) continue;
    const b = latest!.benchmarks[name]!;
    done.push({
      name,
      unit: b.unit,
      direction: b.direction,
      verdict: 'missing',
      method: 'none',
      baseline: metricValue(b, options.metric),
      nBaseline: b.n,
      reason: `in the baseline run ${latest!.id} but not in this run`,
    });
  }

  const severity = (r: BenchmarkComparison): number => VERDICTS.indexOf(r.verdict);
  const worseness = (r: BenchmarkComparison): number =>
    r.change === undefined ? 0 : (r.direction === 'smaller-is-better' ? 1 : -1) * Math.log1p(r.change);
  done.sort(
    (a, b) =>
      severity(a) - severity(b) || worseness(b) - worseness(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of done) counts[r.verdict]++;
  return runMove === undefined ? { results: done, counts } : { results: done, counts, runMove };
}
