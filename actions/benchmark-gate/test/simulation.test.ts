import { describe, expect, it } from 'vitest';
import { simulate, type SimulationOptions, type SimulationResult } from './simulation.js';

const base: Omit<SimulationOptions, 'slowdown' | 'seed'> = {
  trials: 1000,
  benchmarks: 20,
  samples: 10,
  // The steady state with the default history-size of 20 runs.
  historyRuns: 20,
  gate: { alpha: 0.01, minRegression: 0.05, noiseFactor: 4, metric: 'median' },
  ratioThresholds: [2, 1.1],
};

function describeResult(label: string, r: SimulationResult): string {
  const rate = (k: number): string => `${((100 * k) / r.trials).toFixed(1)}%`;
  const lines = [
    `${label}: ${r.trials} trials × ${base.benchmarks} benchmarks × ${base.samples} samples per side`,
    `  benchmark-gate: runs with a false regression ${rate(r.falseAlarmTrials)}, slowed benchmark detected ${rate(r.detected)}, runs with an inconclusive verdict ${rate(r.inconclusiveTrials)}`,
    ...r.ratio.map((q) => `  ratio rule at ${Math.round(q.threshold * 100)}%: runs with a false alarm ${rate(q.falseAlarmTrials)}, slowed benchmark detected ${rate(q.detected)}`),
  ];
  return lines.join('\n');
}

// Each case runs 1,000 seeded trials (a few seconds; more on a loaded machine).
const TIMEOUT = 180_000;

describe('seeded simulation of CI benchmark noise', () => {
  it('A/A: at most alpha of the runs have any false regression (history of 20 runs)', () => {
    const r = simulate({ ...base, seed: 20261127, slowdown: 0 });
    console.log(describeResult('A/A', r));
    expect(r.falseAlarmTrials / r.trials).toBeLessThanOrEqual(base.gate.alpha);
    // The naive rule at 110% pages on most runs of the same data.
    expect(r.ratio[1]!.falseAlarmTrials / r.trials).toBeGreaterThan(0.1);
  }, TIMEOUT);

  it('a true 10% slowdown of one benchmark with 10 samples per side is detected in at least 95% of trials', () => {
    const r = simulate({ ...base, seed: 424242, slowdown: 0.1 });
    console.log(describeResult('A/B (one benchmark 10% slower)', r));
    expect(r.detected / r.trials).toBeGreaterThanOrEqual(0.95);
    expect(r.falseAlarmTrials / r.trials).toBeLessThanOrEqual(base.gate.alpha);
    // The ratio rule at its default 200% never sees a 10% slowdown.
    expect(r.ratio[0]!.detected).toBe(0);
    // The ratio rule at 110% catches about half of them and pages on a third of all runs.
    expect(r.ratio[1]!.detected / r.trials).toBeLessThan(r.detected / r.trials);
  }, TIMEOUT);

  it('without a history (one baseline run) the threshold cannot see the run-to-run drift: the history is what keeps false alarms within alpha', () => {
    const first = simulate({ ...base, seed: 7, slowdown: 0, historyRuns: 1 });
    console.log(describeResult('A/A, one baseline run, no history', first));
    const steady = simulate({ ...base, seed: 7, slowdown: 0 });
    console.log(describeResult('A/A, same seed, history of 20 runs', steady));
    expect(steady.falseAlarmTrials / steady.trials).toBeLessThanOrEqual(base.gate.alpha);
    expect(first.falseAlarmTrials).toBeGreaterThan(steady.falseAlarmTrials);
  }, TIMEOUT);
});
