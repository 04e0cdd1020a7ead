import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, fixturePath, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSpikes, cosine } from '../src/compare.js';
import { lintConstraints } from '../src/constraints.js';
import { PROFILES } from '../src/profiles.js';
import type { BackendResult, Results } from '../src/results.js';
import { parseTolerances } from '../src/tolerances.js';
import { validateGraph } from '../src/validate.js';
import { loadGraph } from './helpers.js';

/**
 * Issue #21: what went wrong on the NIR paper's own graphs and data
 * (fixtures/neuromorphic, see its SOURCES.md).
 */
const ACTION = 'actions/neuromorphic-smoke';
const FIXTURES: Record<string, string> = {
  'lif_norse.nir': 'neuromorphic/nir-paper/lif/lif_norse.nir',
  'lif_norse.csv': 'neuromorphic/nir-paper/lif/lif_norse.csv',
  'two_lif_neurons.nir': 'neuromorphic/nir-paper/graphs/two_lif_neurons.nir',
  'braille.nir': 'neuromorphic/nir-paper/graphs/braille_noDelay_bias_zero.nir',
  'lif_norse_input_dt1e-4.h5': 'neuromorphic/derived/lif_norse_input_dt1e-4.h5',
};

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nm-real-'));
  for (const [name, rel] of Object.entries(FIXTURES)) copyFileSync(fixturePath(rel), path.join(dir, name));
  return dir;
}

async function run(
  inputs: Record<string, string>,
): Promise<{ r: RunResult; res: Results; byName: Map<string, BackendResult> }> {
  const ws = workspace();
  const r = await runBundledAction(ACTION, {
    workspace: ws,
    stages: ['main'],
    inputs: { results: 'out/results.json', ...inputs },
  });
  expect(r.stdout).not.toContain('Stack trace');
  const file = path.join(ws, 'out/results.json');
  // A run refused before anything was written has no results.
  const res = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Results)
    : ({ backends: [] } as unknown as Results);
  return { r, res, byName: new Map(res.backends.map((b) => [b.name, b])) };
}

const errors = (r: RunResult): string[] => r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
const warnings = (r: RunResult): string[] => r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
const decode = (html: string): string => html.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));

beforeAll(() => {
  ensureBundled(ACTION);
}, 600_000);

describe('a network that never spikes', () => {
  it('the cosine of two all-zero rate vectors is undefined, not a perfect 1', () => {
    expect(cosine([0, 0, 0], [0, 0, 0])).toBeNull();
    expect(cosine([0, 0], [0, 1])).toBe(0);
    expect(compareSpikes(new Float64Array(20), new Float64Array(20), 1, 10, 2, 1).rateCosine).toBeNull();
  });

  // two_lif_neurons.nir: lif1 spikes (v_leak 1.2 > threshold 1), lif2 (threshold 20) never does; its Output is 'out'.
  it('fails by default when the output layer is silent on every backend, and says the cosine is not comparable', async () => {
    const { r, res, byName } = await run({
      graph: 'two_lif_neurons.nir',
      dt: '1e-4',
      stimulus: 'generate:rate=0.1,seed=1',
      steps: '1000',
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.status).toBe('failed');
    expect(errors(r)).toEqual([
      "neuromorphic-smoke: neuromorphic smoke test failed: silent network: output 'out' has no spikes on any backend (float-ref, loihi2-bitacc, spinnaker-fixed; the network spikes 6 times on float-ref); set allow-silent-network: true if that is expected",
    ]);
    expect(res.silent_network).toEqual({
      scope: 'output',
      output: 'out',
      backends: ['float-ref', 'loihi2-bitacc', 'spinnaker-fixed'],
      network_spikes: { 'float-ref': 6, 'loihi2-bitacc': 6, 'spinnaker-fixed': 6 },
      allowed: false,
    });
    for (const b of res.backends) {
      expect(b.status).toBe('passed');
      expect(b.metrics?.output_spikes).toBe(0);
    }
    expect(byName.get('loihi2-bitacc')?.metrics?.rate_cosine).toBeNull();
    expect(byName.get('loihi2-bitacc')?.findings).toContainEqual({
      level: 'warning',
      node: 'out',
      rule: 'rate-cosine',
      detail: 'rate cosine vs float-ref not comparable: no spikes on either side',
    });
    expect(r.outputs['rate-cosine-min']).toBe('');
    const summary = decode(r.summary);
    expect(summary).toContain('❌ silent network: output');
    expect(summary).toContain('<td>n/a (no spikes)</td>');
  }, 120_000);

  it('passes with allow-silent-network: true, still with a warning', async () => {
    const { r, res } = await run({
      graph: 'two_lif_neurons.nir',
      dt: '1e-4',
      stimulus: 'generate:rate=0.1,seed=1',
      steps: '1000',
      'allow-silent-network': 'true',
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('passed');
    expect(res.silent_network?.allowed).toBe(true);
    expect(warnings(r)).toContain(
      "silent network: output 'out' has no spikes on any backend (float-ref, loihi2-bitacc, spinnaker-fixed; the network spikes 6 times on float-ref); allowed by allow-silent-network",
    );
  }, 120_000);

  it('a network with no spike anywhere is named as such', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, 'zeros.csv'), '0\n'.repeat(1000));
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: { graph: 'lif_norse.nir', dt: '1e-4', stimulus: 'zeros.csv#spikes=0', results: 'out/results.json' },
    });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toEqual([
      'neuromorphic-smoke: neuromorphic smoke test failed: silent network: no node spikes on any backend (float-ref, loihi2-bitacc, spinnaker-fixed); set allow-silent-network: true if that is expected',
    ]);
  }, 120_000);
});

describe('agreement with float-ref without a golden', () => {
  it('defaults: rate cosine ≥ 0.9 and spike count within 1.5× of float-ref either way, both configurable', () => {
    const t = parseTolerances(undefined);
    expect(t.ok && t.value).toMatchObject({ rate_cosine_min_vs_ref: 0.9, spike_count_ratio_vs_ref: 1.5 });
    const off = parseTolerances({ rate_cosine_min_vs_ref: null, spike_count_ratio_vs_ref: null });
    expect(off.ok && off.value).toMatchObject({ rate_cosine_min_vs_ref: null, spike_count_ratio_vs_ref: null });
    expect(parseTolerances({ spike_count_ratio_vs_ref: 0.5 })).toEqual({
      ok: false,
      problem: "'spike_count_ratio_vs_ref' must be at least 1 (a factor either way)",
    });
  });

  // The paper's LIF and input spike train at dt = 0.25 ms: each input spike takes v exactly to the
  // threshold. Euler in float lands a hair above it, Lava's integers on it (no spike), SpiNNaker's
  // exponential integrator below it.
  it('fails Loihi and SpiNNaker when they lose half the spikes of float-ref (the paper LIF at dt 2.5e-4)', async () => {
    const { r, res, byName } = await run({ graph: 'lif_norse.nir', dt: '2.5e-4', stimulus: 'lif_norse.csv#spikes=0' });
    expect(r.exitCode).toBe(1);
    expect(byName.get('float-ref')?.status).toBe('passed');
    expect(byName.get('loihi2-bitacc')).toMatchObject({
      status: 'failed',
      problems: ['spikes vs float-ref: 16 vs 34 (ratio 0.47, allowed 0.67–1.5)'],
    });
    expect(byName.get('spinnaker-fixed')).toMatchObject({
      status: 'failed',
      problems: ['spikes vs float-ref: 15 vs 34 (ratio 0.44, allowed 0.67–1.5)'],
    });
    expect(byName.get('loihi2-bitacc')?.metrics?.spike_count_ratio_vs_ref).toBeCloseTo(16 / 34, 12);
    expect(byName.get('loihi2-bitacc')?.metrics?.rate_cosine_vs_ref).toBe(1); // one neuron: the cosine cannot see it
    expect(res.config.tolerances).toMatchObject({ rate_cosine_min_vs_ref: 0.9, spike_count_ratio_vs_ref: 1.5 });
    expect(errors(r)[0]).toMatch(/loihi2-bitacc failed \(spikes vs float-ref: 16 vs 34/);
  }, 120_000);

  // The Braille reader was trained at dt = 1e-4 (r = tau_mem/dt); run at 1e-3 its fixed-point
  // versions drift far from float-ref.
  it('fails the Braille graph run at 10× its dt on both fixed-point backends', async () => {
    const { r, byName } = await run({
      graph: 'braille.nir',
      dt: '1e-3',
      stimulus: 'generate:rate=0.1,seed=1',
      steps: '1000',
    });
    expect(r.exitCode).toBe(1);
    for (const name of ['loihi2-bitacc', 'spinnaker-fixed']) {
      const b = byName.get(name);
      expect(b?.status).toBe('failed');
      expect(
        b?.problems.some((p) => /^spikes vs float-ref: \d+ vs 12478 \(ratio 0\.\d\d, allowed 0\.67–1\.5\)$/.test(p)),
      ).toBe(true);
    }
  }, 120_000);

  it('passes the Braille graph at its own dt (1e-4) with the defaults', async () => {
    const { r, byName } = await run({
      graph: 'braille.nir',
      dt: '1e-4',
      stimulus: 'generate:rate=0.1,seed=1',
      steps: '1000',
    });
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    for (const name of ['loihi2-bitacc', 'spinnaker-fixed']) {
      const m = byName.get(name)?.metrics;
      expect(m?.rate_cosine_vs_ref).toBeGreaterThanOrEqual(0.9);
      expect(m?.spike_count_ratio_vs_ref).toBeGreaterThanOrEqual(1 / 1.5);
      expect(m?.spike_count_ratio_vs_ref).toBeLessThanOrEqual(1.5);
    }
  }, 120_000);

  it('switching both checks off with null lets the disagreement pass, reported', async () => {
    const { r, byName } = await run({
      graph: 'lif_norse.nir',
      dt: '2.5e-4',
      stimulus: 'lif_norse.csv#spikes=0',
      tolerances: '{rate_cosine_min_vs_ref: null, spike_count_ratio_vs_ref: null}',
    });
    expect(r.exitCode).toBe(0);
    expect(byName.get('loihi2-bitacc')?.metrics?.spike_count_total).toBe(16);
  }, 120_000);
});

describe('a stimulus recorded at another dt', () => {
  it('is refused, naming both values and the file', async () => {
    const { r } = await run({ graph: 'lif_norse.nir', dt: '1e-3', stimulus: 'lif_norse_input_dt1e-4.h5' });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toEqual([
      "neuromorphic-smoke: Input 'stimulus': lif_norse_input_dt1e-4.h5 has dt 0.0001 s, but the input 'dt' is 0.001 s: give dt: 0.0001, or resample-stimulus: true to move its spikes onto 0.001 s steps",
    ]);
  }, 120_000);

  it('is accepted at its own dt (the paper: 4 output spikes)', async () => {
    const { r, byName } = await run({ graph: 'lif_norse.nir', dt: '1e-4', stimulus: 'lif_norse_input_dt1e-4.h5' });
    expect(r.exitCode).toBe(0);
    expect(byName.get('float-ref')?.metrics?.output_spikes).toBe(4);
  }, 120_000);

  it('is resampled when asked: spikes keep their times, counts add up per step', async () => {
    const { r, res } = await run({
      graph: 'lif_norse.nir',
      dt: '1e-3',
      stimulus: 'lif_norse_input_dt1e-4.h5',
      'resample-stimulus': 'true',
    });
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    expect(res.config.steps).toBe(100);
    expect(res.config.stimulus).toBe(
      'lif_norse_input_dt1e-4.h5 (resampled from dt 0.0001 s: 1000 steps → 100, 34 spikes kept)',
    );
    expect(warnings(r)).toContain(
      'lif_norse_input_dt1e-4.h5: stimulus resampled from dt 0.0001 s to 0.001 s (1000 steps → 100)',
    );
    expect(decode(r.summary)).toContain(
      'stimulus lif_norse_input_dt1e-4.h5 (resampled from dt 0.0001 s: 1000 steps → 100, 34 spikes kept)',
    );
  }, 120_000);

  it('a golden at another dt is refused too', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, 'gold.json'), JSON.stringify({ dt: 1e-3, nodes: { '1': { spikes: [[0], [1]] } } }));
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: {
        graph: 'lif_norse.nir',
        dt: '1e-4',
        stimulus: 'lif_norse.csv#spikes=0',
        golden: 'gold.json',
        results: 'out/results.json',
      },
    });
    expect(r.exitCode).toBe(1);
    expect(errors(r)).toEqual([
      "neuromorphic-smoke: Input 'golden': gold.json has dt 0.001 s, but the input 'dt' is 0.0001 s: record the golden at dt 0.0001 s",
    ]);
  }, 120_000);
});

describe('a layer the chip quantiser zeroes', () => {
  it('makes the Loihi 2 constraint verdict "weights zeroed", naming the layers (CNN at dt 1e-4, two LIFs at 1e-5)', async () => {
    const cnn = await loadGraph('nir-paper/graphs/cnn_sinabs.nir');
    const report = lintConstraints(cnn, validateGraph(cnn, 1e-4), PROFILES.loihi2, 1e-4);
    expect(report.verdict).toBe('weights zeroed');
    expect(report.fits).toBe(false);
    expect(report.rows.filter((r) => r.rule === 'weights-zeroed').map((r) => [r.node, r.verdict])).toEqual([
      ['0', 'zeroed'],
      ['2', 'zeroed'],
      ['5', 'zeroed'],
      ['9', 'zeroed'],
      ['11', 'zeroed'],
    ]);
    // The graph's own scale (Sinabs: dt = 1) keeps every layer.
    expect(lintConstraints(cnn, validateGraph(cnn, 1), PROFILES.loihi2, 1).verdict).toBe('fits');
    const two = await loadGraph('nir-paper/graphs/two_lif_neurons.nir');
    const r2 = lintConstraints(two, validateGraph(two, 1e-5), PROFILES.loihi2, 1e-5);
    expect(r2.findings.filter((f) => f.rule === 'weights-zeroed')).toEqual([
      {
        level: 'error',
        node: 'linear1',
        rule: 'weights-zeroed',
        detail:
          "every non-zero weight (1 of 1) quantises to 0 in Lava's 8-bit weights (largest |w|·gain·256 = 0.256): the layer passes nothing",
      },
      {
        level: 'error',
        node: 'linear2',
        rule: 'weights-zeroed',
        detail:
          "every non-zero weight (1 of 1) quantises to 0 in Lava's 8-bit weights (largest |w|·gain·256 = 0.256): the layer passes nothing",
      },
    ]);
    // SpiNNaker scales its 16-bit weights to the largest one: nothing is zeroed.
    expect(lintConstraints(two, validateGraph(two, 1e-5), PROFILES.spinnaker1, 1e-5).verdict).toBe('fits');
  });

  it('fails the job by default with the layer named in an annotation and the summary', async () => {
    const { r, res } = await run({
      graph: 'two_lif_neurons.nir',
      dt: '1e-5',
      backends: 'float-ref',
      'allow-silent-network': 'true',
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.constraints).toBe('weights zeroed');
    expect(res.constraints.verdict).toBe('weights zeroed');
    expect(errors(r)).toContain(
      "loihi2: layer 'linear1': every non-zero weight (1 of 1) quantises to 0 in Lava's 8-bit weights (largest |w|·gain·256 = 0.256): the layer passes nothing",
    );
    expect(errors(r)).toContain(
      "loihi2: layer 'linear2': every non-zero weight (1 of 1) quantises to 0 in Lava's 8-bit weights (largest |w|·gain·256 = 0.256): the layer passes nothing",
    );
    expect(errors(r).at(-1)).toBe(
      "neuromorphic-smoke: neuromorphic smoke test failed: graph weights zeroed on loihi2 (layers 'linear1', 'linear2')",
    );
    const summary = decode(r.summary);
    expect(summary).toContain('<h3>Constraints: loihi2 — weights zeroed');
    expect(summary).toContain('<td>weights-zeroed</td><td>linear1</td>');
  }, 120_000);

  it('with fail-on-constraints: never it is a warning, still naming the layer', async () => {
    const { r } = await run({
      graph: 'two_lif_neurons.nir',
      dt: '1e-5',
      backends: 'float-ref',
      'allow-silent-network': 'true',
      'fail-on-constraints': 'never',
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.constraints).toBe('weights zeroed');
    expect(warnings(r)).toContain(
      "loihi2: layer 'linear1': every non-zero weight (1 of 1) quantises to 0 in Lava's 8-bit weights (largest |w|·gain·256 = 0.256): the layer passes nothing",
    );
  }, 120_000);
});
