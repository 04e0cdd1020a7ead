// Benchmark of the neuromorphic-smoke simulators: the NIR paper's N-MNIST CNN (cnn_sinabs.nir),
// 300 steps, one generated sample, on float-ref, loihi2-bitacc and spinnaker-fixed.
// Runs the bundled action (what users run) and reads its results.json.
// Usage: node bench/neuromorphic/run.ts [--steps 300] [--rate 0.1]
// Needs actions/neuromorphic-smoke/dist (pnpm --filter @spikeformer-actions/neuromorphic-smoke bundle)
// and the repository's fixtures/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(repo, 'actions/neuromorphic-smoke/dist/index.js');
const graph = path.resolve(repo, 'fixtures/neuromorphic/nir-paper/graphs/cnn_sinabs.nir');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const steps = Number(arg('steps', '300'));
const rate = Number(arg('rate', '0.1'));

if (!existsSync(dist)) {
  console.error(`missing ${dist}: run pnpm --filter @spikeformer-actions/neuromorphic-smoke bundle first`);
  process.exit(2);
}
if (!existsSync(graph)) {
  console.error(`missing fixture ${graph}`);
  process.exit(2);
}

const ws = mkdtempSync(path.join(tmpdir(), 'nm-bench-'));
copyFileSync(graph, path.join(ws, 'cnn_sinabs.nir'));
for (const f of ['output', 'summary', 'state']) writeFileSync(path.join(ws, f), '');
const inputs: Record<string, string> = {
  graph: 'cnn_sinabs.nir',
  dt: '1', // Sinabs' IF integrates r·I per step
  steps: String(steps),
  stimulus: `generate:rate=${rate},seed=1,samples=1`,
  backends: 'float-ref,loihi2-bitacc,spinnaker-fixed',
  profile: 'loihi2',
  'energy-model': 'loihi1-davies2018',
  'fail-on-constraints': 'never',
  'reset-mode': 'zero',
  results: 'results.json',
};
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  GITHUB_WORKSPACE: ws,
  GITHUB_OUTPUT: path.join(ws, 'output'),
  GITHUB_STEP_SUMMARY: path.join(ws, 'summary'),
  GITHUB_STATE: path.join(ws, 'state'),
};
for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
const started = performance.now();
const child = spawnSync(process.execPath, [dist], { cwd: ws, env, encoding: 'utf8', timeout: 600_000 });
const totalS = (performance.now() - started) / 1000;
if (child.status !== 0) {
  console.error(child.stdout, child.stderr);
  process.exit(1);
}
interface Backend {
  name: string;
  metrics: {
    wall_ms_per_step: number;
    synaptic_events_per_s: number | null;
    spike_count_total: number | null;
    rate_cosine_vs_ref: number | null;
  };
  energy: { synops: number; neuron_updates: number; joules_est: number | null };
}
const results = JSON.parse(readFileSync(path.join(ws, 'results.json'), 'utf8')) as {
  graph: { neurons: number; synapses: number };
  backends: Backend[];
};
console.log(
  `cnn_sinabs.nir: ${results.graph.neurons} neurons, ${results.graph.synapses} synapses; ${steps} steps, 1 sample, Bernoulli input rate ${rate}; node ${process.version}`,
);
console.log('backend           ms/step   synaptic events/s   synaptic events   output spikes   rate cos vs float-ref');
for (const b of results.backends) {
  const m = b.metrics;
  console.log(
    `${b.name.padEnd(16)} ${m.wall_ms_per_step.toFixed(2).padStart(8)}   ${(m.synaptic_events_per_s ?? 0).toExponential(3).padStart(17)}   ${String(b.energy.synops).padStart(15)}   ${String(m.spike_count_total ?? '').padStart(13)}   ${(m.rate_cosine_vs_ref ?? 1).toFixed(4)}`,
  );
}
console.log(`whole action run (load, lint, 3 simulators, recordings): ${totalS.toFixed(1)} s`);
rmSync(ws, { recursive: true, force: true });
