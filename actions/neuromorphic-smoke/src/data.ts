import { clip, quote, seededRandom } from '@spikeformer-actions/core';
import { child, dataset, group, type H5Dataset, type H5Group } from './h5-tree.js';
import { column, type Csv } from './csv.js';

/** The most steps one run simulates, however the stimulus, golden or recording gives them. */
export const MAX_STEPS = 1_000_000;
/** The most samples (as generate:samples allows). */
export const MAX_SAMPLES = 10_000;
/** The most values (samples × steps × neurons) one observable may hold: 512 MiB of float64. */
export const MAX_VALUES = 64 * 1024 * 1024;

/**
 * Recorded or expected activity of a graph: per node, spikes and/or voltages as
 * [sample][step][neuron] flat arrays. This is what NIRGraphData files hold
 * (nir.write_data: /nodes/<node>/observables/<name>/data with shape (samples, steps, neurons)).
 */
export interface NodeTrace {
  neurons: number;
  spikes?: Float64Array;
  v?: Float64Array;
}

export interface ActivityData {
  samples: number;
  steps: number;
  dt?: number;
  nodes: Map<string, NodeTrace>;
  labels?: number[];
}

export class DataError extends Error {
  constructor(
    problem: string,
    readonly line?: number,
  ) {
    super(problem);
    this.name = 'DataError';
  }
}

const SPIKE_NAMES = ['spikes', 'spike', 's', 'z', 'output_spikes'];
const V_NAMES = ['v', 'voltage', 'membrane_voltage', 'vmem'];

/** Refuses sizes past the limits before anything of that size is allocated. */
export function checkActivitySize(where: string, samples: number, steps: number, neurons: number): void {
  if (!Number.isSafeInteger(steps) || steps < 0 || steps > MAX_STEPS)
    throw new DataError(`${where}: has ${steps} steps; the limit is ${MAX_STEPS}`);
  if (!Number.isSafeInteger(samples) || samples < 0 || samples > MAX_SAMPLES)
    throw new DataError(`${where}: has ${samples} samples; the limit is ${MAX_SAMPLES}`);
  if (!Number.isSafeInteger(neurons) || neurons < 0) throw new DataError(`${where}: has ${neurons} neurons`);
  if (samples * steps * neurons > MAX_VALUES)
    throw new DataError(`${where}: holds ${samples} × ${steps} × ${neurons} values; the limit is ${MAX_VALUES}`);
}

function attrNumber(node: H5Group | H5Dataset, name: string): number | undefined {
  const a = node.attrs[name];
  const v = a?.[0];
  return typeof v === 'number'
    ? v
    : typeof v === 'string' && v !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : undefined;
}

/** The dt attribute, if any: one that is there but not a number is refused, not ignored. */
function attrDt(node: H5Group | H5Dataset, where: string): number | undefined {
  if (node.attrs.dt === undefined) return undefined;
  const dt = attrNumber(node, 'dt');
  if (dt === undefined)
    throw new DataError(`${where}: attribute dt ${quote(String(node.attrs.dt[0]))} is not a number of seconds`);
  return dt;
}

interface Observable {
  samples: number;
  steps: number;
  neurons: number;
  values: Float64Array;
  dt?: number;
}

function readObservable(obs: H5Group | H5Dataset, where: string, dtHint: number | undefined): Observable {
  const data = obs.kind === 'dataset' ? obs : child(obs, 'data');
  if (data?.kind === 'dataset') {
    if (data.dtype === 'string') throw new DataError(`${where}: 'data' holds strings`);
    const shape = data.shape;
    if (shape.length < 2)
      throw new DataError(
        `${where}: data has shape [${shape.join(',')}], expected (samples, steps, neurons...) or (steps, neurons)`,
      );
    const samples = shape.length >= 3 ? (shape[0] as number) : 1;
    const steps = shape.length >= 3 ? (shape[1] as number) : (shape[0] as number);
    const neurons = shape.slice(shape.length >= 3 ? 2 : 1).reduce((a, b) => a * b, 1);
    checkActivitySize(where, samples, steps, neurons);
    const dt = attrDt(data, where) ?? (obs.kind === 'group' ? attrDt(obs, where) : undefined);
    return {
      samples,
      steps,
      neurons,
      values: Float64Array.from(data.value as number[]),
      ...(dt !== undefined ? { dt } : {}),
    };
  }
  if (obs.kind === 'group') {
    const idx = child(obs, 'idx');
    const time = child(obs, 'time');
    if (idx?.kind === 'dataset' && time?.kind === 'dataset') {
      const neurons = attrNumber(obs, 'n_neurons');
      const tMax = attrNumber(obs, 't_max');
      const dt = dtHint ?? attrNumber(obs, 'dt');
      if (neurons === undefined || tMax === undefined)
        throw new DataError(`${where}: EventData needs attributes n_neurons and t_max`);
      if (dt === undefined) throw new DataError(`${where}: EventData times need dt to become steps`);
      const steps = Math.round(tMax / dt);
      const samples = idx.shape.length === 2 ? (idx.shape[0] as number) : 1;
      checkActivitySize(where, samples, steps, neurons);
      const perSample = idx.value.length / samples;
      const values = new Float64Array(samples * steps * neurons);
      for (let s = 0; s < samples; s++) {
        for (let e = 0; e < perSample; e++) {
          const i = idx.value[s * perSample + e] as number;
          const step = Math.round((time.value[s * perSample + e] as number) / dt);
          if (i < 0 || i >= neurons || step < 0 || step >= steps) continue; // padding
          const k = (s * steps + step) * neurons + i;
          values[k] = (values[k] as number) + 1;
        }
      }
      return { samples, steps, neurons, values, dt };
    }
  }
  throw new DataError(`${where}: neither TimeGriddedData ('data') nor EventData ('idx', 'time')`);
}

/** Reads the NIRGraphData tree (written by nir.write_data or by this action). */
export function readGraphData(root: H5Group, dtHint: number | undefined): ActivityData {
  const type = root.attrs.__type__?.[0];
  const nodes = child(root, 'nodes');
  if (nodes?.kind !== 'group')
    throw new DataError(
      `not NIRGraphData: no '/nodes' group${type === undefined ? '' : ` (__type__ ${quote(String(type))})`}`,
    );
  const out: ActivityData = { samples: 0, steps: 0, nodes: new Map() };
  for (const [name, node] of Object.entries(nodes.children)) {
    if (node.kind !== 'group') continue;
    const observables = child(node, 'observables');
    const container = observables?.kind === 'group' ? observables : node;
    const trace: NodeTrace = { neurons: 0 };
    for (const [obsName, obs] of Object.entries(container.children)) {
      const isSpikes = SPIKE_NAMES.includes(obsName.toLowerCase());
      const isV = V_NAMES.includes(obsName.toLowerCase());
      if (!isSpikes && !isV) continue;
      const o = readObservable(obs, `/nodes/${clip(name)}/${obsName}`, dtHint);
      if (out.samples === 0) {
        out.samples = o.samples;
        out.steps = o.steps;
      } else if (o.samples !== out.samples || o.steps !== out.steps) {
        throw new DataError(
          `/nodes/${clip(name)}/${obsName}: ${o.samples} samples x ${o.steps} steps, others have ${out.samples} x ${out.steps}`,
        );
      }
      if (o.dt !== undefined) out.dt = o.dt;
      trace.neurons = o.neurons;
      if (isSpikes) trace.spikes = o.values;
      else trace.v = o.values;
    }
    if (trace.spikes || trace.v) out.nodes.set(name, trace);
  }
  const labels = child(root, 'labels');
  if (labels?.kind === 'dataset' && labels.dtype !== 'string') out.labels = (labels.value as number[]).map(Math.round);
  if (out.nodes.size === 0) throw new DataError("no node has a 'spikes' or 'v' observable");
  return out;
}

/** Writes activity as a NIRGraphData tree (TimeGriddedData per observable). */
export function graphDataTree(data: ActivityData, extraAttrs: Record<string, string> = {}): H5Group {
  const nodes: Record<string, H5Group> = {};
  for (const [name, trace] of data.nodes) {
    const observables: Record<string, H5Group> = {};
    const add = (obs: string, values: Float64Array): void => {
      const ds = dataset(Array.from(values), [data.samples, data.steps, trace.neurons], 'float');
      observables[obs] = group(
        { data: ds },
        { __type__: ['TimeGriddedData'], ...(data.dt !== undefined ? { dt: [data.dt] } : {}) },
      );
    };
    if (trace.spikes) add('spikes', trace.spikes);
    if (trace.v) add('v', trace.v);
    nodes[name] = group({ observables: group(observables) }, { __type__: ['NIRNodeData'] });
  }
  const children: H5Group['children'] = { nodes: group(nodes) };
  if (data.labels) children.labels = dataset(data.labels, [data.labels.length], 'int');
  const attrs: H5Group['attrs'] = { __type__: ['NIRGraphData'] };
  for (const [k, v] of Object.entries(extraAttrs)) attrs[k] = [v];
  return group(children, attrs);
}

/**
 * `path#spikes=2,v=1` → the path and the column spec (index or header name per observable).
 */
export function splitColumnSpec(spec: string): { path: string; columns: Map<string, string> } {
  const hash = spec.lastIndexOf('#');
  if (hash === -1) return { path: spec, columns: new Map() };
  const columns = new Map<string, string>();
  for (const part of spec.slice(hash + 1).split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || v === undefined || v === '') throw new DataError(`column spec ${quote(part)} is not name=column`);
    if (k !== 'spikes' && k !== 'v' && k !== 'label')
      throw new DataError(`column spec ${quote(k)} must be spikes, v or label`);
    columns.set(k, v);
  }
  return { path: spec.slice(0, hash), columns };
}

/** A single-sample CSV (rows = steps) for one node, columns chosen by the spec (`spikes=0`, `v=1`). */
export function csvActivity(csv: Csv, columns: Map<string, string>, node: string): ActivityData {
  if (!columns.has('spikes') && !columns.has('v'))
    throw new DataError("a CSV needs a column spec after '#', e.g. file.csv#spikes=2,v=1");
  const steps = csv.rows.length;
  checkActivitySize('the CSV', 1, steps, 1);
  const trace: NodeTrace = { neurons: 1 };
  const spikes = columns.get('spikes');
  const v = columns.get('v');
  if (spikes !== undefined) trace.spikes = column(csv, spikes);
  if (v !== undefined) trace.v = column(csv, v);
  return { samples: 1, steps, nodes: new Map([[node, trace]]) };
}

function flatten3(
  value: unknown,
  where: string,
): { samples: number; steps: number; neurons: number; values: Float64Array } {
  if (!Array.isArray(value) || value.length === 0) throw new DataError(`${where}: expected a non-empty array`);
  const three = Array.isArray(value[0]) && Array.isArray((value[0] as unknown[])[0]);
  const samplesArr = (three ? value : [value]) as unknown[][];
  const steps = samplesArr[0]?.length ?? 0;
  const neurons = Array.isArray(samplesArr[0]?.[0]) ? (samplesArr[0][0] as unknown[]).length : 0;
  checkActivitySize(where, samplesArr.length, steps, neurons);
  const values = new Float64Array(samplesArr.length * steps * neurons);
  samplesArr.forEach((sample, s) => {
    if (!Array.isArray(sample) || sample.length !== steps)
      throw new DataError(
        `${where}: sample ${s} has ${Array.isArray(sample) ? sample.length : 0} steps, expected ${steps}`,
      );
    sample.forEach((row, t) => {
      if (!Array.isArray(row) || row.length !== neurons)
        throw new DataError(
          `${where}: sample ${s} step ${t} has ${Array.isArray(row) ? row.length : 0} values, expected ${neurons}`,
        );
      row.forEach((x, i) => {
        if (typeof x !== 'number' || !Number.isFinite(x))
          throw new DataError(`${where}: sample ${s} step ${t} neuron ${i} is not a finite number`);
        values[(s * steps + t) * neurons + i] = x;
      });
    });
  });
  return { samples: samplesArr.length, steps, neurons, values };
}

/** JSON: {"dt"?, "labels"?, "nodes": {"<node>": {"spikes": [steps][neurons] or [samples][steps][neurons], "v"?: ...}}}. */
export function jsonActivity(value: unknown): ActivityData {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DataError('expected a JSON object with "nodes"');
  const obj = value as Record<string, unknown>;
  const nodes = obj.nodes;
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes))
    throw new DataError('"nodes" must be an object of node name → {spikes, v}');
  const out: ActivityData = { samples: 0, steps: 0, nodes: new Map() };
  if (obj.dt !== undefined && obj.dt !== null) {
    if (typeof obj.dt !== 'number') throw new DataError('"dt" must be a number of seconds');
    out.dt = obj.dt;
  }
  if (Array.isArray(obj.labels))
    out.labels = obj.labels.map((l, i) => {
      if (typeof l !== 'number' || !Number.isInteger(l)) throw new DataError(`labels[${i}] is not an integer`);
      return l;
    });
  for (const [name, entry] of Object.entries(nodes as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) throw new DataError(`nodes.${clip(name)}: expected {spikes, v}`);
    const e = entry as Record<string, unknown>;
    const trace: NodeTrace = { neurons: 0 };
    for (const key of ['spikes', 'v'] as const) {
      if (e[key] === undefined) continue;
      const f = flatten3(e[key], `nodes.${clip(name)}.${key}`);
      if (out.samples === 0) {
        out.samples = f.samples;
        out.steps = f.steps;
      } else if (f.samples !== out.samples || f.steps !== out.steps)
        throw new DataError(`nodes.${clip(name)}.${key}: ${f.samples}x${f.steps}, others ${out.samples}x${out.steps}`);
      trace.neurons = f.neurons;
      trace[key] = f.values;
    }
    out.nodes.set(name, trace);
  }
  if (out.nodes.size === 0) throw new DataError('"nodes" is empty');
  return out;
}

/** A deterministic PRNG (mulberry32) so generated stimuli are the same on every run. */
export const mulberry32 = seededRandom;

/** Bernoulli spike trains for every Input node: `rate` spikes per neuron per step. */
export function generateStimulus(
  inputs: Array<{ name: string; neurons: number }>,
  steps: number,
  samples: number,
  rate: number,
  seed: number,
): ActivityData {
  const rand = mulberry32(seed);
  const nodes = new Map<string, NodeTrace>();
  for (const input of inputs) {
    const spikes = new Float64Array(samples * steps * input.neurons);
    for (let k = 0; k < spikes.length; k++) spikes[k] = rand() < rate ? 1 : 0;
    nodes.set(input.name, { neurons: input.neurons, spikes });
  }
  return { samples, steps, nodes };
}

/** One sample's [step][neuron] slice of a trace, cut or zero-padded to `steps`. */
export function sampleSlice(
  values: Float64Array,
  data: ActivityData,
  neurons: number,
  sample: number,
  steps: number,
): Float64Array {
  const out = new Float64Array(steps * neurons);
  const n = Math.min(steps, data.steps);
  out.set(values.subarray(sample * data.steps * neurons, (sample * data.steps + n) * neurons));
  return out;
}
