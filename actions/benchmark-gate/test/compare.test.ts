import { describe, expect, it } from 'vitest';
import { compare } from '../src/compare.js';
import { rollingReference, runToRunNoise } from '../src/noise.js';
import { appendRun, buildRun, emptyHistory, type HistoryDocument } from '../src/history.js';
import type { Direction, Measurement } from '../src/model.js';
import { rng } from './simulation.js';
import { DEFAULTS } from './helpers.js';

const at = (i: number): string => new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();

function sampled(
  name: string,
  level: number,
  rand: () => number,
  n = 20,
  spread = 0.01,
  direction: Direction = 'smaller-is-better',
): Measurement {
  const samples = Array.from({ length: n }, () => level * (1 + spread * (rand() * 2 - 1)));
  return { name, unit: 's', direction, samples, n, mean: samples.reduce((a, b) => a + b, 0) / n };
}

function single(name: string, value: number, unit = 's'): Measurement {
  return { name, unit, direction: 'smaller-is-better', n: 1, mean: value, median: value, min: value, max: value };
}

function history(levels: number[][], make: (name: string, level: number, i: number) => Measurement): HistoryDocument {
  let doc = emptyHistory();
  levels.forEach((row, i) => {
    doc = appendRun(
      doc,
      buildRun(
        row.map((level, k) => make(`b${k}`, level, i)),
        { id: `r${i}`, timestamp: at(i) },
      ),
      50,
    );
  });
  return doc;
}

describe('compare', () => {
  it('noise-aware: +12% on a benchmark whose runs swing ±8% is not a regression; the same +12% on a quiet one is', () => {
    const rand = rng(1);
    const noisy = [1, 1.08, 0.93, 1.06, 0.95, 1.07, 0.92, 1.05];
    const doc = history(
      noisy.map((n) => [n, 1]),
      (name, level) => sampled(name, level, rand),
    );
    const c = compare(doc.runs, [sampled('b0', 1.12 * 1.05, rand), sampled('b1', 1.12, rand)], DEFAULTS);
    const b0 = c.results.find((r) => r.name === 'b0')!;
    const b1 = c.results.find((r) => r.name === 'b1')!;
    expect(b0.verdict).not.toBe('regression');
    expect(b0.threshold!).toBeGreaterThan(0.2);
    expect(b0.noise!).toBeGreaterThan(0.04);
    expect(b1.verdict).toBe('regression');
    expect(b1.threshold).toBeCloseTo(0.05, 10);
  });

  it('after an accepted step change the reference restarts at the new level, so the next run does not page again', () => {
    const rand = rng(2);
    const levels = [1, 1.005, 0.995, 1.002, 0.998, 1.001, 1.2];
    const doc = history(
      levels.map((l) => [l]),
      (name, level) => sampled(name, level, rand, 20, 0.005),
    );
    const c = compare(doc.runs, [sampled('b0', 1.2, rand, 20, 0.005)], DEFAULTS);
    expect(c.results[0]!.verdict).toBe('unchanged');
    expect(c.results[0]!.referenceRuns).toBe(1);
    expect(rollingReference([1, 1, 1, 1, 1.2].map(Math.log), 0.005, 4).runs).toBe(1);
    expect(rollingReference([1, 1.01, 0.99, 1].map(Math.log), 0.01, 4).runs).toBe(4);
  });

  it('one value per run (custom format): inconclusive without a history, a prediction test with one', () => {
    const first = compare(
      [buildRun([single('lat', 0.01)], { id: 'r0', timestamp: at(0) })],
      [single('lat', 0.02)],
      DEFAULTS,
    );
    expect(first.results[0]).toMatchObject({ verdict: 'inconclusive', method: 'none' });
    expect(first.results[0]!.reason).toMatch(/one value per run/);

    const values = [0.01, 0.0101, 0.0099, 0.01, 0.01005, 0.00995];
    const doc = history(
      values.map((v) => [v]),
      (name, v) => single(name, v),
    );
    const jump = compare(doc.runs, [single('b0', 0.013)], DEFAULTS);
    expect(jump.results[0]).toMatchObject({ verdict: 'regression', method: 'prediction' });
    const same = compare(doc.runs, [single('b0', 0.01002)], DEFAULTS);
    expect(same.results[0]!.verdict).toBe('unchanged');
  });

  it('summaries only: Welch on mean, sd and n', () => {
    const s = (name: string, mean: number): Measurement => ({
      name,
      unit: 's',
      direction: 'smaller-is-better',
      n: 30,
      mean,
      sd: mean * 0.02,
    });
    const c = compare([buildRun([s('a', 1), s('b', 1)], { id: 'r0', timestamp: at(0) })], [s('a', 1.2), s('b', 1.01)], {
      ...DEFAULTS,
      sameRunner: true,
    });
    expect(c.results.map((r) => [r.name, r.verdict, r.method])).toEqual([
      ['a', 'regression', 'welch'],
      ['b', 'unchanged', 'welch'],
    ]);
  });

  it('bigger is better: a 20% throughput drop regresses, a 20% rise improves', () => {
    const rand = rng(3);
    const base = buildRun(
      [
        sampled('down', 100, rand, 20, 0.01, 'bigger-is-better'),
        sampled('up', 100, rand, 20, 0.01, 'bigger-is-better'),
      ],
      { id: 'r0', timestamp: at(0) },
    );
    const c = compare(
      [base],
      [sampled('down', 80, rand, 20, 0.01, 'bigger-is-better'), sampled('up', 120, rand, 20, 0.01, 'bigger-is-better')],
      { ...DEFAULTS, sameRunner: true },
    );
    expect(c.results.map((r) => [r.name, r.verdict])).toEqual([
      ['down', 'regression'],
      ['up', 'improvement'],
    ]);
    expect(c.results[0]!.change!).toBeCloseTo(-0.2, 1);
  });

  it('new and missing benchmarks; a unit mismatch is an error naming the benchmark', () => {
    const rand = rng(4);
    const base = buildRun([sampled('kept', 1, rand), sampled('gone', 1, rand)], { id: 'r0', timestamp: at(0) });
    const c = compare([base], [sampled('kept', 1, rand), sampled('fresh', 1, rand)], DEFAULTS);
    expect(c.results.map((r) => [r.name, r.verdict])).toEqual([
      ['gone', 'missing'],
      ['fresh', 'new'],
      ['kept', 'unchanged'],
    ]);
    expect(() => compare([base], [single('kept', 1, 'ops/s')], DEFAULTS)).toThrow(
      /benchmark 'kept': unit 'ops\/s' does not match the baseline's 's'/,
    );
  });

  it('run-to-run noise: robust to one step, consistent on normal data', () => {
    expect(runToRunNoise([1, 1, 1])).toBeUndefined();
    const rand = rng(5);
    const gauss = (): number => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    const values = Array.from({ length: 2000 }, () => Math.exp(0.02 * gauss()));
    expect(runToRunNoise(values)!).toBeGreaterThan(0.018);
    expect(runToRunNoise(values)!).toBeLessThan(0.022);
    const withStep = [...values.slice(0, 1000), ...values.slice(1000).map((v) => v * 1.5)];
    expect(runToRunNoise(withStep)!).toBeLessThan(0.022);
  });

  it('one earlier run from another workflow run: 20% beyond the minimum is inconclusive, not a verdict; 3× is a regression', () => {
    const rand = rng(6);
    const base = buildRun([sampled('a', 1, rand), sampled('b', 1, rand)], { id: 'r0', timestamp: at(0) });
    const c = compare([base], [sampled('a', 1.2, rand), sampled('b', 3, rand)], DEFAULTS);
    const a = c.results.find((r) => r.name === 'a')!;
    expect(a.verdict).toBe('inconclusive');
    expect(a.reason).toMatch(
      /^worse by 2\d\.\d%, beyond the 5\.0% minimum, but within the 7\d\.\d% a shared runner can drift between runs; 1 earlier run\(s\), the history measures this benchmark's own noise from 5$/,
    );
    expect(c.results.find((r) => r.name === 'b')!.verdict).toBe('regression');
    // The same 20% better is not called an improvement either.
    const better = compare([base], [sampled('a', 0.8, rand), sampled('b', 1, rand)], DEFAULTS);
    expect(better.results.find((r) => r.name === 'a')!.verdict).toBe('inconclusive');
  });

  it('a whole run on a slower machine is no regression; one benchmark slower than the rest of that run still is', () => {
    const rand = rng(7);
    const names = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5'];
    const doc = history([names.map(() => 1), names.map(() => 1)], (name, level) => sampled(name, level, rand));
    // Every benchmark 65% slower (the runner), and 'b5' three times slower on top of it.
    const slow = compare(
      doc.runs,
      names.map((n) => sampled(n, n === 'b5' ? 1.65 * 3 : 1.65, rand)),
      DEFAULTS,
    );
    expect(slow.runMove).toMatchObject({ benchmarks: 6, beyond: true });
    expect(slow.runMove!.change).toBeCloseTo(0.65, 1);
    expect(slow.results.filter((r) => r.verdict === 'regression').map((r) => r.name)).toEqual(['b5']);
    const rest = slow.results.filter((r) => r.name !== 'b5');
    expect(
      rest.every(
        (r) => r.verdict === 'inconclusive' && /the whole run is 6\d\.\d% slower \(6 timed benchmarks\)/.test(r.reason),
      ),
    ).toBe(true);
    // b5's change is against the rest of its run: three times, not five.
    expect(slow.results.find((r) => r.name === 'b5')!.change!).toBeCloseTo(2, 0);
  });

  it('one odd run in the history does not widen the thresholds after it: a real +71% regression is caught at 5 and at 8 runs', () => {
    for (const runs of [5, 8]) {
      const rand = rng(100 + runs);
      const levels = Array.from({ length: runs }, (_, i) => (i === 2 ? 1.65 : 1 + 0.01 * (rand() - 0.5)));
      // One benchmark only: no run move can be measured, the odd run must be recognised in its own series.
      const doc = history(
        levels.map((l) => [l]),
        (name, level) => sampled(name, level, rand),
      );
      const c = compare(doc.runs, [sampled('b0', 1.71, rand)], DEFAULTS);
      expect(c.results[0]!.verdict, `${runs} runs`).toBe('regression');
      expect(c.results[0]!.threshold!, `${runs} runs`).toBeLessThan(0.1);
      expect(runToRunNoise(levels)!).toBeLessThan(0.02);
    }
    // Without recognising it, the spread of those runs is ~25%.
    expect(runToRunNoise([1, 1.004, 1.65, 0.998, 1.002].concat([1.001]))!).toBeLessThan(0.02);
  });
});
