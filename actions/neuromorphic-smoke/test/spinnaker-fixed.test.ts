import { describe, expect, it } from 'vitest';
import { mul, quantiseWeights16, toFixed } from '../src/s1615.js';
import { spinnakerFixed } from '../src/sim-spinnaker.js';
import { simulate, type SimConfig } from '../src/sim-engine.js';
import { validateGraph } from '../src/validate.js';
import { loadGraph, spikeSteps, trace } from './helpers.js';

const config: SimConfig = { dt: 1e-4, steps: 1000, resetMode: 'zero', recordVoltageMaxNeurons: 1024 };

describe('spinnaker-fixed', () => {
  it('gives the SpiNNaker2 reference spike count, each spike within ±1 step', async () => {
    const graph = await loadGraph('nir-paper/lif/lif_norse.nir');
    const info = validateGraph(graph, config.dt);
    const s2 = trace('lif_spinnaker2.csv');
    const record = simulate(
      graph,
      info,
      spinnakerFixed.prepare(graph, info, config),
      new Map([['input', s2.input]]),
      config,
    );
    const ours = spikeSteps(record.spikes.get('1') as Uint8Array);
    const reference = spikeSteps(s2.spikes);
    expect(reference).toEqual([460, 510, 710, 760]);
    expect(ours).toHaveLength(reference.length);
    ours.forEach((t, i) => expect(Math.abs(t - (reference[i] as number))).toBeLessThanOrEqual(1));
    // Voltages sit on the s16.15 grid.
    const v = record.voltages.get('1') as Float64Array;
    for (const x of v) expect(Number.isInteger(x * 2 ** 15)).toBe(true);
  });

  it('rounds s16.15 products to nearest and stores weights in 16 bits with a shift', () => {
    expect(toFixed(0.1)).toBe(3277);
    expect(mul(toFixed(0.5), toFixed(0.25))).toBe(toFixed(0.125));
    const q = quantiseWeights16(new Float64Array([3.0, 0.0001]));
    expect(q.fractionBits).toBe(13);
    expect(q.raw[1]).toBe(4); // 0.0001 survives only as 1/8192 = 4/32768
  });
});
