import { quote } from '@spikeformer-actions/core';
import { child, type H5Dataset, type H5Group, type H5Node } from './h5-tree.js';
import { NODE_TYPES, type NirGraph, type NirNode, type NodeType, type Tensor } from './nir-types.js';

/** A problem in the graph's content; the message names the node (the caller adds the file). */
export class NirError extends Error {
  constructor(
    readonly node: string | undefined,
    problem: string,
  ) {
    super(node === undefined ? problem : `node ${quote(node)}: ${problem}`);
    this.name = 'NirError';
  }
}

function stringOf(node: H5Node | undefined): string | undefined {
  if (node?.kind !== 'dataset' || node.dtype !== 'string') return undefined;
  const v = node.value[0];
  return typeof v === 'string' ? v : undefined;
}

function tensorOf(ds: H5Dataset): Tensor {
  return { data: Float64Array.from(ds.value as number[]), shape: [...ds.shape] };
}

/** Input/Output shapes: `shape` (NIR 0.x) or `input_type/input` / `output_type/output` (NIR 1.x). */
function ioShape(group: H5Group, key: 'input' | 'output'): H5Dataset | undefined {
  const direct = child(group, 'shape');
  if (direct?.kind === 'dataset') return direct;
  const typed = child(group, `${key}_type`);
  if (typed?.kind === 'group') {
    const inner = child(typed, key);
    if (inner?.kind === 'dataset') return inner;
  }
  if (typed?.kind === 'dataset') return typed;
  return undefined;
}

type Subgraphs = Map<string, { inputs: string[]; outputs: string[] }>;

function readNode(name: string, group: H5Group, prefix: string, out: NirGraph, subgraphs: Subgraphs): void {
  const rawType = stringOf(child(group, 'type'));
  const qualified = prefix + name;
  if (rawType === undefined) throw new NirError(qualified, "has no 'type' string");
  if (rawType === 'NIRGraph') {
    const before = new Set(out.nodes.keys());
    readGraphInto(group, `${qualified}.`, out, qualified, subgraphs);
    const added = [...out.nodes.values()].filter((n) => !before.has(n.name) && n.name.startsWith(`${qualified}.`));
    const direct = (n: NirNode): boolean =>
      ![...subgraphs.keys()].some(
        (g) => g !== qualified && g.startsWith(`${qualified}.`) && n.name.startsWith(`${g}.`),
      );
    subgraphs.set(qualified, {
      inputs: added.filter((n) => n.type === 'Input' && direct(n)).map((n) => n.name),
      outputs: added.filter((n) => n.type === 'Output' && direct(n)).map((n) => n.name),
    });
    return;
  }
  if (!(NODE_TYPES as readonly string[]).includes(rawType)) {
    throw new NirError(
      qualified,
      `unknown node type ${quote(rawType)} (NIR primitives: ${NODE_TYPES.join(', ')}, NIRGraph)`,
    );
  }
  const type = rawType as NodeType;
  const node: NirNode = { name: qualified, type, params: {}, strings: {} };
  for (const [key, value] of Object.entries(group.children)) {
    if (key === 'type' || key === 'metadata') continue;
    if (value.kind === 'group') {
      // NIR 1.x stores input_type/output_type dicts; Flatten's input_type is what we need.
      if ((key === 'input_type' || key === 'output_type') && type !== 'Input' && type !== 'Output') {
        const first = Object.values(value.children)[0];
        if (first?.kind === 'dataset' && first.dtype !== 'string') node.params[key] = tensorOf(first);
      }
      continue;
    }
    if (value.dtype === 'string') node.strings[key] = String(value.value[0] ?? '');
    else node.params[key] = tensorOf(value);
  }
  if (type === 'Input' || type === 'Output') {
    const shape = ioShape(group, type === 'Input' ? 'input' : 'output');
    delete node.params.input_type;
    delete node.params.output_type;
    if (shape) node.params.shape = { data: Float64Array.from(shape.value as number[]), shape: [shape.value.length] };
    else if (type === 'Input') throw new NirError(qualified, "Input has no 'shape'");
  }
  if (out.nodes.has(qualified)) throw new NirError(qualified, 'is defined twice');
  out.nodes.set(qualified, node);
}

/**
 * Reads one NIRGraph group. Nested graphs are flattened: their nodes become `outer.inner`,
 * edges into the subgraph go to its Input nodes and edges out of it leave from its Output
 * nodes, which then act as identities (as NIR defines them).
 */
function readGraphInto(
  graph: H5Group,
  prefix: string,
  out: NirGraph,
  graphName: string | undefined,
  subgraphs: Subgraphs,
): void {
  const nodes = child(graph, 'nodes');
  if (nodes?.kind !== 'group') throw new NirError(graphName, "graph has no 'nodes' group");
  for (const [name, g] of Object.entries(nodes.children)) {
    if (g.kind !== 'group') throw new NirError(prefix + name, 'is a dataset, expected a node group');
    readNode(name, g, prefix, out, subgraphs);
  }
  const edges = child(graph, 'edges');
  if (edges === undefined) return;
  if (edges.kind !== 'dataset' || edges.dtype !== 'string')
    throw new NirError(graphName, "'edges' is not a string dataset");
  const flat = edges.value as string[];
  if (flat.length % 2 !== 0) throw new NirError(graphName, `'edges' has ${flat.length} names, expected pairs`);
  for (let i = 0; i < flat.length; i += 2) out.edges.push([prefix + String(flat[i]), prefix + String(flat[i + 1])]);
}

/** Rewires edges that point at a subgraph's name to its Input/Output nodes. */
function resolveSubgraphEdges(out: NirGraph, subgraphs: Subgraphs): void {
  const ioOf = (name: string, type: 'Input' | 'Output'): string[] => {
    const io = subgraphs.get(name);
    return io ? (type === 'Input' ? io.inputs : io.outputs) : [];
  };
  const rewired: Array<[string, string]> = [];
  for (const [src, dst] of out.edges) {
    const srcs = out.nodes.has(src) ? [src] : ioOf(src, 'Output');
    const dsts = out.nodes.has(dst) ? [dst] : ioOf(dst, 'Input');
    if (srcs.length === 0) srcs.push(src); // left dangling: validation names it
    if (dsts.length === 0) dsts.push(dst);
    for (const s of srcs) for (const d of dsts) rewired.push([s, d]);
  }
  out.edges = rewired;
}

/** Converts the HDF5 tree of a .nir file (NIR 0.1 to 1.x layouts) into a NirGraph. */
export function readNirTree(root: H5Group): NirGraph {
  const version = stringOf(child(root, 'version')) ?? 'unknown';
  const top = child(root, 'node');
  if (top?.kind !== 'group') throw new NirError(undefined, "no '/node' group: not a NIR file");
  const type = stringOf(child(top, 'type'));
  if (type !== undefined && type !== 'NIRGraph')
    throw new NirError(undefined, `top node is ${quote(type)}, expected NIRGraph`);
  const graph: NirGraph = { version, nodes: new Map(), edges: [] };
  const subgraphs: Subgraphs = new Map();
  readGraphInto(top, '', graph, undefined, subgraphs);
  resolveSubgraphEdges(graph, subgraphs);
  return graph;
}
