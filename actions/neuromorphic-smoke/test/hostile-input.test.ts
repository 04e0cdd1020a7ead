import { copyFileSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, fixturePath, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset, group } from '../src/h5-tree.js';
import { graphDataTree } from '../src/data.js';
import { writeH5 } from '../src/h5.js';
import {
  expectClean,
  expectRefused,
  INJECTION,
  OUTSIDE_CANARY,
  outsideDir,
  SECRET,
} from '@spikeformer-actions/testing/hostile';

const ACTION = 'actions/neuromorphic-smoke';
const LIF = {
  graph: 'lif_norse.nir',
  dt: '1e-4',
  stimulus: 'lif_norse.csv#spikes=0',
  results: 'out/results.json',
  backends: 'float-ref',
};
const P = 'neuromorphic-smoke: ';
const BIG = 1_000_000;

interface Case {
  name: string;
  /** Files (and links) the case needs in the workspace; `outside` holds the canary files. */
  setup?: (ws: string, outside: string) => void | Promise<void>;
  inputs: Record<string, string>;
  error: string | RegExp;
}

/** YAML whose aliases expand to 10^8 strings. */
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');
const deepJson = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** A NIRGraphData stimulus for node `input` with `steps` steps of one neuron (gzip keeps the file small). */
async function h5Stimulus(file: string, steps: number): Promise<void> {
  await writeH5(
    file,
    graphDataTree({ samples: 1, steps, nodes: new Map([['input', { neurons: 1, spikes: new Float64Array(steps) }]]) }),
    { compress: true },
  );
}

const write = (ws: string, name: string, text: string | Buffer): void => writeFileSync(path.join(ws, name), text);
const link = (ws: string, name: string, target: string): void => symlinkSync(target, path.join(ws, name));
const adapter = (message: string): string =>
  `import { writeFileSync } from 'node:fs';\nconst a = process.argv.slice(2);\nwriteFileSync(a[a.indexOf('--status') + 1], JSON.stringify({ state: 'error', error_kind: 'user', message: ${JSON.stringify(message)} }));\n`;

const ROW13: Case[] = [
  {
    name: 'row 13: a 1,000,000-character CSV field is quoted cut, not copied into the error line',
    setup: (ws) => write(ws, 'stim.csv', `0,0,0\n${'x'.repeat(BIG)},0,0\n`),
    inputs: { stimulus: 'stim.csv#spikes=0' },
    error: new RegExp(`^${P}stim\\.csv:2: 'x{200}…' \\(cut at 200 of 1000000 characters\\) is not a finite number$`),
  },
  {
    name: 'row 13: a 1,000,000-character CSV header cell in a "no column" error is cut',
    setup: (ws) => write(ws, 'stim.csv', `${'h'.repeat(BIG)},b\n0,0\n`),
    inputs: { stimulus: 'stim.csv#spikes=nope' },
    error: new RegExp(
      `^${P}stim\\.csv:1: no column 'nope' \\(2 columns: 'h{200}…' \\(cut at 200 of 1000000 characters\\), 'b'\\)$`,
    ),
  },
  {
    name: 'row 13: a 2,000,000-row CSV stimulus is refused at the step limit',
    setup: (ws) => write(ws, 'stim.csv', '0\n'.repeat(2 * BIG)),
    inputs: { stimulus: 'stim.csv#spikes=0' },
    error: `${P}stim.csv:1000001: has more than 1000000 steps (rows); the limit is 1000000`,
  },
  {
    name: 'row 13: a 2,000,000-row CSV golden is refused at the step limit',
    setup: (ws) => write(ws, 'gold.csv', '0\n'.repeat(2 * BIG)),
    inputs: { golden: 'gold.csv#spikes=0' },
    error: `${P}gold.csv:1000001: has more than 1000000 steps (rows); the limit is 1000000`,
  },
  {
    name: 'row 13: a 2,000,000-step JSON stimulus is refused at the step limit',
    setup: (ws) =>
      write(
        ws,
        'stim.json',
        JSON.stringify({ nodes: { input: { spikes: Array.from({ length: 2 * BIG }, () => [0]) } } }),
      ),
    inputs: { stimulus: 'stim.json' },
    error: `${P}stim.json: nodes.input.spikes: has 2000000 steps; the limit is 1000000`,
  },
  {
    name: 'row 13: a 2,000,000-step NIRGraphData (HDF5) stimulus is refused at the step limit',
    setup: (ws) => h5Stimulus(path.join(ws, 'stim.h5'), 2 * BIG),
    inputs: { stimulus: 'stim.h5' },
    error: `${P}stim.h5: /nodes/input/spikes: has 2000000 steps; the limit is 1000000`,
  },
  {
    name: 'row 13: an EventData stimulus whose t_max/dt is 10^9 steps is refused before anything is allocated',
    setup: (ws) =>
      writeH5(
        path.join(ws, 'events.h5'),
        group({
          nodes: group({
            input: group({
              spikes: group({ idx: dataset([0], [1], 'int'), time: dataset([0]) }, { n_neurons: [1], t_max: [1e5] }),
            }),
          }),
        }),
      ),
    inputs: { stimulus: 'events.h5' },
    error: `${P}events.h5: /nodes/input/spikes: has 1000000000 steps; the limit is 1000000`,
  },
  {
    name: 'row 13: a generated stimulus of 10,000 samples × 1,000,000 steps is refused before it is allocated',
    inputs: { stimulus: 'generate:samples=10000', steps: '1000000' },
    error: `${P}Input 'stimulus': generate:samples=10000 with 1000000 steps: holds 10000 × 1000000 × 1 values; the limit is 67108864`,
  },
  {
    name: 'row 13: a run that would record more than the limit is refused before it is simulated',
    setup: (ws) => copyFileSync(fixturePath('neuromorphic/nir-paper/graphs/cnn_sinabs.nir'), path.join(ws, 'cnn.nir')),
    inputs: { graph: 'cnn.nir', stimulus: 'generate:rate=0.01', steps: '20000' },
    error:
      /^neuromorphic-smoke: Input 'steps': 20000 steps × 1 sample\(s\) would record \d+ values \(\d+ recorded neurons\); the limit is 67108864: give fewer steps or samples$/,
  },
  {
    name: 'row 13 (held): steps above the limit',
    inputs: { steps: '2000000' },
    error: `${P}Input 'steps': "2000000" is above the maximum 1000000`,
  },
];

const ROW8: Case[] = [
  {
    name: 'row 8: a YAML alias bomb in tolerances',
    inputs: { tolerances: ALIAS_BOMB },
    error:
      /^neuromorphic-smoke: Input 'tolerances': invalid YAML: Excessive alias count .*\(aliases expand past the limit\)$/,
  },
  {
    name: 'row 8: tolerances nested 300 levels deep',
    inputs: { tolerances: deepJson(300) },
    error: `${P}Input 'tolerances': nests deeper than 256 levels`,
  },
  {
    name: 'tolerances with a duplicate key',
    inputs: { tolerances: 'voltage_abs: 1\nvoltage_abs: 2' },
    error: `${P}Input 'tolerances': line 2: invalid YAML: Map keys must be unique`,
  },
  {
    name: 'tolerances with an injected key',
    inputs: { tolerances: JSON.stringify({ [INJECTION]: 1 }) },
    error:
      /^neuromorphic-smoke: Input 'tolerances': unknown key ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDRED' \(known: spike_count_rel, /,
  },
  {
    // An environment variable holds at most 128 KiB, so an input cannot be longer.
    name: 'tolerances with a 100,000-character key',
    inputs: { tolerances: JSON.stringify({ ['k'.repeat(100_000)]: 1 }) },
    error:
      /^neuromorphic-smoke: Input 'tolerances': unknown key 'k{200}…' \(cut at 200 of 100000 characters\) \(known: /,
  },
  ...['.nan', '.inf', '-1'].map((v) => ({
    name: `tolerances rate_cosine_min: ${v}`,
    inputs: { tolerances: `rate_cosine_min: ${v}` },
    error: `${P}Input 'tolerances': 'rate_cosine_min' must be a non-negative number`,
  })),
  {
    name: 'tolerances that are a list',
    inputs: { tolerances: '[1, 2]' },
    error: `${P}Input 'tolerances': must be a YAML/JSON mapping`,
  },
];

const NUMBERS_AND_ENUMS: Case[] = [
  ...['NaN', '-1', 'Infinity', '0'].map((dt) => ({
    name: `dt ${dt}`,
    inputs: { dt },
    error: /^neuromorphic-smoke: Input 'dt': /,
  })),
  { name: 'steps -5', inputs: { steps: '-5' }, error: `${P}Input 'steps': "-5" is below the minimum 1` },
  { name: 'steps 1.5', inputs: { steps: '1.5' }, error: /^neuromorphic-smoke: Input 'steps': / },
  {
    name: 'max-retries -1',
    inputs: { 'max-retries': '-1' },
    error: `${P}Input 'max-retries': "-1" is below the minimum 0`,
  },
  {
    name: 'run-timeout 600h',
    inputs: { 'run-timeout': '600h' },
    error: /^neuromorphic-smoke: Input 'run-timeout': .*longer than the maximum 120h/,
  },
  {
    name: 'allocation-timeout -1m',
    inputs: { 'allocation-timeout': '-1m' },
    error: /^neuromorphic-smoke: Input 'allocation-timeout': /,
  },
  {
    name: 'generated stimulus samples=20000',
    inputs: { stimulus: 'generate:samples=20000' },
    error: `${P}Input 'stimulus': 'samples=20000' is not rate=<0..1>, seed=<integer> or samples=<1..10000>`,
  },
  {
    name: 'generated stimulus rate=NaN',
    inputs: { stimulus: 'generate:rate=NaN' },
    error: `${P}Input 'stimulus': 'rate=NaN' is not rate=<0..1>, seed=<integer> or samples=<1..10000>`,
  },
  {
    name: 'reset-mode injected',
    inputs: { 'reset-mode': INJECTION },
    error: /^neuromorphic-smoke: Input 'reset-mode': /,
  },
  {
    name: 'on-hardware-unavailable maybe',
    inputs: { 'on-hardware-unavailable': 'maybe' },
    error: /^neuromorphic-smoke: Input 'on-hardware-unavailable': /,
  },
  {
    name: 'fail-on-constraints x',
    inputs: { 'fail-on-constraints': 'x' },
    error: /^neuromorphic-smoke: Input 'fail-on-constraints': /,
  },
  {
    name: 'backends gpu',
    inputs: { backends: 'gpu' },
    error: `${P}Input 'backends': 'gpu' is not one of float-ref, loihi2-bitacc, spinnaker-fixed, hardware`,
  },
  {
    name: 'backends injected',
    inputs: { backends: INJECTION.replace(/\n/g, ' ') },
    error: /^neuromorphic-smoke: Input 'backends': ':\u200b:error/,
  },
  {
    name: 'profile tpu',
    inputs: { profile: 'tpu' },
    error: `${P}Input 'profile': 'tpu' is not loihi2, spinnaker1, spinnaker2 or a .json file`,
  },
  ...['constructor', '__proto__', 'toString'].map((profile) => ({
    name: `profile ${profile} (an Object property)`,
    inputs: { profile },
    error: `${P}Input 'profile': '${profile}' is not loihi2, spinnaker1, spinnaker2 or a .json file`,
  })),
  {
    name: 'profile JSON based on toString',
    setup: (ws) => write(ws, 'p.json', JSON.stringify({ base: 'toString' })),
    inputs: { profile: 'p.json' },
    error: `${P}Input 'profile': p.json: 'base' must be one of loihi2, spinnaker1, spinnaker2`,
  },
  {
    name: 'energy-model injected',
    inputs: { 'energy-model': INJECTION.replace(/\n/g, ' ') },
    error: /^neuromorphic-smoke: Input 'energy-model': ':\u200b:error/,
  },
  {
    name: 'golden naming a backend that does not run',
    inputs: { golden: 'spinnaker-fixed: lif_norse.csv#spikes=2' },
    error: `${P}Input 'golden': names backend 'spinnaker-fixed', which is not in 'backends'`,
  },
  {
    name: 'golden-node injected',
    inputs: { 'golden-node': INJECTION.replace(/\n/g, ' ') },
    error: /^neuromorphic-smoke: Input 'golden-node': no node ':\u200b:error/,
  },
];

const PATHS: Case[] = [
  {
    name: 'graph through ..',
    inputs: { graph: '../../../../../../etc/passwd' },
    error: /^neuromorphic-smoke: Input 'graph': path '\.\.\/.*' is outside the workspace/,
  },
  {
    name: 'graph absolute outside',
    inputs: { graph: '/etc/passwd' },
    error: /^neuromorphic-smoke: Input 'graph': .*outside the workspace/,
  },
  {
    name: 'graph a symlink out',
    setup: (ws, out) => link(ws, 'link.nir', path.join(out, 'secret.nir')),
    inputs: { graph: 'link.nir' },
    error: /^neuromorphic-smoke: Input 'graph': .*outside the workspace/,
  },
  {
    name: 'stimulus through ..',
    inputs: { stimulus: 'x/../../secret.csv#spikes=0' },
    error: /^neuromorphic-smoke: Input 'stimulus': .*outside the workspace/,
  },
  {
    name: 'stimulus a symlink out',
    setup: (ws, out) => link(ws, 'link.csv', path.join(out, 'secret.csv')),
    inputs: { stimulus: 'link.csv#spikes=0' },
    error: /^neuromorphic-smoke: Input 'stimulus': .*outside the workspace/,
  },
  {
    name: 'stimulus in a directory linked out',
    setup: (ws, out) => link(ws, 'dir', out),
    inputs: { stimulus: 'dir/secret.h5' },
    error: /^neuromorphic-smoke: Input 'stimulus': .*outside the workspace/,
  },
  {
    name: 'golden absolute outside',
    setup: (ws, out) => write(ws, 'unused', out),
    inputs: { golden: '/etc/hostname' },
    error: /^neuromorphic-smoke: Input 'golden': .*outside the workspace/,
  },
  {
    name: 'golden a symlink out',
    setup: (ws, out) => link(ws, 'gold.json', path.join(out, 'secret.json')),
    inputs: { golden: 'gold.json' },
    error: /^neuromorphic-smoke: Input 'golden': .*outside the workspace/,
  },
  {
    name: 'profile a symlink out',
    setup: (ws, out) => link(ws, 'p.json', path.join(out, 'secret.json')),
    inputs: { profile: 'p.json' },
    error: /^neuromorphic-smoke: Input 'profile': .*outside the workspace/,
  },
  {
    name: 'energy-model through ..',
    inputs: { 'energy-model': '../secret.json' },
    error: /^neuromorphic-smoke: Input 'energy-model': .*outside the workspace/,
  },
  {
    name: 'results through ..',
    inputs: { results: '../results.json' },
    error: /^neuromorphic-smoke: Input 'results': .*outside the workspace/,
  },
  {
    name: 'results in a directory linked out',
    setup: (ws, out) => link(ws, 'outlink', path.join(out, 'sub')),
    inputs: { results: 'outlink/results.json' },
    error: /^neuromorphic-smoke: Input 'results': .*outside the workspace/,
  },
];

const DOCUMENTS: Case[] = [
  {
    name: 'graph empty',
    setup: (ws) => write(ws, 'g.nir', ''),
    inputs: { graph: 'g.nir' },
    error: `${P}g.nir: is empty, expected an HDF5 file`,
  },
  {
    name: 'graph binary garbage',
    setup: (ws) => write(ws, 'g.nir', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256))),
    inputs: { graph: 'g.nir' },
    error: `${P}g.nir: cannot be opened as HDF5: not an HDF5 file (no HDF5 signature)`,
  },
  {
    name: 'graph that is JSON text with injected content',
    setup: (ws) => write(ws, 'g.nir', JSON.stringify({ node: INJECTION })),
    inputs: { graph: 'g.nir' },
    error: `${P}g.nir: cannot be opened as HDF5: not an HDF5 file (no HDF5 signature)`,
  },
  {
    name: 'graph data file that is not a NIR graph',
    setup: (ws) => h5Stimulus(path.join(ws, 'g.nir'), 10),
    inputs: { graph: 'g.nir' },
    error: `${P}g.nir: no '/node' group: not a NIR file`,
  },
  {
    name: 'stimulus JSON truncated',
    setup: (ws) => write(ws, 's.json', '{"nodes": {"input": {"spikes": [[0],'),
    inputs: { stimulus: 's.json' },
    error: /^neuromorphic-smoke: s\.json:1:\d+: invalid JSON/,
  },
  {
    name: 'stimulus JSON empty',
    setup: (ws) => write(ws, 's.json', ''),
    inputs: { stimulus: 's.json' },
    error: `${P}s.json:1:1: is empty, expected JSON`,
  },
  {
    name: 'stimulus JSON nested 300 levels',
    setup: (ws) => write(ws, 's.json', `{"nodes": ${deepJson(300)}}`),
    inputs: { stimulus: 's.json' },
    error: /^neuromorphic-smoke: s\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'stimulus JSON NaN as a string',
    setup: (ws) => write(ws, 's.json', JSON.stringify({ nodes: { input: { spikes: [['NaN']] } } })),
    inputs: { stimulus: 's.json' },
    error: `${P}s.json: nodes.input.spikes: sample 0 step 0 neuron 0 is not a finite number`,
  },
  {
    name: 'stimulus JSON with an injected node name',
    setup: (ws) => write(ws, 's.json', JSON.stringify({ nodes: { [INJECTION]: { spikes: [[0]] } } })),
    inputs: { stimulus: 's.json' },
    error: /^neuromorphic-smoke: Input 'stimulus': s\.json has no data for Input node 'input' \(it has: ':\u200b:error/,
  },
  {
    name: 'stimulus CSV binary',
    setup: (ws) => write(ws, 's.csv', Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x1b, 0x5b, 0x33, 0x31, 0x6d])),
    inputs: { stimulus: 's.csv#spikes=0' },
    error: /^neuromorphic-smoke: s\.csv:\d+: /,
  },
  {
    name: 'stimulus CSV with an injected cell',
    setup: (ws) => write(ws, 's.csv', `0\n${INJECTION.replace(/\n/g, ' ')}\n`),
    inputs: { stimulus: 's.csv#spikes=0' },
    error: /^neuromorphic-smoke: s\.csv:2: ':\u200b:error:\u200b:INJECTED%0A/,
  },
  {
    name: 'stimulus CSV column spec injected',
    setup: (ws) => write(ws, 's.csv', '0\n'),
    inputs: { stimulus: 's.csv#spikes=::error::x' },
    error: /^neuromorphic-smoke: s\.csv:1: no column ':\u200b:error:\u200b:x' \(1 columns\)$/,
  },
  {
    name: 'stimulus CSV Infinity and negative spikes',
    setup: (ws) => write(ws, 's.csv', '0\nInfinity\n'),
    inputs: { stimulus: 's.csv#spikes=0' },
    error: `${P}s.csv:2: 'Infinity' is not a finite number`,
  },
  {
    name: 'profile JSON over its 1 MiB limit',
    setup: (ws) => write(ws, 'p.json', `{"name": "${'p'.repeat(2 * BIG)}"}`),
    inputs: { profile: 'p.json' },
    error: /^neuromorphic-smoke: p\.json: is 1\.9 MiB, over the limit of 1\.0 MiB/,
  },
  {
    name: 'profile JSON nested 300 levels',
    setup: (ws) => write(ws, 'p.json', deepJson(300)),
    inputs: { profile: 'p.json' },
    error: /^neuromorphic-smoke: p\.json:1:\d+: nests deeper than 256 levels$/,
  },
];

/** A NIR graph Input → <node> → Output whose middle node has the given name and type. */
async function nirGraph(file: string, name: string, type: string): Promise<void> {
  const io = (t: string): ReturnType<typeof group> =>
    group({ type: dataset(t, [], 'string'), shape: dataset([1], [1], 'int') });
  const nodes = group({
    input: io('Input'),
    [name]: group({ type: dataset(type, [], 'string') }),
    output: io('Output'),
  });
  const edges = dataset(['input', name, name, 'output'], [2, 2], 'string');
  await writeH5(
    file,
    group({
      version: dataset('0.1.1', [], 'string'),
      node: group({ type: dataset('NIRGraph', [], 'string'), nodes, edges }),
    }),
  );
}

/**
 * input → lif (v_leak 2 over threshold 1: spikes on its own) → w (weight 0) → lif2 → Output
 * named `output`: the network spikes, its output never does.
 */
async function silentOutputGraph(file: string, output: string): Promise<void> {
  const f = (x: number): ReturnType<typeof dataset> => dataset([x], [1]);
  const lif = (leak: number): ReturnType<typeof group> =>
    group({
      type: dataset('LIF', [], 'string'),
      tau: f(0.01),
      r: f(1),
      v_leak: f(leak),
      v_threshold: f(1),
      v_reset: f(0),
    });
  const io = (t: string): ReturnType<typeof group> =>
    group({ type: dataset(t, [], 'string'), shape: dataset([1], [1], 'int') });
  const nodes = group({
    input: io('Input'),
    lif: lif(2),
    w: group({ type: dataset('Linear', [], 'string'), weight: dataset([0], [1, 1]) }),
    lif2: lif(0),
    [output]: io('Output'),
  });
  const edges = dataset(['input', 'lif', 'lif', 'w', 'w', 'lif2', 'lif2', output], [4, 2], 'string');
  await writeH5(
    file,
    group({
      version: dataset('0.2.0', [], 'string'),
      node: group({ type: dataset('NIRGraph', [], 'string'), nodes, edges }),
    }),
  );
}

const NIR: Case[] = [
  {
    name: 'NIR graph: a node name and type full of commands',
    setup: (ws) => nirGraph(path.join(ws, 'g.nir'), INJECTION, INJECTION),
    inputs: { graph: 'g.nir' },
    error:
      /^neuromorphic-smoke: g\.nir: node ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDRED': unknown node type ':\u200b:error:\u200b:INJECTED%0A/,
  },
  {
    name: 'NIR graph: a node named __proto__ is a node like any other',
    setup: (ws) => nirGraph(path.join(ws, 'g.nir'), '__proto__', 'Nope'),
    inputs: { graph: 'g.nir' },
    error: /^neuromorphic-smoke: g\.nir: node '__proto__': unknown node type 'Nope' \(NIR primitives: Input, Output, /,
  },
  {
    name: 'NIR graph: a node name and type of 100,000 characters',
    setup: (ws) => nirGraph(path.join(ws, 'g.nir'), 'n'.repeat(100_000), 't'.repeat(100_000)),
    inputs: { graph: 'g.nir' },
    error:
      /^neuromorphic-smoke: g\.nir: node 'n{200}…' \(cut at 200 of 100000 characters\): unknown node type 't{200}…' \(cut at 200 of 100000 characters\) \(NIR primitives: /,
  },
];

const ADAPTER: Case[] = [
  {
    name: 'adapter status message with commands and 1,000,000 characters',
    setup: (ws) => write(ws, 'adapter.mjs', adapter(`${INJECTION}${'m'.repeat(BIG)}`)),
    inputs: {
      backends: 'hardware',
      'hardware-command': `${process.execPath}\nadapter.mjs`,
      'on-hardware-unavailable': 'fail',
    },
    error:
      /^neuromorphic-smoke: neuromorphic smoke test failed: hardware error \(allocate: :\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDREDm+… \(cut at 200 of 2010 characters\)\)$/,
  },
  {
    name: 'adapter status file over 1 MiB',
    setup: (ws) =>
      write(
        ws,
        'adapter.mjs',
        `import { writeFileSync } from 'node:fs';\nconst a = process.argv.slice(2);\nwriteFileSync(a[a.indexOf('--status') + 1], JSON.stringify({ state: 'error', message: 'x'.repeat(2 * 1024 * 1024) }));\n`,
      ),
    inputs: {
      backends: 'hardware',
      'hardware-command': `${process.execPath}\nadapter.mjs`,
      'on-hardware-unavailable': 'fail',
    },
    error: /^neuromorphic-smoke: adapter file allocate-status\.json: is 2\.0 MiB, over the limit of 1\.0 MiB$/,
  },
  {
    name: 'an adapter command that does not exist, with a secret argument',
    inputs: {
      backends: 'hardware',
      'hardware-command': `/nonexistent/adapter\n--token=${SECRET}`,
      'on-hardware-unavailable': 'fail',
    },
    error: `${P}'/nonexistent/adapter' was not found on PATH`,
  },
];

/** A JSON stimulus for node `input` (one neuron) with the given dt and spike train. */
const jsonStimulus = (dt: unknown, spikes: number[] = [0, 1, 0, 1]): string =>
  JSON.stringify({ dt, nodes: { input: { spikes: spikes.map((x) => [x]) } } });

/** Issue #21: inputs and file fields added for silent networks, dt checks and the vs-ref gate. */
const ISSUE21: Case[] = [
  {
    name: 'allow-silent-network maybe',
    inputs: { 'allow-silent-network': 'maybe' },
    error: `${P}Input 'allow-silent-network': expected true or false, got "maybe"`,
  },
  {
    name: 'allow-silent-network injected',
    inputs: { 'allow-silent-network': INJECTION.replace(/\n/g, ' ') },
    error: /^neuromorphic-smoke: Input 'allow-silent-network': expected true or false, got ":\u200b:error/,
  },
  {
    name: 'resample-stimulus 1',
    inputs: { 'resample-stimulus': '1' },
    error: `${P}Input 'resample-stimulus': expected true or false, got "1"`,
  },
  {
    name: 'resample-stimulus injected',
    inputs: { 'resample-stimulus': INJECTION.replace(/\n/g, ' ') },
    error: /^neuromorphic-smoke: Input 'resample-stimulus': expected true or false, got ":\u200b:error/,
  },
  ...['-1', '.nan', '.inf', '"x"'].map((v) => ({
    name: `tolerances spike_count_ratio_vs_ref: ${v}`,
    inputs: { tolerances: `spike_count_ratio_vs_ref: ${v}` },
    error: `${P}Input 'tolerances': 'spike_count_ratio_vs_ref' must be a non-negative number`,
  })),
  {
    name: 'tolerances spike_count_ratio_vs_ref: 0.5',
    inputs: { tolerances: 'spike_count_ratio_vs_ref: 0.5' },
    error: `${P}Input 'tolerances': 'spike_count_ratio_vs_ref' must be at least 1 (a factor either way)`,
  },
  {
    name: 'tolerances rate_cosine_min_vs_ref: 2',
    inputs: { tolerances: 'rate_cosine_min_vs_ref: 2' },
    error: `${P}Input 'tolerances': 'rate_cosine_min_vs_ref' must be at most 1`,
  },
  {
    name: 'tolerances rate_cosine_min_vs_ref: -0.5',
    inputs: { tolerances: 'rate_cosine_min_vs_ref: -0.5' },
    error: `${P}Input 'tolerances': 'rate_cosine_min_vs_ref' must be a non-negative number`,
  },
  {
    name: 'a stimulus recorded at another dt is refused, naming both values and the file',
    setup: (ws) => write(ws, 's.json', jsonStimulus(1e-3)),
    inputs: { stimulus: 's.json' },
    error: `${P}Input 'stimulus': s.json has dt 0.001 s, but the input 'dt' is 0.0001 s: give dt: 0.001, or resample-stimulus: true to move its spikes onto 0.0001 s steps`,
  },
  {
    name: 'a stimulus with another dt whose file name carries commands is named neutralised',
    setup: (ws) => write(ws, '::error::x%0A::warning::y.json', jsonStimulus(1e-3)),
    inputs: { stimulus: '::error::x%0A::warning::y.json' },
    error:
      /^neuromorphic-smoke: Input 'stimulus': :\u200b:error:\u200b:x%0A:\u200b:warning:\u200b:y\.json has dt 0\.001 s, but the input 'dt' is 0\.0001 s: /,
  },
  ...[-1, 0].map((dt) => ({
    name: `a JSON stimulus with dt ${dt}`,
    setup: (ws: string) => write(ws, 's.json', jsonStimulus(dt)),
    inputs: { stimulus: 's.json' },
    error: `${P}s.json: dt ${dt} is not a positive number of seconds`,
  })),
  {
    name: 'a JSON stimulus with dt as a string',
    setup: (ws) => write(ws, 's.json', jsonStimulus('1e-3')),
    inputs: { stimulus: 's.json' },
    error: `${P}s.json: "dt" must be a number of seconds`,
  },
  {
    name: 'an HDF5 stimulus whose dt attribute is NaN',
    setup: (ws) =>
      writeH5(
        path.join(ws, 's.h5'),
        graphDataTree({
          samples: 1,
          steps: 4,
          dt: Number.NaN,
          nodes: new Map([['input', { neurons: 1, spikes: new Float64Array(4) }]]),
        }),
      ),
    inputs: { stimulus: 's.h5' },
    error: `${P}s.h5: dt NaN is not a positive number of seconds`,
  },
  {
    name: 'an HDF5 stimulus whose dt attribute is an injected string',
    setup: (ws) =>
      writeH5(
        path.join(ws, 's.h5'),
        group({
          nodes: group({ input: group({ spikes: group({ data: dataset([0, 1], [1, 2, 1]) }, { dt: [INJECTION] }) }) }),
        }),
      ),
    inputs: { stimulus: 's.h5' },
    error:
      /^neuromorphic-smoke: s\.h5: \/nodes\/input\/spikes: attribute dt ':\u200b:error:\u200b:INJECTED%0A.* is not a number of seconds$/,
  },
  {
    name: 'a golden at another dt is refused (goldens are not resampled)',
    setup: (ws) => write(ws, 'g.json', JSON.stringify({ dt: 1e-3, nodes: { '1': { spikes: [[0]] } } })),
    inputs: { golden: 'g.json', 'resample-stimulus': 'true' },
    error: `${P}Input 'golden': g.json has dt 0.001 s, but the input 'dt' is 0.0001 s: record the golden at dt 0.0001 s`,
  },
  {
    name: 'resampling that would pass the step limit is refused before it is allocated',
    setup: (ws) => write(ws, 's.json', jsonStimulus(1, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])),
    inputs: { stimulus: 's.json', dt: '1e-6', 'resample-stimulus': 'true' },
    error: `${P}Input 'stimulus': s.json: node 'input' resampled: has 10000000 steps; the limit is 1000000`,
  },
];

async function runCase(c: Case): Promise<{ r: RunResult; ws: string }> {
  const ws = mkdtempSync(path.join(tmpdir(), 'nm-hostile-'));
  for (const f of ['lif_norse.nir', 'lif_norse.csv'])
    copyFileSync(fixturePath(`neuromorphic/nir-paper/lif/${f}`), path.join(ws, f));
  const outside = outsideDir();
  await c.setup?.(ws, outside);
  const r = await runBundledAction(ACTION, {
    workspace: ws,
    stages: ['main'],
    inputs: { ...LIF, ...c.inputs },
    timeoutMs: 90_000,
  });
  // Nothing was written outside the workspace either.
  expect(readdirSync(path.join(outside, 'sub'))).toEqual([]);
  return { r, ws };
}

beforeAll(() => {
  ensureBundled(ACTION);
}, 600_000);

describe.each([
  ['issue #20 row 13 (limits and bounded error lines)', ROW13],
  ['issue #20 row 8 (tolerances)', ROW8],
  ['numbers and enums', NUMBERS_AND_ENUMS],
  ['paths', PATHS],
  ['documents', DOCUMENTS],
  ['NIR graphs', NIR],
  ['adapter output', ADAPTER],
  ['issue #21 (silent networks, dt, vs float-ref)', ISSUE21],
])('neuromorphic-smoke hostile input: %s', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { r } = await runCase(c);
      expectRefused(r, c.error);
    },
    120_000,
  );
});

describe('neuromorphic-smoke hostile input: accepted runs stay clean', () => {
  it('a resampled stimulus whose file name carries commands: the warning and the results stay neutral', async () => {
    const name = '::warning::x%0A::stop-commands::y.json';
    const { r, ws } = await runCase({
      name: 'resample',
      setup: (w) => write(w, name, jsonStimulus(1e-3)),
      inputs: { stimulus: name, 'resample-stimulus': 'true', 'allow-silent-network': 'true' },
      error: '',
    });
    expectClean(r);
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toContain(
      ':\u200b:warning:\u200b:x%0A:\u200b:stop-commands:\u200b:y.json: stimulus resampled from dt 0.001 s to 0.0001 s (4 steps → 40)',
    );
    expect(
      (JSON.parse(readFileSync(path.join(ws, 'out/results.json'), 'utf8')) as { config: { stimulus: string } }).config
        .stimulus,
    ).toBe(`${name} (resampled from dt 0.001 s: 4 steps → 40, 2 spikes kept)`);
  }, 120_000);

  it('an allowed silent network with an injected output name warns once, neutralised', async () => {
    const { r } = await runCase({
      name: 'silent',
      setup: (ws) => silentOutputGraph(path.join(ws, 'g.nir'), INJECTION),
      inputs: { graph: 'g.nir', stimulus: 'generate:rate=0', 'allow-silent-network': 'true' },
      error: '',
    });
    expectClean(r);
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    const warned = r.annotations.filter((a) => a.level === 'warning' && a.message.startsWith('silent network'));
    expect(warned.map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^silent network: output ':\u200b:error:\u200b:INJECTED%0A.*' has no spikes on any backend \(float-ref; the network spikes \d+ times? on float-ref\); allowed by allow-silent-network$/,
      ),
    ]);
  }, 120_000);

  it('an injected label in a CSV header that is not used passes and prints nothing raw', async () => {
    const { r } = await runCase({
      name: 'header',
      setup: (ws) => write(ws, 's.csv', `${INJECTION.replace(/\n/g, ' ').replace(/,/g, ' ')},b\n0,0\n1,0\n`),
      inputs: { stimulus: 's.csv#spikes=b', steps: '2', 'allow-silent-network': 'true' },
      error: '',
    });
    expectClean(r);
    expect(r.exitCode, r.stdout.slice(-2000)).toBe(0);
    expect(r.outputs.status).toBe('passed');
    expect(r.summary).not.toContain(OUTSIDE_CANARY);
  }, 120_000);
});
