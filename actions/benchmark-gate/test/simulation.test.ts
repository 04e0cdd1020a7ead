import { describe, expect, it } from 'vitest';
import { simulate, type SimulationOptions, type SimulationResult } from './simulation.js';

// Run with: node_modules/.bin/vitest run actions/benchmark-gate/test/simulation.test.ts
// It prints the table the README quotes (seeded: the same figures on every machine).

const base: Omit<SimulationOptions, 'slowdown' | 'seed'> = {
  trials: 500,
  benchmarks: 20,
  samples: 10,
  // The steady state with the default history-size of 20 runs.
  historyRuns: 20,
  gate: { alpha: 0.01, minRegression: 0.05, noiseFactor: 4, metric: 'median' },
  ratioThresholds: [2, 1.1],
};

interface Scenario {
  label: string;
  options: Partial<SimulationOptions>;
  /** The detection rate the history allows (0: too short for a verdict, so inconclusive). */
  detection: number;
}

const SCENARIOS: Scenario[] = [
  { label: 'independent noise, 20 runs of history', options: {}, detection: 0.95 },
  { label: 'machine-wide drift σ 5% per run, 20 runs', options: { machineNoise: 0.05 }, detection: 0.95 },
  { label: 'one odd run (machine +60–70%) in 20 runs', options: { oddRun: true }, detection: 0.95 },
  { label: 'one odd run (machine +60–70%) in 8 runs', options: { oddRun: true, historyRuns: 8 }, detection: 0.85 },
  { label: 'this run on a machine +60–70%, 20 runs', options: { currentOnSlowMachine: true }, detection: 0.93 },
  { label: '3 runs of history, machine drift σ 5%', options: { historyRuns: 3, machineNoise: 0.05 }, detection: 0 },
  {
    label: '1 run of history, this run on a machine +60–70%',
    options: { historyRuns: 1, currentOnSlowMachine: true },
    detection: 0,
  },
];

const rate = (k: number, r: SimulationResult): string => `${((100 * k) / r.trials).toFixed(1)}%`;

function row(label: string, aa: SimulationResult, ab: SimulationResult): string {
  const ratio = aa.ratio.map((q, i) => `${rate(q.falseAlarmTrials, aa)} / ${rate(ab.ratio[i]!.detected, ab)}`);
  return `| ${label} | ${rate(aa.falseAlarmTrials, aa)} | ${rate(aa.falseImprovementTrials, aa)} | ${rate(ab.detected, ab)} | ${rate(ab.inconclusiveTrials, ab)} | ${ratio.join(' | ')} |`;
}

// Each scenario runs 2 × 400 seeded trials (a few seconds each; more on a loaded machine).
const TIMEOUT = 300_000;

describe('seeded simulation of CI benchmark noise: A/A false alarms and detection of one benchmark 10% slower', () => {
  const lines = [
    `${base.trials} trials per cell × ${base.benchmarks} benchmarks × ${base.samples} samples per run; benchmark-gate at its defaults (alpha 0.01, min-regression 5%, noise-factor 4) vs github-action-benchmark's ratio rule (this run's mean over the previous run's).`,
    '',
    '| scenario | false regression (A/A) | false improvement (A/A) | 10% slowdown detected | inconclusive (A/B) | ratio 200%: false alarm / detected | ratio 110%: false alarm / detected |',
    '|---|---|---|---|---|---|---|',
  ];

  it.each(SCENARIOS)(
    '$label',
    ({ label, options, detection }) => {
      const aa = simulate({ ...base, ...options, seed: 20261127, slowdown: 0 });
      const ab = simulate({ ...base, ...options, seed: 424242, slowdown: 0.1 });
      lines.push(row(label, aa, ab));
      // Never more than alpha of the runs page on a benchmark that did not change, whatever the
      // machine did; an improvement that is not there is reported in at most 2.5% of runs.
      expect(aa.falseAlarmTrials / aa.trials).toBeLessThanOrEqual(base.gate.alpha);
      expect(ab.falseAlarmTrials / ab.trials).toBeLessThanOrEqual(base.gate.alpha);
      expect(aa.falseImprovementTrials / aa.trials).toBeLessThanOrEqual(0.025);
      if (detection > 0) expect(ab.detected / ab.trials).toBeGreaterThanOrEqual(detection);
      // Too short a history: no verdict on the slowed benchmark, never a false one.
      else expect(ab.inconclusiveTrials / ab.trials).toBeGreaterThanOrEqual(0.95);
      // On a steady machine the ratio rule at its default 200% never sees a 10% slowdown.
      if (!options.currentOnSlowMachine) expect(ab.ratio[0]!.detected).toBe(0);
    },
    TIMEOUT,
  );

  it('prints the table', () => {
    console.log(lines.join('\n'));
    expect(lines.length).toBe(4 + SCENARIOS.length);
  });
});
