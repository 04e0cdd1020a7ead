import { describe, expect, it } from 'vitest';
import { floatRef } from '../src/sim-float.js';
import { simulate, type SimConfig } from '../src/sim-engine.js';
import { validateGraph } from '../src/validate.js';
import { loadGraph, spikeSteps, trace } from './helpers.js';

const config: SimConfig = { dt: 1e-4, steps: 1000, resetMode: 'zero', recordVoltageMaxNeurons: 1024 };

describe('float-ref', () => {
  it('reproduces the Norse LIF trace of the NIR paper (voltage within 1e-6, the same 4 spikes)', async () => {
    const graph = await loadGraph('nir-paper/lif/lif_norse.nir');
    const info = validateGraph(graph, config.dt);
    const norse = trace('lif_norse.csv');
    const record = simulate(
      graph,
      info,
      floatRef.prepare(graph, info, config),
      new Map([['input', norse.input]]),
      config,
    );
    const v = record.voltages.get('1') as Float64Array;
    let maxErr = 0;
    for (let t = 0; t < 1000; t++) maxErr = Math.max(maxErr, Math.abs((v[t] as number) - (norse.v[t] as number)));
    expect(maxErr).toBeLessThan(1e-6);
    expect(spikeSteps(record.spikes.get('1') as Uint8Array)).toEqual([460, 510, 710, 760]);
    expect(spikeSteps(norse.spikes)).toEqual([460, 510, 710, 760]);
    expect(spikeSteps(record.outputs.get('output') as Float64Array)).toEqual([460, 510, 710, 760]);
  });
});
