import { NirError } from './nir-read.js';
import { NEURON_TYPES, type NirGraph, type NirNode, size, type Tensor } from './nir-types.js';

export interface Finding {
  level: 'error' | 'warning' | 'info';
  node?: string;
  rule: string;
  detail: string;
}

export interface GraphInfo {
  /** Output shape of every node. */
  shapes: Map<string, number[]>;
  /** Input shape of every node (sum of its predecessors; [] for sources). */
  inputShapes: Map<string, number[]>;
  /** Execution order (sources first; recurrent back edges excluded). */
  order: string[];
  /** Edges that close a cycle: their source's previous-step output is used. */
  backEdges: Array<[string, string]>;
  preds: Map<string, string[]>;
  succs: Map<string, string[]>;
  inputs: string[];
  outputs: string[];
  findings: Finding[];
}

const pair = (t: Tensor | undefined, fallback: number): [number, number] => {
  if (!t || t.data.length === 0) return [fallback, fallback];
  const a = t.data[0] ?? fallback;
  return [a, t.data.length > 1 ? (t.data[1] ?? a) : a];
};

function requireParam(node: NirNode, name: string): Tensor {
  const t = node.params[name];
  if (!t) throw new NirError(node.name, `${node.type} has no '${name}'`);
  return t;
}

/** Conv/pool padding as numbers, resolving NIR's "same"/"valid" strings. */
export function convPadding(node: NirNode, kernel: [number, number], dilation: [number, number]): [number, number] {
  const s = node.strings.padding;
  if (s === 'valid') return [0, 0];
  if (s === 'same')
    return [Math.floor((dilation[0] * (kernel[0] - 1)) / 2), Math.floor((dilation[1] * (kernel[1] - 1)) / 2)];
  if (s !== undefined) throw new NirError(node.name, `padding '${s}' is neither a number, 'same' nor 'valid'`);
  return pair(node.params.padding, 0);
}

export interface Conv2dGeometry {
  cIn: number;
  hIn: number;
  wIn: number;
  cOut: number;
  hOut: number;
  wOut: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  groups: number;
}

export function conv2dGeometry(node: NirNode, input: number[]): Conv2dGeometry {
  const w = requireParam(node, 'weight');
  if (w.shape.length !== 4)
    throw new NirError(
      node.name,
      `Conv2d weight has shape [${w.shape.join(',')}], expected 4 dimensions [C_out, C_in/groups, kH, kW]`,
    );
  if (input.length !== 3)
    throw new NirError(node.name, `Conv2d input has shape [${input.join(',')}], expected [C, H, W]`);
  const [cOut, cInPerGroup, kh, kw] = w.shape as [number, number, number, number];
  const [cIn, hIn, wIn] = input as [number, number, number];
  const groups = node.params.groups?.data[0] ?? 1;
  const [sh, sw] = pair(node.params.stride, 1);
  const [dh, dw] = pair(node.params.dilation, 1);
  const [ph, pw] = convPadding(node, [kh, kw], [dh, dw]);
  if (cInPerGroup * groups !== cIn) {
    throw new NirError(
      node.name,
      `shape mismatch: Conv2d expects ${cInPerGroup * groups} input channels (weight [${w.shape.join(',')}], groups ${groups}) but receives [${input.join(',')}]`,
    );
  }
  const declared = node.params.input_shape;
  if (declared && declared.data.length === 2 && (declared.data[0] !== hIn || declared.data[1] !== wIn)) {
    throw new NirError(
      node.name,
      `shape mismatch: input_shape is [${Array.from(declared.data).join(',')}] but the input is ${hIn}x${wIn}`,
    );
  }
  const hOut = Math.floor((hIn + 2 * ph - dh * (kh - 1) - 1) / sh + 1);
  const wOut = Math.floor((wIn + 2 * pw - dw * (kw - 1) - 1) / sw + 1);
  if (hOut <= 0 || wOut <= 0)
    throw new NirError(node.name, `Conv2d output would be ${hOut}x${wOut} for input [${input.join(',')}]`);
  return { cIn, hIn, wIn, cOut, hOut, wOut, kh, kw, sh, sw, ph, pw, dh, dw, groups };
}

export interface PoolGeometry {
  c: number;
  hIn: number;
  wIn: number;
  hOut: number;
  wOut: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
}

export function poolGeometry(node: NirNode, input: number[]): PoolGeometry {
  if (input.length !== 3)
    throw new NirError(node.name, `${node.type} input has shape [${input.join(',')}], expected [C, H, W]`);
  const [kh, kw] = pair(requireParam(node, 'kernel_size'), 1);
  const [sh, sw] = pair(node.params.stride, kh);
  const [ph, pw] = convPadding(node, [kh, kw], [1, 1]);
  const [c, hIn, wIn] = input as [number, number, number];
  const hOut = Math.floor((hIn + 2 * ph - kh) / sh + 1);
  const wOut = Math.floor((wIn + 2 * pw - kw) / sw + 1);
  if (hOut <= 0 || wOut <= 0) throw new NirError(node.name, `${node.type} output would be ${hOut}x${wOut}`);
  return { c, hIn, wIn, hOut, wOut, kh, kw, sh, sw, ph, pw };
}

const NEURON_PARAMS: Record<string, string[]> = {
  I: ['r'],
  IF: ['r', 'v_threshold'],
  LI: ['tau', 'r', 'v_leak'],
  LIF: ['tau', 'r', 'v_leak', 'v_threshold'],
  CubaLI: ['tau_syn', 'tau_mem', 'r', 'v_leak'],
  CubaLIF: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold'],
  Threshold: ['threshold'],
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return size(a) === size(b);
}

/** Output shape of a node given its input shape; throws NirError naming the node on mismatch. */
function outputShape(node: NirNode, input: number[], hasInput: boolean): number[] {
  switch (node.type) {
    case 'Input': {
      const shape = Array.from(requireParam(node, 'shape').data);
      if (hasInput && !sameShape(input, shape))
        throw new NirError(
          node.name,
          `shape mismatch: Input declares [${shape.join(',')}] but receives [${input.join(',')}]`,
        );
      return shape;
    }
    case 'Output': {
      const declared = node.params.shape ? Array.from(node.params.shape.data) : undefined;
      if (declared && declared.length > 0 && hasInput && !sameShape(declared, input)) {
        throw new NirError(
          node.name,
          `shape mismatch: Output declares [${declared.join(',')}] but receives [${input.join(',')}]`,
        );
      }
      return hasInput ? input : (declared ?? []);
    }
    case 'Affine':
    case 'Linear': {
      const w = requireParam(node, 'weight');
      if (w.shape.length !== 2)
        throw new NirError(node.name, `${node.type} weight has shape [${w.shape.join(',')}], expected [out, in]`);
      const [out, inn] = w.shape as [number, number];
      if (size(input) !== inn)
        throw new NirError(
          node.name,
          `shape mismatch: weight [${out},${inn}] expects ${inn} inputs but receives [${input.join(',')}] (${size(input)})`,
        );
      if (node.type === 'Affine') {
        const b = requireParam(node, 'bias');
        if (b.data.length !== out && b.data.length !== 1)
          throw new NirError(node.name, `bias has ${b.data.length} values, expected ${out}`);
      }
      return [out];
    }
    case 'Scale': {
      const s = requireParam(node, 'scale');
      if (s.data.length !== 1 && s.data.length !== size(input))
        throw new NirError(node.name, `shape mismatch: scale has ${s.data.length} values, input [${input.join(',')}]`);
      return input;
    }
    case 'Conv2d': {
      const g = conv2dGeometry(node, input);
      const b = node.params.bias;
      if (b && b.data.length !== g.cOut && b.data.length !== 1)
        throw new NirError(node.name, `bias has ${b.data.length} values, expected ${g.cOut}`);
      return [g.cOut, g.hOut, g.wOut];
    }
    case 'Conv1d': {
      const w = requireParam(node, 'weight');
      if (w.shape.length !== 3 || input.length !== 2)
        throw new NirError(
          node.name,
          `Conv1d weight [${w.shape.join(',')}] / input [${input.join(',')}] are not [C_out,C_in,k] / [C,L]`,
        );
      const [cOut, , k] = w.shape as [number, number, number];
      const [s] = pair(node.params.stride, 1);
      const [d] = pair(node.params.dilation, 1);
      const [p] = convPadding(node, [k, k], [d, d]);
      return [cOut, Math.floor(((input[1] ?? 0) + 2 * p - d * (k - 1) - 1) / s + 1)];
    }
    case 'SumPool2d':
    case 'AvgPool2d': {
      const g = poolGeometry(node, input);
      return [g.c, g.hOut, g.wOut];
    }
    case 'Flatten': {
      const declared = node.params.input_type ? Array.from(node.params.input_type.data) : undefined;
      if (declared && !sameShape(declared, input))
        throw new NirError(
          node.name,
          `shape mismatch: Flatten input_type is [${declared.join(',')}] but receives [${input.join(',')}]`,
        );
      const shape = declared && declared.length === input.length ? declared : input;
      const rank = shape.length;
      const norm = (d: number): number => (d < 0 ? d + rank : d);
      const start = norm(node.params.start_dim?.data[0] ?? 1);
      const end = norm(node.params.end_dim?.data[0] ?? -1);
      if (start < 0 || end >= rank || start > end)
        throw new NirError(node.name, `Flatten dims ${start}..${end} do not fit input rank ${rank}`);
      return [...shape.slice(0, start), size(shape.slice(start, end + 1)), ...shape.slice(end + 1)];
    }
    case 'Delay': {
      const d = requireParam(node, 'delay');
      if (d.data.length !== 1 && d.data.length !== size(input))
        throw new NirError(node.name, `shape mismatch: delay has ${d.data.length} values, input [${input.join(',')}]`);
      return input;
    }
    default: {
      // neurons and Threshold: the parameter arrays define the population.
      const names = NEURON_PARAMS[node.type] ?? [];
      const first = names.map((n) => requireParam(node, n))[0];
      const pop = first && first.data.length > 1 ? first.shape : input;
      for (const n of [...names, 'v_reset', 'w_in']) {
        const t = node.params[n];
        if (t && t.data.length !== 1 && t.data.length !== size(pop))
          throw new NirError(node.name, `parameter '${n}' has ${t.data.length} values, others have ${size(pop)}`);
      }
      if (hasInput && size(input) !== size(pop))
        throw new NirError(
          node.name,
          `shape mismatch: ${size(pop)} neurons receive [${input.join(',')}] (${size(input)} values)`,
        );
      return pop.length > 0 ? pop : input;
    }
  }
}

function checkParameters(node: NirNode, dt: number, findings: Finding[]): void {
  for (const [name, t] of Object.entries(node.params)) {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1)
      throw new NirError(node.name, `parameter '${name}' has a non-finite value (${t.data[bad]}) at index ${bad}`);
  }
  for (const name of ['tau', 'tau_mem', 'tau_syn']) {
    const t = node.params[name];
    if (!t) continue;
    const bad = t.data.findIndex((v) => v <= 0);
    if (bad !== -1) throw new NirError(node.name, `${name} must be > 0, found ${t.data[bad]} at index ${bad}`);
    const minTau = Math.min(...t.data);
    if (dt / minTau > 1)
      findings.push({
        level: 'warning',
        node: node.name,
        rule: 'dt-over-tau',
        detail: `dt/${name} = ${(dt / minTau).toPrecision(3)} > 1: forward Euler is unstable`,
      });
  }
  if (node.type === 'Delay') {
    const d = requireParam(node, 'delay');
    const off = d.data.findIndex((v) => v < 0 || Math.abs(v / dt - Math.round(v / dt)) > 1e-6);
    if (off !== -1) throw new NirError(node.name, `delay ${d.data[off]} is not a non-negative multiple of dt ${dt}`);
  }
}

/**
 * Validates a graph against NIR's rules and propagates shapes from the Input nodes. Errors
 * (dangling edge, shape mismatch, tau <= 0, ...) throw a NirError naming the node; softer
 * problems (dt/tau, cycles) come back as findings.
 */
export function validateGraph(graph: NirGraph, dt: number): GraphInfo {
  const findings: Finding[] = [];
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const name of graph.nodes.keys()) {
    preds.set(name, []);
    succs.set(name, []);
  }
  for (const [src, dst] of graph.edges) {
    if (!graph.nodes.has(src)) throw new NirError(src, `edge ${src} -> ${dst} starts at a node that does not exist`);
    if (!graph.nodes.has(dst)) throw new NirError(dst, `edge ${src} -> ${dst} ends at a node that does not exist`);
    succs.get(src)?.push(dst);
    preds.get(dst)?.push(src);
  }
  const nodes = [...graph.nodes.values()];
  const inputs = nodes.filter((n) => n.type === 'Input' && (preds.get(n.name)?.length ?? 0) === 0).map((n) => n.name);
  const outputs = nodes.filter((n) => n.type === 'Output' && (succs.get(n.name)?.length ?? 0) === 0).map((n) => n.name);
  if (inputs.length === 0) throw new NirError(undefined, 'the graph has no Input node');
  if (outputs.length === 0) throw new NirError(undefined, 'the graph has no Output node');
  for (const n of nodes) checkParameters(n, dt, findings);

  // Depth-first from the inputs: post-order reversed is the execution order; an edge to a
  // node still on the stack closes a cycle (recurrence) and is read with one step of delay.
  const state = new Map<string, 'open' | 'done'>();
  const post: string[] = [];
  const backEdges: Array<[string, string]> = [];
  const visit = (start: string): void => {
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { name: string; next: number };
      const out = succs.get(top.name) ?? [];
      if (top.next < out.length) {
        const nxt = out[top.next++] as string;
        const s = state.get(nxt);
        if (s === 'open') backEdges.push([top.name, nxt]);
        else if (s === undefined) {
          state.set(nxt, 'open');
          stack.push({ name: nxt, next: 0 });
        }
      } else {
        state.set(top.name, 'done');
        post.push(top.name);
        stack.pop();
      }
    }
  };
  for (const i of inputs) if (!state.has(i)) visit(i);
  const unreachable = nodes.filter((n) => !state.has(n.name)).map((n) => n.name);
  if (unreachable.length > 0) {
    findings.push({
      level: 'warning',
      node: unreachable[0],
      rule: 'unreachable',
      detail: `not reachable from any Input: ${unreachable.join(', ')}`,
    });
    for (const u of unreachable) visit(u);
  }
  const order = post.reverse();
  for (const [src, dst] of backEdges) {
    findings.push({
      level: 'info',
      node: dst,
      rule: 'cycle',
      detail: `recurrent edge ${src} -> ${dst}: simulated with a one-step delay; backends without recurrence need a Delay here`,
    });
  }

  const shapes = new Map<string, number[]>();
  const inputShapes = new Map<string, number[]>();
  const resolve = (name: string): void => {
    const node = graph.nodes.get(name) as NirNode;
    const incoming = preds.get(name) ?? [];
    const known = incoming.filter((p) => shapes.has(p));
    let input: number[] = [];
    for (const p of known) {
      const s = shapes.get(p) as number[];
      if (input.length > 0 && size(input) !== size(s)) {
        throw new NirError(
          name,
          `shape mismatch: inputs disagree, [${input.join(',')}] from ${known[0]} and [${s.join(',')}] from ${p}`,
        );
      }
      if (input.length === 0) input = s;
    }
    inputShapes.set(name, input);
    shapes.set(name, outputShape(node, input, known.length > 0));
  };
  for (const name of order) resolve(name);
  // Edges closing cycles: their sources now have shapes, check them against the targets.
  for (const [src, dst] of backEdges) {
    const s = shapes.get(src) as number[];
    const target = inputShapes.get(dst) as number[];
    if (target.length > 0 && size(s) !== size(target))
      throw new NirError(
        dst,
        `shape mismatch: recurrent input from ${src} is [${s.join(',')}], expected [${target.join(',')}]`,
      );
    if (target.length === 0) {
      inputShapes.set(dst, s);
      shapes.set(dst, outputShape(graph.nodes.get(dst) as NirNode, s, true));
    }
  }
  const neurons = nodes.filter((n) => NEURON_TYPES.includes(n.type));
  if (neurons.length === 0)
    findings.push({ level: 'warning', rule: 'no-neurons', detail: 'the graph has no neuron node' });
  return { shapes, inputShapes, order, backEdges, preds, succs, inputs, outputs, findings };
}
