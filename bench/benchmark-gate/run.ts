// Times benchmark-gate on a large suite: 5,000 benchmarks × 100 samples each, compared
// (a) against one baseline run (100 vs 100 samples per benchmark) and (b) against a history of
// 5 earlier runs (the newest 5 keep samples, so each baseline pools 500 samples, and the
// noise-aware threshold is active). Runs the bundled action as the runner does (bundling it
// first if needed) and reports the compare time the action logs plus the wall time of the step.
//
//   node bench/benchmark-gate/run.ts [benchmarks] [samples]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction } from '../../packages/testing/lib/index.js';

const benchmarks = Number(process.argv[2] ?? 5000);
const samples = Number(process.argv[3] ?? 100);
const slowedEvery = 100; // every 100th benchmark is 15 % slower in the current run

let seed = 20261127;
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

const levels = Array.from({ length: benchmarks }, () => 10 ** (-6 + 3 * rand()));

/** A pytest-benchmark JSON (5.x shape, raw data) for one run. */
function report(slow: boolean): string {
  const list = levels.map((level, i) => {
    const location = level * Math.exp(0.005 * gauss()) * (slow && i % slowedEvery === 0 ? 1.15 : 1);
    const data = Array.from({ length: samples }, () => location * Math.exp(0.02 * gauss()));
    const sorted = [...data].sort((a, b) => a - b);
    const mean = data.reduce((a, b) => a + b, 0) / samples;
    return {
      name: `test_case_${i}`,
      fullname: `tests/test_perf.py::test_case_${i}`,
      stats: {
        min: sorted[0],
        max: sorted[samples - 1],
        mean,
        median: sorted[samples >> 1],
        rounds: samples,
        iterations: 1,
        data,
      },
    };
  });
  return JSON.stringify({ machine_info: { node: 'bench' }, commit_info: {}, benchmarks: list, version: '5.2.3' });
}

function size(file: string): string {
  return `${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;
}

ensureBundled('actions/benchmark-gate');
async function scenario(historyRuns: number): Promise<boolean> {
  const workspace = mkdtempSync(path.join(tmpdir(), 'benchmark-gate-bench-'));
  try {
    for (let r = 0; r < historyRuns; r++) {
      writeFileSync(path.join(workspace, 'run.json'), report(false));
      const step = await runBundledAction('actions/benchmark-gate', {
        workspace,
        inputs: { results: 'run.json', baseline: 'history.json', 'json-file': 'history.json', 'run-id': `base-${r}` },
        timeoutMs: 600_000,
      });
      if (step.exitCode !== 0) throw new Error(`baseline run ${r} failed:\n${step.stdout}\n${step.stderr}`);
    }
    writeFileSync(path.join(workspace, 'current.json'), report(true));
    const started = performance.now();
    const step = await runBundledAction('actions/benchmark-gate', {
      workspace,
      inputs: { results: 'current.json', baseline: 'history.json', 'json-file': 'out.json', 'run-id': 'current' },
      timeoutMs: 600_000,
    });
    const wall = performance.now() - started;
    const timing =
      /compared (\d+) benchmark\(s\) against (\d+) baseline run\(s\) in (\d+) ms, CPU (\d+) ms \(reading took (\d+) ms\)/.exec(
        step.stdout,
      );
    if (!timing) throw new Error(`no timing line in the action's log:\n${step.stdout}\n${step.stderr}`);
    const expected = Math.ceil(benchmarks / slowedEvery);
    console.log(
      `benchmark-gate bench: ${benchmarks} benchmarks × ${samples} samples, baseline history of ${historyRuns} run(s) (${size(path.join(workspace, 'history.json'))}), ` +
        `${Math.min(historyRuns, 5) * samples} baseline samples per benchmark`,
    );
    console.log(`  compare (tests, estimates, Holm): ${timing[3]} ms wall, ${timing[4]} ms CPU`);
    console.log(`  reading report (${size(path.join(workspace, 'current.json'))}) + history: ${timing[5]} ms`);
    console.log(
      `  whole step (node start → exit, incl. writing ${size(path.join(workspace, 'out.json'))}): ${Math.round(wall)} ms`,
    );
    console.log(
      `  status ${step.outputs.status}: ${step.outputs.regressions} regression(s) (${expected} benchmarks were made 15% slower), ${step.outputs.unchanged} unchanged, ${step.outputs.inconclusive} inconclusive`,
    );
    return Number(step.outputs.regressions) === expected;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

const ok = [await scenario(1), await scenario(5)];
if (ok.includes(false)) process.exitCode = 1;
