import type { Run } from './history.js';
import { type Direction, type Measurement, type Metric, metricValue } from './model.js';
import { median } from './noise.js';

/**
 * A slower or faster machine moves every timed benchmark of a run alike. Per run, that shared
 * move is the median over its benchmarks of each one's distance from its own typical level (in
 * log, signed so that slower is positive); taking it out before each benchmark is judged means
 * a slow runner is not a regression of every benchmark, and an odd run in the history does not
 * widen every threshold after it. Median: a real regression of a few benchmarks leaves it alone.
 */

/** Benchmarks a run needs for its shared move to be measured. */
export const SHIFT_MIN_BENCHMARKS = 3;

export interface RunShifts {
  /** Shared move of each history run (by id), in worse-direction log units; 0 when not measured. */
  history: Map<string, number>;
  /** The current run's shared move against the history's levels; 0 when not measured. */
  current: number;
  /** Benchmarks of the current run the move was measured over (0: not measured). */
  benchmarks: number;
}

/** Times and rates move with the machine; sizes and counts do not. */
export function movesWithMachine(unit: string): boolean {
  return /^s(\/|$)/.test(unit) || /\/s$/.test(unit);
}

function signOf(direction: Direction): number {
  return direction === 'smaller-is-better' ? 1 : -1;
}

interface Series {
  sign: number;
  /** log(metric) per history run id. */
  byRun: Map<string, number>;
  current: number;
}

function sharedMove(offsets: readonly number[]): number {
  return offsets.length >= SHIFT_MIN_BENCHMARKS ? median(offsets) : 0;
}

/** `service`: benchmarks that time a service (load tests), which a slower runner does not slow; left out. */
export function runShifts(
  history: readonly Run[],
  current: readonly Measurement[],
  metric: Metric,
  service: ReadonlySet<string> = new Set(),
): RunShifts {
  const series: Series[] = [];
  for (const m of current) {
    if (!movesWithMachine(m.unit) || service.has(m.name)) continue;
    const value = metricValue(m, metric);
    if (!(value > 0)) continue;
    const byRun = new Map<string, number>();
    for (const run of history) {
      const b = run.benchmarks[m.name];
      if (b === undefined || b.unit !== m.unit || b.direction !== m.direction) continue;
      const v = metricValue(b, metric);
      if (v > 0) byRun.set(run.id, Math.log(v));
    }
    if (byRun.size > 0) series.push({ sign: signOf(m.direction), byRun, current: Math.log(value) });
  }
  const shifts = new Map<string, number>(history.map((r) => [r.id, 0]));
  if (series.length < SHIFT_MIN_BENCHMARKS) return { history: shifts, current: 0, benchmarks: 0 };
  // Levels and moves depend on each other: two rounds settle them (the second sees levels
  // without the first round's moves).
  let levels: number[] = [];
  for (let round = 0; round < 2; round++) {
    levels = series.map((s) => median([...s.byRun].map(([id, v]) => s.sign * v - (shifts.get(id) ?? 0))));
    for (const run of history) {
      const offsets: number[] = [];
      series.forEach((s, k) => {
        const v = s.byRun.get(run.id);
        if (v !== undefined) offsets.push(s.sign * v - levels[k]!);
      });
      shifts.set(run.id, sharedMove(offsets));
    }
  }
  const current_ = sharedMove(series.map((s, k) => s.sign * s.current - levels[k]!));
  return { history: shifts, current: current_, benchmarks: series.length };
}
