import { describe, expect, it } from 'vitest';
import { decayConstant, quantiseWeights, thresholdMantissa, wrap24 } from '../src/loihi-quant.js';
import { loihi2BitAcc } from '../src/sim-loihi.js';
import { simulate, type SimConfig } from '../src/sim-engine.js';
import { validateGraph } from '../src/validate.js';
import { loadGraph, spikeSteps, trace } from './helpers.js';

const config: SimConfig = { dt: 1e-4, steps: 1000, resetMode: 'zero', recordVoltageMaxNeurons: 1024 };

describe('loihi2-bitacc', () => {
  it("reproduces Lava's fixed-point CPU trace bit-exactly (all 1000 voltages, spikes at 461, 511, 711, 761)", async () => {
    const graph = await loadGraph('nir-paper/lif/lif_norse.nir');
    const info = validateGraph(graph, config.dt);
    const lava = trace('lif_lava_cpu_fixed.csv');
    const prepared = loihi2BitAcc.prepare(graph, info, config);
    const record = simulate(graph, info, prepared, new Map([['input', lava.input]]), config);
    const v = record.voltages.get('1') as Float64Array;
    const mismatches: number[] = [];
    for (let t = 0; t < 1000; t++) if (v[t] !== lava.v[t]) mismatches.push(t);
    expect(mismatches).toEqual([]);
    expect(Array.from(v.slice(60, 64))).toEqual([0, 640, 614, 589]);
    expect(spikeSteps(record.spikes.get('1') as Uint8Array)).toEqual([461, 511, 711, 761]);
    expect(spikeSteps(lava.spikes)).toEqual([461, 511, 711, 761]);
  });

  it("uses the NIR paper's quantiser constants for that neuron", () => {
    expect(decayConstant(1e-4, 0.0025)).toBe(163);
    expect(thresholdMantissa(0.1)).toBe(25);
    const q = quantiseWeights(new Float64Array([(1e-4 / 0.0025) * 256]));
    expect([q.weights[0], q.weightExp, q.mode]).toEqual([10, 0, 'excitatory']);
  });

  it('applies Lava weight rules: mixed sign in even steps, exponent raised on overflow, 24-bit wrap', () => {
    const mixed = quantiseWeights(new Float64Array([101.7, -33.2, 0]));
    expect(Array.from(mixed.weights)).toEqual([100, -34, 0]);
    const big = quantiseWeights(new Float64Array([1000, 10]));
    expect(big.weightExp).toBe(2);
    expect(Array.from(big.weights)).toEqual([250, 2]);
    expect(wrap24(2 ** 23 + 1)).toBe(-(2 ** 23) + 1);
    expect(wrap24(-(2 ** 23))).toBe(-(2 ** 23));
    expect(wrap24(-(2 ** 23) - 1)).toBe(2 ** 23 - 1);
  });
});
