import { seededRandom } from '@spikeformer-actions/core';
import { compare, type CompareOptions } from '../src/compare.js';
import { appendRun, buildRun, emptyHistory, type HistoryDocument } from '../src/history.js';
import type { Measurement } from '../src/model.js';

/**
 * Seeded simulation of benchmark noise as seen on shared CI runners:
 * - each benchmark has its own true time (1 µs … 10 ms), within-run log-normal noise
 *   (σ 1–3 %) and run-to-run drift of its location (log-normal, σ 0.5–1.5 % per run);
 * - optionally a machine-wide factor per run shared by all its benchmarks (log-normal, σ
 *   `machineNoise`), one odd run in the history on a machine 60–70 % slower (`oddRun`), and the
 *   current run on such a machine (`currentOnSlowMachine`);
 * - 3 % of samples are outliers slowed by 1 + |N(0, 0.5)| (interference only ever slows);
 * - the gate sees `historyRuns` earlier runs (the newest with raw samples) and compares the
 *   current run against them, exactly as the action does.
 * The same data is judged by github-action-benchmark's rule: one value per run (the mean, as
 * it takes from pytest-benchmark's ops = 1/mean) against the previous run's value, alert when
 * current/previous ≥ the alert threshold.
 */

export interface SimulationOptions {
  seed: number;
  trials: number;
  benchmarks: number;
  samples: number;
  historyRuns: number;
  /** Relative slowdown applied to one random benchmark of the current run (0 = A/A). */
  slowdown: number;
  /** σ of the log of a factor shared by every benchmark of one run (0: none). */
  machineNoise?: number;
  /** One history run (not the newest) on a machine 60–70 % slower. */
  oddRun?: boolean;
  /** The current run on a machine 60–70 % slower. */
  currentOnSlowMachine?: boolean;
  gate: CompareOptions;
  ratioThresholds: readonly number[];
}

export interface SimulationResult {
  trials: number;
  /** Trials with at least one regression flagged on a benchmark that did not change. */
  falseAlarmTrials: number;
  /** Trials in which the slowed benchmark was flagged (A/B only). */
  detected: number;
  /** Trials with at least one "inconclusive" verdict (for information). */
  inconclusiveTrials: number;
  /** Trials with an improvement reported on a benchmark that did not change. */
  falseImprovementTrials: number;
  ratio: Array<{ threshold: number; falseAlarmTrials: number; detected: number }>;
}

/** mulberry32, seedable (core's seededRandom). */
export const rng = seededRandom;

function gaussian(rand: () => number): () => number {
  return () => {
    const u = rand() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

interface BenchmarkModel {
  name: string;
  time: number;
  within: number;
  drift: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function simulate(options: SimulationOptions): SimulationResult {
  const rand = rng(options.seed);
  const normal = gaussian(rand);
  const result: SimulationResult = {
    trials: options.trials,
    falseAlarmTrials: 0,
    detected: 0,
    inconclusiveTrials: 0,
    falseImprovementTrials: 0,
    ratio: options.ratioThresholds.map((threshold) => ({ threshold, falseAlarmTrials: 0, detected: 0 })),
  };
  for (let trial = 0; trial < options.trials; trial++) {
    const models: BenchmarkModel[] = Array.from({ length: options.benchmarks }, (_, i) => ({
      name: `bench_${i}`,
      time: 10 ** (-6 + 4 * rand()),
      within: 0.01 + 0.02 * rand(),
      drift: 0.005 + 0.01 * rand(),
    }));
    const slowed = options.slowdown > 0 ? Math.floor(rand() * options.benchmarks) : -1;
    const slowMachine = (): number => 1.6 + 0.1 * rand();
    const run = (factorFor: (i: number) => number, machine = 1): Measurement[] => {
      const shared = machine * Math.exp((options.machineNoise ?? 0) * normal());
      return models.map((m, i) => {
        const location = m.time * Math.exp(m.drift * normal()) * factorFor(i) * shared;
        const samples = Array.from({ length: options.samples }, () => {
          const v = location * Math.exp(m.within * normal());
          return rand() < 0.03 ? v * (1 + Math.abs(0.5 * normal())) : v;
        });
        return {
          name: m.name,
          unit: 's',
          direction: 'smaller-is-better',
          samples,
          n: samples.length,
          mean: mean(samples),
        } satisfies Measurement;
      });
    };
    // The history as the action keeps it: built once, then appendRun trims older runs' samples.
    let previous: Measurement[] = [];
    const runs = [];
    const odd = options.oddRun && options.historyRuns > 2 ? 1 + Math.floor(rand() * (options.historyRuns - 2)) : -1;
    for (let h = 0; h < options.historyRuns - 1; h++) {
      runs.push(
        buildRun(
          run(() => 1, h === odd ? slowMachine() : 1),
          { id: `t${trial}-r${h}`, timestamp: new Date(Date.UTC(2026, 0, 1, 0, h)).toISOString() },
        ),
      );
    }
    previous = run(() => 1);
    const history: HistoryDocument = appendRun(
      { ...emptyHistory(), runs },
      buildRun(previous, { id: `t${trial}-last`, timestamp: new Date(Date.UTC(2026, 0, 2)).toISOString() }),
      50,
    );
    const current = run(
      (i) => (i === slowed ? 1 + options.slowdown : 1),
      options.currentOnSlowMachine ? slowMachine() : 1,
    );
    const comparison = compare(history.runs, current, options.gate);
    const flagged = new Set(comparison.results.filter((r) => r.verdict === 'regression').map((r) => r.name));
    if ([...flagged].some((name) => name !== models[slowed]?.name)) result.falseAlarmTrials++;
    if (slowed >= 0 && flagged.has(models[slowed]!.name)) result.detected++;
    if (comparison.counts.inconclusive > 0) result.inconclusiveTrials++;
    if (comparison.results.some((r) => r.verdict === 'improvement' && r.name !== models[slowed]?.name))
      result.falseImprovementTrials++;
    for (const r of result.ratio) {
      const alerts = current.map((c, i) => c.mean / previous[i]!.mean >= r.threshold);
      if (alerts.some((alert, i) => alert && i !== slowed)) r.falseAlarmTrials++;
      if (slowed >= 0 && alerts[slowed]) r.detected++;
    }
  }
  return result;
}
