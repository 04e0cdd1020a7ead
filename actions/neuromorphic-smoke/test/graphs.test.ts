import { describe, expect, it } from 'vitest';
import { compareSpikes } from '../src/compare.js';
import { lintConstraints } from '../src/constraints.js';
import { generateStimulus } from '../src/data.js';
import { runSimulator } from '../src/evaluate.js';
import { size } from '../src/nir-types.js';
import { PROFILES } from '../src/profiles.js';
import type { SimConfig } from '../src/sim-engine.js';
import { floatRef } from '../src/sim-float.js';
import { loihi2BitAcc } from '../src/sim-loihi.js';
import { spinnakerFixed } from '../src/sim-spinnaker.js';
import { validateGraph } from '../src/validate.js';
import { loadGraph } from './helpers.js';

// Sinabs' IF integrates r·I per step: in NIR's continuous form that is dt = 1.
const CASES = [
  {
    file: 'nir-paper/graphs/cnn_sinabs.nir',
    dt: 1,
    rate: 0.1,
    input: [2, 34, 34],
    output: [10],
    neurons: 8970,
    synapses: 838688,
    cycles: 0,
  },
  {
    file: 'nir-paper/graphs/braille_noDelay_bias_zero.nir',
    dt: 1e-4,
    rate: 0.2,
    input: [12],
    output: [7],
    neurons: 45,
    synapses: 2166,
    cycles: 1,
  },
  {
    file: 'nir-paper/graphs/braille_noDelay_noBias_subtract.nir',
    dt: 1e-4,
    rate: 0.2,
    input: [12],
    output: [7],
    neurons: 47,
    synapses: 2360,
    cycles: 1,
  },
] as const;

// The constraint reports, as the lint states them (cores = neurons and synapse memory per layer).
const REPORTS: Record<string, Record<string, { verdict: string; cores: number; fanIn: number }>> = {
  'nir-paper/graphs/cnn_sinabs.nir': {
    loihi2: { verdict: 'fits', cores: 16, fanIn: 256 },
    spinnaker1: { verdict: 'fits', cores: 40, fanIn: 256 },
    spinnaker2: { verdict: 'fits', cores: 40, fanIn: 256 },
  },
  'nir-paper/graphs/braille_noDelay_bias_zero.nir': {
    loihi2: { verdict: 'fits', cores: 2, fanIn: 50 },
    spinnaker1: { verdict: 'fits', cores: 2, fanIn: 50 },
    spinnaker2: { verdict: 'fits', cores: 2, fanIn: 50 },
  },
  'nir-paper/graphs/braille_noDelay_noBias_subtract.nir': {
    loihi2: { verdict: 'fits', cores: 2, fanIn: 52 },
    spinnaker1: { verdict: 'fits', cores: 2, fanIn: 52 },
    spinnaker2: { verdict: 'fits', cores: 2, fanIn: 52 },
  },
};

describe.each(CASES)('$file', (c) => {
  it('loads, validates (shapes, cycles) and states its constraint report per profile', async () => {
    const graph = await loadGraph(c.file);
    expect(graph.version).toBe('0.2.0');
    const info = validateGraph(graph, c.dt);
    expect(info.shapes.get(info.inputs[0] as string)).toEqual(c.input);
    expect(info.shapes.get(info.outputs[0] as string)).toEqual(c.output);
    expect(info.backEdges).toHaveLength(c.cycles);
    if (c.cycles > 0) expect(info.findings.find((f) => f.rule === 'cycle')?.detail).toContain('lif1.w_rec -> lif1.lif');
    for (const profile of Object.values(PROFILES)) {
      const report = lintConstraints(graph, info, profile);
      const expected = REPORTS[c.file]?.[profile.name];
      expect({
        verdict: report.verdict,
        cores: report.coresEstimate,
        fanIn: report.rows.find((r) => r.rule === 'fan-in')?.value,
      }).toEqual(expected);
      expect(report.neurons).toBe(c.neurons);
      expect(report.synapses).toBe(c.synapses);
    }
  });

  it('runs on all three simulators with a generated stimulus, deterministically and close to float-ref', async () => {
    const graph = await loadGraph(c.file);
    const info = validateGraph(graph, c.dt);
    const config: SimConfig = {
      dt: c.dt,
      steps: 100,
      resetMode: c.file.includes('subtract') ? 'subtract' : 'zero',
      recordVoltageMaxNeurons: 64,
    };
    const stim = generateStimulus(
      info.inputs.map((name) => ({ name, neurons: size(info.shapes.get(name) ?? []) })),
      100,
      1,
      c.rate,
      7,
    );
    const ref = runSimulator(floatRef, graph, info, stim, config);
    const outName = info.outputs[0] as string;
    for (const backend of [floatRef, loihi2BitAcc, spinnakerFixed]) {
      const run = runSimulator(backend, graph, info, stim, config);
      const out = run.spikes.get(outName);
      expect(out?.neurons).toBe(size(c.output));
      expect(run.spikeCount).toBeGreaterThan(0);
      expect(run.synapticEvents).toBeGreaterThan(0);
      // Every spiking layer keeps the reference's activity pattern (the NIR paper's metric).
      for (const [node, ref0] of ref.spikes) {
        const ours = run.spikes.get(node);
        const cos = compareSpikes(ours?.values ?? [], ref0.values, 1, 100, ref0.neurons, 1).rateCosine;
        expect(cos, `${backend.name} ${node}`).toBeGreaterThan(0.9);
      }
      const again = runSimulator(backend, graph, info, stim, config);
      expect(Array.from(again.spikes.get(outName)?.values ?? [])).toEqual(Array.from(out?.values ?? []));
    }
  }, 180_000);
});
