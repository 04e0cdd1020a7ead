import { seededRandom } from '@spikeformer-actions/core';
import { compare, type CompareOptions } from '../src/compare.js';
import { appendRun, buildRun, emptyHistory, type HistoryDocument } from '../src/history.js';
import type { Measurement } from '../src/model.js';

/**
 * Seeded simulation of benchmark noise as seen on shared CI runners:
 * - each benchmark has its own true time (1 µs … 10 ms), within-run log-normal noise
 *   (σ 1–3 %) and run-to-run drift of its location (log-normal, σ 0.5–1.5 % per run);
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
    const run = (factorFor: (i: number) => number): Measurement[] =>
      models.map((m, i) => {
        const location = m.time * Math.exp(m.drift * normal()) * factorFor(i);
        const samples = Array.from({ length: options.samples }, () => {
          const v = location * Math.exp(m.within * normal());
          return rand() < 0.03 ? v * (1 + Math.abs(0.5 * normal())) : v;
        });
        return { name: m.name, unit: 's', direction: 'smaller-is-better', samples, n: samples.length, mean: mean(samples) };
      });
    // The history as the action keeps it: built once, then appendRun trims older runs' samples.
    let previous: Measurement[] = [];
    const runs = [];
    for (let h = 0; h < options.historyRuns - 1; h++) {
      runs.push(buildRun(run(() => 1), { id: `t${trial}-r${h}`, timestamp: new Date(Date.UTC(2026, 0, 1, 0, h)).toISOString() }));
    }
    previous = run(() => 1);
    const history: HistoryDocument = appendRun(
      { ...emptyHistory(), runs },
      buildRun(previous, { id: `t${trial}-last`, timestamp: new Date(Date.UTC(2026, 0, 2)).toISOString() }),
      50,
    );
    const current = run((i) => (i === slowed ? 1 + options.slowdown : 1));
    const comparison = compare(history.runs, current, options.gate);
    const flagged = new Set(comparison.results.filter((r) => r.verdict === 'regression').map((r) => r.name));
    if ([...flagged].some((name) => name !== models[slowed]?.name)) result.falseAlarmTrials++;
    if (slowed >= 0 && flagged.has(models[slowed]!.name)) result.detected++;
    if (comparison.counts.inconclusive > 0) result.inconclusiveTrials++;
    for (const r of result.ratio) {
      const alerts = current.map((c, i) => c.mean / previous[i]!.mean >= r.threshold);
      if (alerts.some((alert, i) => alert && i !== slowed)) r.falseAlarmTrials++;
      if (slowed >= 0 && alerts[slowed]) r.detected++;
    }
  }
  return result;
}
