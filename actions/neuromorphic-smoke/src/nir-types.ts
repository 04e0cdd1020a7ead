/** A NIR graph after reading: flat float parameters with their shapes, names as in the file. */
export interface Tensor {
  data: Float64Array;
  shape: number[];
}

export const NODE_TYPES = [
  'Input',
  'Output',
  'Affine',
  'Linear',
  'Scale',
  'Conv1d',
  'Conv2d',
  'SumPool2d',
  'AvgPool2d',
  'Flatten',
  'Delay',
  'Threshold',
  'I',
  'IF',
  'LI',
  'LIF',
  'CubaLI',
  'CubaLIF',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** Types the three simulators execute (the rest validate but cannot be simulated). */
export const SIMULATED_TYPES: readonly NodeType[] = [
  'Input',
  'Output',
  'Affine',
  'Linear',
  'Scale',
  'Conv2d',
  'SumPool2d',
  'AvgPool2d',
  'Flatten',
  'Delay',
  'Threshold',
  'IF',
  'LI',
  'LIF',
  'CubaLI',
  'CubaLIF',
];

export const NEURON_TYPES: readonly NodeType[] = ['IF', 'LI', 'LIF', 'CubaLI', 'CubaLIF', 'I'];
export const SPIKING_TYPES: readonly NodeType[] = ['IF', 'LIF', 'CubaLIF', 'Threshold'];

export interface NirNode {
  name: string;
  type: NodeType;
  /** Numeric fields (weight, tau, ...); shapes kept separately from the flat data. */
  params: Record<string, Tensor>;
  /** String fields (Conv padding "same"/"valid"). */
  strings: Record<string, string>;
}

export interface NirGraph {
  version: string;
  nodes: Map<string, NirNode>;
  edges: Array<[string, string]>;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
