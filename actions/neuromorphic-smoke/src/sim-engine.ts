import type { NirGraph, NirNode } from './nir-types.js';
import { NEURON_TYPES, SIMULATED_TYPES, SPIKING_TYPES, size } from './nir-types.js';
import { NirError } from './nir-read.js';
import type { Finding, GraphInfo } from './validate.js';

export type ResetMode = 'zero' | 'subtract';
export const SIMULATORS = ['float-ref', 'loihi2-bitacc', 'spinnaker-fixed'] as const;
export type SimulatorName = (typeof SIMULATORS)[number];

export interface SimConfig {
  dt: number;
  steps: number;
  resetMode: ResetMode;
  /** Voltages are recorded for neuron nodes up to this size (memory bound). */
  recordVoltageMaxNeurons: number;
}

/** One node during a run; step() must not modify its input and may reuse its output buffer. */
export interface NodeRuntime {
  step(input: Float64Array): Float64Array;
  /** Membrane state after the step, in the backend's units (neurons only). */
  v?: Float64Array;
  /** Synaptic events so far (linear nodes). */
  events: number;
}

export interface PreparedNetwork {
  /** Fresh state for one sample. */
  instantiate(): Map<string, NodeRuntime>;
  /** Facts about the backend's translation (quantiser choices, overflows). */
  findings: Finding[];
  /** Units of recorded voltages. */
  voltageUnits: string;
}

export interface Backend {
  name: SimulatorName;
  prepare(graph: NirGraph, info: GraphInfo, config: SimConfig): PreparedNetwork;
}

export interface SampleRecord {
  /** Spikes per step of every spiking node, row-major [step][neuron]. */
  spikes: Map<string, Uint8Array>;
  voltages: Map<string, Float64Array>;
  /** What reached each Output node, [step][element]. */
  outputs: Map<string, Float64Array>;
  synapticEvents: number;
  neuronUpdates: number;
  wallMs: number;
}

export function checkSimulatable(graph: NirGraph, backend: string): void {
  for (const node of graph.nodes.values()) {
    if (!SIMULATED_TYPES.includes(node.type))
      throw new NirError(node.name, `${node.type} is not supported by the ${backend} simulator`);
  }
}

/** Identity (Flatten, Output, nested Input): NIR reshapes are free, data is flat. */
export function identityRuntime(): NodeRuntime {
  return { step: (x) => x, events: 0 };
}

/** NIR Delay: y(t) = x(t - d), d a multiple of dt (validated). */
export function delayRuntime(node: NirNode, n: number, dt: number): NodeRuntime {
  const d = node.params.delay?.data ?? new Float64Array([0]);
  const steps = Int32Array.from({ length: n }, (_, i) =>
    Math.round((d.length === 1 ? (d[0] as number) : (d[i] as number)) / dt),
  );
  const depth = Math.max(1, ...steps) + 1;
  const ring = new Float64Array(depth * n);
  const out = new Float64Array(n);
  let t = 0;
  return {
    events: 0,
    step(x) {
      ring.set(x.subarray(0, n), (t % depth) * n);
      for (let i = 0; i < n; i++) {
        const back = t - (steps[i] as number);
        out[i] = back < 0 ? 0 : (ring[(back % depth) * n + i] as number);
      }
      t++;
      return out;
    },
  };
}

/**
 * Runs one sample: every step, nodes execute in topological order; an edge that closes a
 * cycle delivers its source's output of the previous step. Inputs of a node are summed.
 */
export function simulate(
  graph: NirGraph,
  info: GraphInfo,
  prepared: PreparedNetwork,
  stimulus: Map<string, Float64Array>,
  config: SimConfig,
): SampleRecord {
  const started = performance.now();
  const runtimes = prepared.instantiate();
  const sizes = new Map([...info.shapes].map(([k, s]) => [k, size(s)]));
  const back = new Set(info.backEdges.map(([s, d]) => `${s}\u0000${d}`));
  const backSources = new Set(info.backEdges.map(([s]) => s));
  const current = new Map<string, Float64Array>();
  const previous = new Map<string, Float64Array>();
  for (const s of backSources) previous.set(s, new Float64Array(sizes.get(s) ?? 0));
  const inputBuffers = new Map<string, Float64Array>();
  const spikes = new Map<string, Uint8Array>();
  const voltages = new Map<string, Float64Array>();
  const outputs = new Map<string, Float64Array>();
  const topInputs = new Set(info.inputs);
  let neuronUpdates = 0;
  const neuronNodes: string[] = [];
  for (const node of graph.nodes.values()) {
    const n = sizes.get(node.name) ?? 0;
    if (SPIKING_TYPES.includes(node.type)) spikes.set(node.name, new Uint8Array(config.steps * n));
    if (NEURON_TYPES.includes(node.type)) {
      neuronNodes.push(node.name);
      if (n <= config.recordVoltageMaxNeurons) voltages.set(node.name, new Float64Array(config.steps * n));
    }
    if (info.outputs.includes(node.name)) outputs.set(node.name, new Float64Array(config.steps * n));
    if ((info.preds.get(node.name)?.length ?? 0) > 1) inputBuffers.set(node.name, new Float64Array(n));
  }
  const empty = new Float64Array(0);
  for (let t = 0; t < config.steps; t++) {
    for (const name of info.order) {
      const n = sizes.get(name) ?? 0;
      let out: Float64Array;
      if (topInputs.has(name)) {
        const stim = stimulus.get(name);
        out = stim ? stim.subarray(t * n, (t + 1) * n) : new Float64Array(n);
      } else {
        const preds = info.preds.get(name) ?? [];
        let input: Float64Array;
        if (preds.length === 1) {
          const p = preds[0] as string;
          input = (back.has(`${p}\u0000${name}`) ? previous.get(p) : current.get(p)) ?? empty;
        } else {
          input = inputBuffers.get(name) ?? empty;
          input.fill(0);
          for (const p of preds) {
            const src = back.has(`${p}\u0000${name}`) ? previous.get(p) : current.get(p);
            if (src) for (let i = 0; i < input.length; i++) input[i] = (input[i] as number) + (src[i] as number);
          }
        }
        out = (runtimes.get(name) as NodeRuntime).step(input);
      }
      current.set(name, out);
    }
    for (const [name, rec] of spikes) {
      const n = sizes.get(name) ?? 0;
      const out = current.get(name) as Float64Array;
      for (let i = 0; i < n; i++) if (out[i] !== 0) rec[t * n + i] = 1;
    }
    for (const [name, rec] of voltages) {
      const v = runtimes.get(name)?.v;
      if (v) rec.set(v, t * (sizes.get(name) ?? 0));
    }
    for (const [name, rec] of outputs) rec.set(current.get(name) as Float64Array, t * (sizes.get(name) ?? 0));
    for (const s of backSources) (previous.get(s) as Float64Array).set(current.get(s) as Float64Array);
    for (const name of neuronNodes) neuronUpdates += sizes.get(name) ?? 0;
  }
  let synapticEvents = 0;
  for (const rt of runtimes.values()) synapticEvents += rt.events;
  return { spikes, voltages, outputs, synapticEvents, neuronUpdates, wallMs: performance.now() - started };
}

/** Per-neuron value of a parameter (broadcasting a scalar), with a default when absent. */
export function param(node: NirNode, name: string, n: number, fallback?: number): Float64Array {
  const t = node.params[name];
  if (!t) {
    if (fallback === undefined) throw new NirError(node.name, `${node.type} has no '${name}'`);
    return new Float64Array(n).fill(fallback);
  }
  if (t.data.length === n) return t.data;
  if (t.data.length === 1) return new Float64Array(n).fill(t.data[0] as number);
  throw new NirError(node.name, `parameter '${name}' has ${t.data.length} values for ${n} neurons`);
}
