import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, parseStatus } from '../src/adapter-protocol.js';
import { compareSpikes, cosine, predictions } from '../src/compare.js';
import { parseCsv } from '../src/csv.js';
import {
  csvActivity,
  generateStimulus,
  graphDataTree,
  jsonActivity,
  readGraphData,
  splitColumnSpec,
} from '../src/data.js';
import { estimateEnergy, LOIHI1_DAVIES2018, parseEnergyModel } from '../src/energy.js';
import { readH5, writeH5 } from '../src/h5.js';
import { dataset, group } from '../src/h5-tree.js';
import { parseGolden, parseStimulus } from '../src/inputs.js';
import { parseProfile } from '../src/profiles.js';
import { parseTolerances } from '../src/tolerances.js';
import { runSimulator } from '../src/evaluate.js';
import type { NirGraph, NirNode } from '../src/nir-types.js';
import { floatRef } from '../src/sim-float.js';
import { validateGraph } from '../src/validate.js';

describe('comparisons', () => {
  it('matches spikes greedily within ±k and reports the first mismatch', () => {
    // one neuron, 10 steps: a = 2, 5, 9; b = 3, 5
    const a = [0, 0, 1, 0, 0, 1, 0, 0, 0, 1];
    const b = [0, 0, 0, 1, 0, 1, 0, 0, 0, 0];
    const c = compareSpikes(a, b, 1, 10, 1, 1);
    expect(c).toMatchObject({
      countA: 3,
      countB: 2,
      maxShift: 1,
      unmatched: 1,
      firstMismatch: { sample: 0, neuron: 0, step: 9 },
    });
    expect(compareSpikes(a, b, 1, 10, 1, 0).unmatched).toBe(3);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [0, 0])).toBeNull(); // both silent: undefined, not agreement
    expect(cosine([2, 2], [1, 1])).toBeCloseTo(1, 12);
  });

  it('predicts the class with most output spikes per sample', () => {
    // 2 samples × 2 steps × 3 neurons
    const out = [0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0];
    expect(predictions(out, 2, 2, 3)).toEqual([1, 0]);
    expect(predictions([0, 0, 0], 1, 1, 3)).toEqual([-1]);
  });
});

describe('data formats', () => {
  it('round-trips NIRGraphData through HDF5 (TimeGriddedData, labels, dt)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nm-data-')), 'd.h5');
    const stim = generateStimulus([{ name: 'input', neurons: 3 }], 20, 2, 0.5, 3);
    await writeH5(file, graphDataTree({ ...stim, dt: 1e-3, labels: [4, 2] }), { compress: true });
    const back = readGraphData(await readH5(file), undefined);
    expect(back).toMatchObject({ samples: 2, steps: 20, dt: 1e-3, labels: [4, 2] });
    expect(Array.from(back.nodes.get('input')?.spikes ?? [])).toEqual(
      Array.from(stim.nodes.get('input')?.spikes ?? []),
    );
  });

  it('reads EventData (idx, time) into a raster', () => {
    const obs = group(
      { idx: dataset([0, 2, 2], [3], 'int'), time: dataset([0.001, 0.002, 0.004], [3], 'float') },
      { n_neurons: [3], t_max: [0.005] },
    );
    const data = readGraphData(
      group({ nodes: group({ out: group({ observables: group({ spikes: obs }) }) }) }, { __type__: ['NIRGraphData'] }),
      1e-3,
    );
    expect(data.steps).toBe(5);
    expect(Array.from(data.nodes.get('out')?.spikes ?? [])).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('reads CSV columns by spec and JSON rasters; bad specs are refused', () => {
    const csv = parseCsv('in,v,out\n0,0.5,0\n1,0,1\n');
    const d = csvActivity(csv, splitColumnSpec('x.csv#spikes=out,v=1').columns, 'lif');
    expect(Array.from(d.nodes.get('lif')?.spikes ?? [])).toEqual([0, 1]);
    expect(Array.from(d.nodes.get('lif')?.v ?? [])).toEqual([0.5, 0]);
    expect(() => csvActivity(csv, new Map(), 'lif')).toThrow(/column spec/);
    expect(() => splitColumnSpec('x.csv#volts=1')).toThrow(/spikes, v or label/);
    expect(() => parseCsv('1,2\n3\n')).toThrow(/2 columns|1 columns/);
    const j = jsonActivity({
      labels: [1],
      nodes: {
        out: {
          spikes: [
            [0, 1],
            [1, 0],
          ],
        },
      },
    });
    expect(j).toMatchObject({ samples: 1, steps: 2, labels: [1] });
    expect(() => jsonActivity({ nodes: { out: { spikes: [[0, 1], [1]] } } })).toThrow(
      /step 1 has 1 values, expected 2/,
    );
  });

  it('generates the same stimulus for the same seed and a different one for another', () => {
    const a = generateStimulus([{ name: 'i', neurons: 50 }], 40, 1, 0.2, 1).nodes.get('i')?.spikes;
    const b = generateStimulus([{ name: 'i', neurons: 50 }], 40, 1, 0.2, 1).nodes.get('i')?.spikes;
    const c = generateStimulus([{ name: 'i', neurons: 50 }], 40, 1, 0.2, 2).nodes.get('i')?.spikes;
    expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []));
    expect(Array.from(a ?? [])).not.toEqual(Array.from(c ?? []));
    const rate = (a ?? new Float64Array()).reduce((s, x) => s + x, 0) / 2000;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.25);
  });
});

describe('inputs, tolerances, profiles, energy', () => {
  it('parses golden lines per backend and stimulus generators', () => {
    expect(parseGolden(['a.h5'], ['float-ref'])).toEqual(new Map([['*', 'a.h5']]));
    expect(parseGolden(['loihi2-bitacc: l.csv#spikes=2', 'b.h5'], ['loihi2-bitacc'])).toEqual(
      new Map([
        ['loihi2-bitacc', 'l.csv#spikes=2'],
        ['*', 'b.h5'],
      ]),
    );
    expect(parseGolden(['hardware: h.h5'], ['float-ref'])).toMatch(/not in 'backends'/);
    expect(parseStimulus('generate:rate=0.3,seed=9')).toEqual({ kind: 'generate', rate: 0.3, seed: 9, samples: 1 });
    expect(parseStimulus('generate:rate=2')).toMatch(/rate=<0..1>/);
    expect(parseStimulus('s.h5')).toEqual({ kind: 'file', spec: 's.h5' });
  });

  it('validates tolerances', () => {
    const t = parseTolerances({ spike_time_steps: 10, bitexact: false });
    expect(t.ok && t.value).toMatchObject({ spike_time_steps: 10, bitexact: [], rate_cosine_min: 0.95 });
    expect(parseTolerances({ spike_time_steps: 1.5 })).toEqual({
      ok: false,
      problem: "'spike_time_steps' must be a whole number of steps",
    });
    expect(parseTolerances({ rate_cosine_min: 2 })).toMatchObject({ ok: false });
    expect(parseTolerances({ nope: 1 })).toMatchObject({
      ok: false,
      problem: expect.stringContaining("unknown key 'nope'"),
    });
  });

  it('reads JSON profiles over a built-in base', () => {
    const p = parseProfile({
      name: 'tiny',
      base: 'spinnaker2',
      cores: 4,
      supported: ['Input', 'Output', 'LIF', 'Linear'],
    });
    expect(p.ok && p.profile).toMatchObject({
      name: 'tiny',
      cores: 4,
      neuronsPerCore: 250,
      fallback: 'spinnaker-fixed',
    });
    expect(parseProfile({ cores: -1 })).toEqual({ ok: false, problem: "'cores' must be a positive number" });
    expect(parseProfile({ supported: ['Transformer'] })).toMatchObject({ ok: false });
  });

  it('labels energy as an estimate and refuses tables without a source', () => {
    const e = estimateEnergy(LOIHI1_DAVIES2018, 1000, 100, 10);
    expect(e.joules_est).toBeCloseTo(1000 * 23.6e-12 + 100 * 52e-12 + 10 * 29e-12, 20);
    expect(e.source).toMatch(/^Estimate/);
    expect(estimateEnergy(undefined, 1, 1, 1).joules_est).toBeNull();
    expect(parseEnergyModel({ synop_j: 1e-11, neuron_update_j: 1e-11 })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('source'),
    });
  });
});

describe('adapter protocol', () => {
  it('classifies outcomes: only infrastructure errors and hung runs are retryable', () => {
    const ok = { exitCode: 0, timedOut: false, timeoutMs: 1000 };
    expect(classify('allocate', { ...ok, timedOut: true, exitCode: null, timeoutMs: 600_000 }, undefined)).toEqual({
      kind: 'unavailable',
      reason: 'no allocation within 600 s',
    });
    expect(classify('run', { ...ok, timedOut: true, exitCode: null }, undefined).kind).toBe('infrastructure');
    expect(
      classify(
        'run',
        { ...ok, exitCode: 1 },
        parseStatus('{"state":"error","error_kind":"infrastructure","message":"JobDestroyedError"}'),
      ),
    ).toEqual({ kind: 'infrastructure', reason: 'JobDestroyedError' });
    expect(
      classify('run', { ...ok, exitCode: 1 }, parseStatus('{"state":"error","message":"graph rejected"}')).kind,
    ).toBe('error');
    expect(classify('run', { ...ok, exitCode: 2 }, undefined)).toEqual({
      kind: 'error',
      reason: 'run exited with 2 and wrote no status',
    });
    expect(classify('allocate', ok, parseStatus('{"state":"allocated"}')).kind).toBe('error');
    expect(classify('allocate', ok, parseStatus('{"state":"allocated","allocation":17}'))).toMatchObject({
      kind: 'ok',
      status: { allocation: '17' },
    });
    expect(
      classify('allocate', { ...ok, exitCode: 3 }, parseStatus('{"state":"unavailable","message":"no boards"}')),
    ).toEqual({ kind: 'unavailable', reason: 'no boards' });
    expect(parseStatus('not json')).toBeUndefined();
  });
});

describe('validation rules on in-memory graphs', () => {
  const t = (data: number[], shape = [data.length]) => ({ data: Float64Array.from(data), shape });
  const graph = (nodes: NirNode[], edges: Array<[string, string]>): NirGraph => ({
    version: 'test',
    nodes: new Map(nodes.map((n) => [n.name, n])),
    edges,
  });
  const node = (name: string, type: NirNode['type'], params: NirNode['params'] = {}): NirNode => ({
    name,
    type,
    params,
    strings: {},
  });
  const io = [node('in', 'Input', { shape: t([2]) }), node('out', 'Output', { shape: t([2]) })];

  it('warns when dt/tau > 1 and refuses Delay values that are not multiples of dt', () => {
    const lif = node('lif', 'LIF', { tau: t([0.5e-3, 0.5e-3]), r: t([1]), v_leak: t([0]), v_threshold: t([1]) });
    const info = validateGraph(
      graph(
        [...io, lif],
        [
          ['in', 'lif'],
          ['lif', 'out'],
        ],
      ),
      1e-3,
    );
    expect(info.findings).toContainEqual({
      level: 'warning',
      node: 'lif',
      rule: 'dt-over-tau',
      detail: 'dt/tau = 2.00 > 1: forward Euler is unstable',
    });
    const delay = node('d', 'Delay', { delay: t([2e-3, 2.5e-3]) });
    expect(() =>
      validateGraph(
        graph(
          [...io, delay],
          [
            ['in', 'd'],
            ['d', 'out'],
          ],
        ),
        1e-3,
      ),
    ).toThrow("node 'd': delay 0.0025 is not a non-negative multiple of dt 0.001");
  });

  it('refuses non-finite parameters and graphs without Input, naming the node', () => {
    const lin = node('lin', 'Linear', { weight: t([1, 0, Number.NaN, 1], [2, 2]) });
    expect(() =>
      validateGraph(
        graph(
          [...io, lin],
          [
            ['in', 'lin'],
            ['lin', 'out'],
          ],
        ),
        1,
      ),
    ).toThrow("node 'lin': parameter 'weight' has a non-finite value (NaN) at index 2");
    expect(() => validateGraph(graph([io[1] as NirNode], []), 1)).toThrow('the graph has no Input node');
  });

  it('delays spikes by whole steps in every simulator', () => {
    const delay = node('d', 'Delay', { delay: t([2e-3, 0]) });
    const g = graph(
      [...io, delay],
      [
        ['in', 'd'],
        ['d', 'out'],
      ],
    );
    const info = validateGraph(g, 1e-3);
    const stim = {
      samples: 1,
      steps: 5,
      nodes: new Map([['in', { neurons: 2, spikes: Float64Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]) }]]),
    };
    const run = runSimulator(floatRef, g, info, stim, {
      dt: 1e-3,
      steps: 5,
      resetMode: 'zero',
      recordVoltageMaxNeurons: 4,
    });
    expect(Array.from(run.spikes.get('out')?.values ?? [])).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
  });
});
