import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBundled, runBundledAction, fixturePath } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictions } from '../src/compare.js';
import { generateStimulus, graphDataTree, readGraphData } from '../src/data.js';
import { readH5, writeH5 } from '../src/h5.js';
import type { Results } from '../src/results.js';

const ACTION = 'actions/neuromorphic-smoke';
const ADAPTER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fake-adapter.mjs');

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nm-smoke-'));
  for (const f of ['lif_norse.nir', 'lif_norse.csv', 'lif_lava_cpu_fixed.csv', 'lif_spinnaker2.csv']) {
    copyFileSync(fixturePath(`neuromorphic/nir-paper/lif/${f}`), path.join(dir, f));
  }
  return dir;
}

const LIF_INPUTS = {
  graph: 'lif_norse.nir',
  dt: '1e-4',
  stimulus: 'lif_norse.csv#spikes=0',
  results: 'out/results.json',
};

/** The summary escapes punctuation as numeric entities (how much is core's choice). */
function decodeEntities(html: string): string {
  return html.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

function results(ws: string): Results {
  return JSON.parse(readFileSync(path.join(ws, 'out/results.json'), 'utf8')) as Results;
}

function adapterEnv(ws: string, mode: string): Record<string, string> {
  return {
    FAKE_MODE: mode,
    FAKE_LEDGER: path.join(ws, 'ledger.txt'),
    FAKE_REPLAY: path.join(ws, 'lif_lava_cpu_fixed.csv'),
    FAKE_REPLAY_COLUMN: '2',
    FAKE_NODE: '1',
  };
}

function ledger(ws: string): string[] {
  const file = path.join(ws, 'ledger.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

const HW = (extra: Record<string, string>): Record<string, string> => ({
  ...LIF_INPUTS,
  backends: 'hardware',
  'hardware-command': `${process.execPath}\n${ADAPTER}`,
  ...extra,
});

beforeAll(() => {
  ensureBundled(ACTION);
}, 600_000);

describe('neuromorphic-smoke (bundled, as the runner runs it)', () => {
  it('passes the NIR-paper LIF against per-platform goldens and writes results, recordings and a summary', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: {
        ...LIF_INPUTS,
        golden:
          'float-ref: lif_norse.csv#spikes=2,v=1\nloihi2-bitacc: lif_lava_cpu_fixed.csv#spikes=2,v=1\nspinnaker-fixed: lif_spinnaker2.csv#spikes=2',
      },
    });
    expect(r.stderr).not.toContain('unexpected');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('passed');
    expect(r.outputs['results-file']).toBe('out/results.json');
    expect(r.outputs.constraints).toBe('fits');
    const res = results(ws);
    expect(res.schema).toBe('spikeformer.neuromorphic-smoke/1');
    expect(res.graph.nir_version).toBe('0.1.1');
    const byName = new Map(res.backends.map((b) => [b.name, b]));
    expect(byName.get('float-ref')?.metrics?.v_max_abs_err).toBeLessThan(1e-6);
    expect(byName.get('loihi2-bitacc')?.metrics?.v_max_abs_err).toBe(0);
    expect(byName.get('loihi2-bitacc')?.metrics?.spike_count_total).toBe(4);
    expect(byName.get('spinnaker-fixed')?.metrics?.spike_count_expected).toBe(4);
    expect(byName.get('spinnaker-fixed')?.metrics?.spike_time_max_shift).toBeLessThanOrEqual(1);
    expect(byName.get('float-ref')?.energy?.source).toMatch(/^Estimate/);
    expect(Number(r.outputs['rate-cosine-min'])).toBe(1);
    for (const b of res.backends) expect(existsSync(path.join(ws, b.recorded as string))).toBe(true);
    const summary = decodeEntities(r.summary);
    expect(summary).toMatch(/<h3>Constraints: loihi2 — fits/);
    expect(summary).toContain('<td>loihi2-bitacc</td><td>✅ passed</td><td>golden</td><td>4 (Δ 0)</td>');
    expect(summary).toContain('J (est.)');
  }, 120_000);

  it('fails with the first mismatch when a backend is held to the wrong golden', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: {
        ...LIF_INPUTS,
        backends: 'loihi2-bitacc',
        golden: 'loihi2-bitacc: lif_norse.csv#spikes=2,v=1',
        tolerances: 'spike_time_steps: 0',
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.status).toBe('failed');
    const err = r.annotations.find((a) => a.level === 'error');
    expect(err?.message).toMatch(/loihi2-bitacc failed/);
    const res = results(ws);
    expect(res.backends[0]?.first_mismatches[0]).toMatchObject({ node: '1', what: 'spikes', step: 460 });
    expect(decodeEntities(r.summary)).toContain('First mismatches');
  }, 120_000);

  it('retries infrastructure errors only, records all 3 attempts and flags them', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      env: adapterEnv(ws, 'flaky'),
      inputs: HW({ golden: 'hardware: lif_norse.csv#spikes=2', 'max-retries': '3' }),
    });
    expect(r.exitCode).toBe(0);
    const hw = results(ws).backends.find((b) => b.name === 'hardware');
    expect(hw?.status).toBe('passed');
    expect(hw?.attempts).toBe(3);
    expect(hw?.retried).toBe(true);
    expect(hw?.attempt_log.filter((a) => a.phase === 'run').map((a) => a.outcome)).toEqual([
      'infrastructure',
      'infrastructure',
      'ok',
    ]);
    expect(hw?.attempt_log[1]?.reason).toContain('SpinnmanException');
    expect(hw?.measured?.execution_time_s).toBe(0.25);
    expect(hw?.recorded).toBe('out/results.hardware.h5');
    expect(
      readGraphData(await readH5(path.join(ws, 'out/results.hardware.h5')), 1e-4)
        .nodes.get('1')
        ?.spikes?.reduce((a, x) => a + x, 0),
    ).toBe(4);
    expect(ledger(ws).filter((l) => l.startsWith('release'))).toEqual([
      'release job-1',
      'release job-2',
      'release job-3',
    ]);
    expect(
      r.annotations
        .filter((a) => a.level === 'warning')
        .map((a) => a.message)
        .join('\n'),
    ).toMatch(/needed 3 attempts/);
    expect(decodeEntities(r.summary)).toContain('retried');
  }, 120_000);

  it('a failing run beyond max-retries is an error, not a skip', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      env: adapterEnv(ws, 'flaky'),
      inputs: HW({ 'max-retries': '1', 'on-hardware-unavailable': 'skip' }),
    });
    expect(r.exitCode).toBe(1);
    const hw = results(ws).backends[0];
    expect(hw?.status).toBe('error');
    expect(hw?.attempts).toBe(2);
    expect(hw?.reason).toMatch(/retries exhausted/);
  }, 120_000);

  for (const policy of ['skip', 'fallback', 'fail'] as const) {
    it(`a board that never allocates: on-hardware-unavailable ${policy}`, async () => {
      const ws = workspace();
      const r = await runBundledAction(ACTION, {
        workspace: ws,
        env: adapterEnv(ws, 'never'),
        inputs: HW({
          'allocation-timeout': '2s',
          'on-hardware-unavailable': policy,
          golden: 'loihi2-bitacc: lif_lava_cpu_fixed.csv#spikes=2,v=1',
        }),
      });
      const res = results(ws);
      const hw = res.backends[0];
      // The queued job is given back either way.
      expect(ledger(ws)).toEqual(['allocate job-1 queued', 'release job-1']);
      expect(hw?.attempt_log[0]).toMatchObject({
        phase: 'allocate',
        outcome: 'unavailable',
        reason: 'no allocation within 2 s',
      });
      if (policy === 'skip') {
        expect(r.exitCode).toBe(0);
        expect(hw).toMatchObject({ name: 'hardware', status: 'skipped', reason: 'no allocation within 2 s' });
        expect(r.annotations.some((a) => a.level === 'warning' && /skipped/.test(a.message))).toBe(true);
      } else if (policy === 'fallback') {
        expect(r.exitCode).toBe(0);
        expect(hw).toMatchObject({ name: 'loihi2-bitacc', status: 'passed', fallback_for: 'hardware (loihi2)' });
        expect(hw?.metrics?.v_max_abs_err).toBe(0);
        expect(decodeEntities(r.summary)).toContain('fallback loihi2-bitacc');
      } else {
        expect(r.exitCode).toBe(1);
        expect(res.status).toBe('failed');
        expect(hw).toMatchObject({ name: 'hardware', status: 'error' });
        expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(
          /hardware error \(no allocation within 2 s\)/,
        );
      }
    }, 120_000);
  }

  it('cancellation while queued: post releases the allocation main saved', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      env: adapterEnv(ws, 'queued-cancel'),
      inputs: HW({ 'allocation-timeout': '60s' }),
      stages: ['main', 'post'],
      killMainWhen: (out) => out.includes('requested (queued)'),
      timeoutMs: 60_000,
    });
    const [main, post] = r.stages;
    expect(main?.killed).toBe(true);
    expect(main?.exitCode).not.toBe(0);
    expect(r.state['allocation-file']).toBeTruthy();
    expect(post?.exitCode).toBe(0);
    expect(post?.stdout).toContain('allocation job-1 released');
    expect(ledger(ws)).toEqual(['allocate job-1 queued', 'release job-1']);
  }, 120_000);

  it('fails the job when the graph does not fit a JSON profile, naming the rule and node', async () => {
    const ws = workspace();
    writeFileSync(
      path.join(ws, 'tiny.json'),
      JSON.stringify({
        name: 'tiny-chip',
        base: 'spinnaker2',
        supported: ['Input', 'Output', 'LIF'],
        source: 'test chip',
      }),
    );
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: { ...LIF_INPUTS, backends: 'float-ref', profile: 'tiny.json' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.constraints).toBe('does not fit');
    const res = results(ws);
    expect(res.constraints.findings).toContainEqual({
      level: 'error',
      node: '0',
      rule: 'node-type',
      detail: 'Affine is not supported on tiny-chip',
    });
    expect(res.backends[0]?.status).toBe('passed');
    expect(r.annotations.find((a) => a.level === 'error')?.message).toContain('graph does not fit on tiny-chip');
  }, 120_000);

  it('takes NIRGraphData stimuli and goldens with labels (Braille graph, 3 samples): accuracy and agreement', async () => {
    const ws = workspace();
    copyFileSync(
      fixturePath('neuromorphic/nir-paper/graphs/braille_noDelay_bias_zero.nir'),
      path.join(ws, 'braille.nir'),
    );
    const stim = generateStimulus([{ name: 'input', neurons: 12 }], 120, 3, 0.2, 11);
    await writeH5(path.join(ws, 'stimulus.h5'), graphDataTree({ ...stim, dt: 1e-4 }), { compress: true });
    const common = { graph: 'braille.nir', dt: '1e-4', stimulus: 'stimulus.h5', results: 'out/results.json' };
    // 1: record float-ref; its recording (NIRGraphData) plus labels becomes the golden.
    const first = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: { ...common, backends: 'float-ref' },
    });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const recorded = readGraphData(await readH5(path.join(ws, 'out/results.float-ref.h5')), undefined);
    expect(recorded).toMatchObject({ samples: 3, steps: 120 });
    const out = recorded.nodes.get('output');
    const labels = predictions(out?.spikes ?? [], 3, 120, 7);
    const golden = {
      ...recorded,
      nodes: new Map([['output', { neurons: 7, spikes: out?.spikes ?? new Float64Array() }]]),
      labels,
    };
    await writeH5(path.join(ws, 'golden.h5'), graphDataTree(golden));
    // 2: the fixed-point backends against it, with the NIR paper's statistical criteria.
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: {
        ...common,
        backends: 'loihi2-bitacc,spinnaker-fixed',
        golden: 'golden.h5',
        tolerances:
          '{spike_time_steps: 5, spike_unmatched_rel: 1, spike_count_rel: 0.5, rate_cosine_min: 0.8, accuracy_drop_max: 0.34}',
      },
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const res = results(ws);
    expect(res.config.samples).toBe(3);
    for (const b of res.backends) {
      expect(b.metrics?.compared_with).toBe('golden');
      expect(b.metrics?.accuracy).not.toBeNull();
      expect(b.metrics?.agreement_vs_ref).toBe(b.metrics?.accuracy); // the golden labels are float-ref's answers
      expect(b.metrics?.rate_cosine).toBeGreaterThan(0.8);
    }
    expect(Number(r.outputs.accuracy)).toBe(Math.min(...res.backends.map((b) => b.metrics?.accuracy ?? 0)));
  }, 180_000);

  it('reports bad inputs and damaged graphs as one error line naming the input or the file', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: { ...LIF_INPUTS, 'golden-node': 'nope' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.find((a) => a.level === 'error')?.message).toContain("Input 'golden-node': no node 'nope'");
    writeFileSync(path.join(ws, 'cut.nir'), readFileSync(path.join(ws, 'lif_norse.nir')).subarray(0, 4000));
    const cut = await runBundledAction(ACTION, {
      workspace: ws,
      stages: ['main'],
      inputs: { ...LIF_INPUTS, graph: 'cut.nir' },
    });
    expect(cut.exitCode).toBe(1);
    const err = cut.annotations.find((a) => a.level === 'error');
    expect(err?.message).toBe(
      'neuromorphic-smoke: cut.nir: cannot be opened as HDF5: the file is truncated (4000 bytes, HDF5 superblock says 17584)',
    );
    expect(err?.file).toBe('cut.nir');
    expect(cut.stdout).not.toContain('Stack trace');
  }, 120_000);
});
