import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { readH5, writeH5 } from '../src/h5.js';
import { dataset, group, type H5Group } from '../src/h5-tree.js';
import { loadGraph } from '../src/load.js';
import { readNirTree } from '../src/nir-read.js';

const dir = mkdtempSync(path.join(tmpdir(), 'nir-reader-'));
const str = (s: string) => dataset(s, [], 'string');
const floats = (values: number[], shape?: number[]) => dataset(values, shape ?? [values.length], 'float');
const ints = (values: number[], shape?: number[]) => dataset(values, shape ?? [values.length], 'int');

/** input[3] -> lin (Linear 4x3) -> lif (LIF x4) -> output[4], in nir.write's layout (NIR 0.2). */
function lifGraph(overrides: { nodes?: Record<string, H5Group>; edges?: string[][] } = {}): H5Group {
  const nodes: Record<string, H5Group> = {
    input: group({ type: str('Input'), shape: ints([3]) }),
    lin: group({ type: str('Linear'), weight: floats([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [4, 3]) }),
    lif: group({
      type: str('LIF'),
      tau: floats([0.01, 0.01, 0.01, 0.01]),
      r: floats([1, 1, 1, 1]),
      v_leak: floats([0, 0, 0, 0]),
      v_threshold: floats([1, 1, 1, 1]),
    }),
    output: group({ type: str('Output'), shape: ints([4]) }),
    ...overrides.nodes,
  };
  const edges = overrides.edges ?? [
    ['input', 'lin'],
    ['lin', 'lif'],
    ['lif', 'output'],
  ];
  return group({
    version: str('0.2.0'),
    node: group({
      type: str('NIRGraph'),
      nodes: group(nodes),
      edges: dataset(edges.flat(), [edges.length, 2], 'string'),
    }),
  });
}

async function write(name: string, tree: H5Group, compress = false): Promise<string> {
  const file = path.join(dir, name);
  await writeH5(file, tree, { compress });
  return file;
}

async function loadError(file: string): Promise<string> {
  try {
    await loadGraph(file, 1e-3, path.basename(file));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`${file} loaded without an error`);
}

describe('NIR reader', () => {
  it('reads the gzip-compressed NIR 1.0 fixture written by h5py', async () => {
    const tree = await readH5(fixturePath('neuromorphic/generated/gzip_linear_lif.nir'));
    const weight = (tree.children.node as H5Group).children.nodes as H5Group;
    const lin = (weight.children.lin as H5Group).children.weight;
    expect(lin?.kind === 'dataset' && lin.filters).toContain(1); // deflate
    const graph = readNirTree(tree);
    expect(graph.version).toBe('1.0.0');
    expect(Array.from(graph.nodes.get('lin')?.params.weight?.data ?? [])).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    expect(graph.nodes.get('lin')?.params.weight?.shape).toEqual([4, 3]);
    expect(graph.nodes.get('lif')?.params.v_reset?.data[0]).toBe(0);
    expect(graph.edges).toEqual([
      ['input', 'lin'],
      ['lin', 'lif'],
      ['lif', 'output'],
    ]);
  });

  it('reads NIR 0.1 (float32, no v_reset) and 0.2 (float64) paper files', async () => {
    const { graph, info } = await loadGraph(
      fixturePath('neuromorphic/nir-paper/lif/lif_norse.nir'),
      1e-4,
      'lif_norse.nir',
    );
    expect(graph.version).toBe('0.1.1');
    expect(graph.nodes.get('1')?.params.v_reset).toBeUndefined();
    expect(info.order).toEqual(['input', '0', '1', 'output']);
    const two = await loadGraph(fixturePath('neuromorphic/nir-paper/graphs/two_lif_neurons.nir'), 1e-4, 'two.nir');
    expect(two.graph.nodes.get('lif1')?.params.v_leak?.data[0]).toBe(1.2);
  });

  it('reads the NIR 1.x layout (input_type/output_type groups) and flattens nested graphs, compressed', async () => {
    const inner = group({
      type: str('NIRGraph'),
      nodes: group({
        input: group({ type: str('Input'), input_type: group({ input: ints([4]) }) }),
        lif: group({
          type: str('LIF'),
          tau: floats([0.01]),
          r: floats([1]),
          v_leak: floats([0]),
          v_threshold: floats([1]),
          v_reset: floats([0]),
        }),
        output: group({ type: str('Output'), output_type: group({ output: ints([4]) }) }),
      }),
      edges: dataset(['input', 'lif', 'lif', 'output'], [2, 2], 'string'),
    });
    const tree = lifGraph({ nodes: { lif: inner } });
    (tree.children.version as { value: string[] }).value = ['1.2.0'];
    const file = await write('nested.nir', tree, true);
    const { graph, info } = await loadGraph(file, 1e-3, 'nested.nir');
    expect(graph.version).toBe('1.2.0');
    expect([...graph.nodes.keys()].sort()).toEqual(['input', 'lif.input', 'lif.lif', 'lif.output', 'lin', 'output']);
    expect(graph.edges).toContainEqual(['lin', 'lif.input']);
    expect(graph.edges).toContainEqual(['lif.output', 'output']);
    expect(info.shapes.get('lif.lif')).toEqual([4]);
    expect(info.inputs).toEqual(['input']);
  });
});

describe('malformed graphs name the node or the file', () => {
  it('a dangling edge', async () => {
    const file = await write(
      'dangling.nir',
      lifGraph({
        edges: [
          ['input', 'lin'],
          ['lin', 'lif'],
          ['lif', 'output'],
          ['lif', 'ghost'],
        ],
      }),
    );
    expect(await loadError(file)).toBe(
      "dangling.nir: node 'ghost': edge lif -> ghost ends at a node that does not exist",
    );
  });

  it('an unknown node type', async () => {
    const file = await write(
      'unknown.nir',
      lifGraph({ nodes: { lif: group({ type: str('SpikingTransformerBlock'), tau: floats([0.01]) }) } }),
    );
    expect(await loadError(file)).toMatch(/^unknown\.nir: node 'lif': unknown node type 'SpikingTransformerBlock'/);
  });

  it('a shape mismatch', async () => {
    const file = await write(
      'mismatch.nir',
      lifGraph({
        nodes: {
          lin: group({
            type: str('Linear'),
            weight: floats(
              Array.from({ length: 20 }, (_, i) => i),
              [4, 5],
            ),
          }),
        },
      }),
    );
    expect(await loadError(file)).toBe(
      "mismatch.nir: node 'lin': shape mismatch: weight [4,5] expects 5 inputs but receives [3] (3)",
    );
  });

  it('tau <= 0', async () => {
    const file = await write(
      'tau.nir',
      lifGraph({
        nodes: {
          lif: group({
            type: str('LIF'),
            tau: floats([0.01, 0, 0.01, 0.01]),
            r: floats([1]),
            v_leak: floats([0]),
            v_threshold: floats([1]),
          }),
        },
      }),
    );
    expect(await loadError(file)).toBe("tau.nir: node 'lif': tau must be > 0, found 0 at index 1");
  });

  it('a truncated file', async () => {
    const file = path.join(dir, 'truncated.nir');
    const bytes = readFileSync(fixturePath('neuromorphic/generated/gzip_linear_lif.nir'));
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await loadError(file)).toMatch(
      /^truncated\.nir: cannot be opened as HDF5: the file is truncated \(16076 bytes, HDF5 superblock says 32152\)/,
    );
  });

  it('a file that is not HDF5 at all', async () => {
    const file = path.join(dir, 'text.nir');
    copyFileSync(fixturePath('neuromorphic/nir-paper/lif/lif_norse.csv'), file);
    expect(await loadError(file)).toMatch(/^text\.nir: cannot be opened as HDF5/);
  });
});
