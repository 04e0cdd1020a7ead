import { NirError } from './nir-read.js';
import type { NirGraph, NirNode } from './nir-types.js';
import { NEURON_TYPES, size } from './nir-types.js';
import {
  ACT_SHIFT,
  clipV,
  decayConstant,
  decayed,
  quantiseBias,
  quantiseWeights,
  thresholdMantissa,
  V_UNIT,
  VTH_SHIFT,
  wrap24,
} from './loihi-quant.js';
import { biasOf, floatWeights, linearOpOf } from './ops.js';
import { type Backend, delayRuntime, identityRuntime, type NodeRuntime, param, type SimConfig } from './sim-engine.js';
import { thresholdRuntime } from './sim-float.js';
import type { Finding, GraphInfo } from './validate.js';

/**
 * loihi2-bitacc: Lava's PyLifModelBitAcc / PyDenseModelBitAcc arithmetic. Weighted nodes
 * (Affine, Linear, Conv2d) are Dense/Conv processes whose output reaches the neuron one
 * step later (Lava's a_buff); pools and reshapes fold into the next process. A neuron fed
 * by spikes without a weighted node gets the implicit identity Dense Lava would need.
 */
const WEIGHTED = new Set(['Affine', 'Linear', 'Conv2d']);
const PASS = new Set(['Flatten', 'SumPool2d', 'AvgPool2d', 'Scale', 'Output', 'Input', 'Delay']);
const A_MAX = 2 ** 15 - 1;

/** Per-step input gain of a neuron (how much one unit of input moves v, in NIR units). */
function gainOf(node: NirNode, n: number, dt: number): Float64Array {
  const r = param(node, 'r', n, 1);
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (node.type === 'LIF' || node.type === 'LI')
      g[i] = (dt / (param(node, 'tau', n)[i] as number)) * (r[i] as number);
    else if (node.type === 'IF' || node.type === 'I') g[i] = dt * (r[i] as number);
    else {
      const tm = param(node, 'tau_mem', n)[i] as number;
      const ts = param(node, 'tau_syn', n)[i] as number;
      g[i] = (dt / tm) * (r[i] as number) * (dt / ts) * (param(node, 'w_in', n, 1)[i] as number);
    }
  }
  return g;
}

/** The neuron a weighted node drives, following reshapes and pools; undefined for an Output. */
function downstreamNeuron(graph: NirGraph, info: GraphInfo, start: string): NirNode | undefined {
  const seen = new Set<string>();
  const queue = [...(info.succs.get(start) ?? [])];
  const found: NirNode[] = [];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = graph.nodes.get(name) as NirNode;
    if (NEURON_TYPES.includes(node.type)) found.push(node);
    else if (PASS.has(node.type)) queue.push(...(info.succs.get(name) ?? []));
  }
  if (found.length > 1)
    throw new NirError(
      start,
      `drives ${found.length} neuron nodes (${found.map((f) => f.name).join(', ')}); the Loihi quantiser needs one gain per weight matrix`,
    );
  return found[0];
}

/** Whether a neuron's input arrives through a weighted node (else it sees raw spikes). */
function fedBySynapses(graph: NirGraph, info: GraphInfo, name: string): boolean {
  const kinds = new Set<boolean>();
  const walk = (n: string, depth: number): void => {
    for (const p of info.preds.get(n) ?? []) {
      const node = graph.nodes.get(p) as NirNode;
      if (WEIGHTED.has(node.type)) kinds.add(true);
      else if (PASS.has(node.type) && (info.preds.get(p)?.length ?? 0) > 0 && depth < 64) walk(p, depth + 1);
      else kinds.add(false);
    }
  };
  walk(name, 0);
  if (kinds.size > 1)
    throw new NirError(
      name,
      'mixes synaptic input and direct spikes; the Loihi mapping needs a weighted node on every input',
    );
  return kinds.has(true);
}

function expandGain(g: Float64Array, outSize: number): Float64Array {
  if (g.length === outSize) return g;
  return new Float64Array(outSize).fill(g[0] ?? 1);
}

/** Effective weights: each output row scaled by its target neuron's gain, in activation units (·256). */
function effectiveWeights(node: NirNode, w: Float64Array, gainPerOutput: Float64Array, outSize: number): Float64Array {
  const eff = new Float64Array(w.length);
  if (node.type === 'Conv2d') {
    const cOut = node.params.weight?.shape[0] ?? 1;
    const per = w.length / cOut;
    const spatial = outSize / cOut;
    for (let k = 0; k < w.length; k++)
      eff[k] = (w[k] as number) * (gainPerOutput[Math.floor(k / per) * spatial] as number) * 256;
    // Conv shares a kernel per channel: gains must be uniform within a channel (checked by the caller).
  } else {
    const inSize = w.length / outSize;
    for (let k = 0; k < w.length; k++)
      eff[k] = (w[k] as number) * (gainPerOutput[Math.floor(k / inSize)] as number) * 256;
  }
  return eff;
}

interface NeuronPlan {
  du: Int32Array;
  dv: Int32Array;
  vth: Float64Array;
  bias: Float64Array;
  resetV: Float64Array;
  /** For neurons fed raw spikes: the implicit identity Dense weight per neuron. */
  directWeight?: Float64Array;
  spiking: boolean;
}

function planNeuron(node: NirNode, n: number, config: SimConfig, direct: boolean, findings: Finding[]): NeuronPlan {
  const { dt } = config;
  const du = new Int32Array(n).fill(4095);
  const dv = new Int32Array(n);
  const vth = new Float64Array(n);
  const bias = new Float64Array(n);
  const resetV = new Float64Array(n);
  const spiking = node.type === 'IF' || node.type === 'LIF' || node.type === 'CubaLIF';
  const thr = spiking ? param(node, 'v_threshold', n) : undefined;
  const reset = param(node, 'v_reset', n, 0);
  const leak = node.type === 'IF' || node.type === 'I' ? undefined : param(node, 'v_leak', n, 0);
  const tauMem =
    node.type === 'LIF' || node.type === 'LI'
      ? param(node, 'tau', n)
      : node.type.startsWith('Cuba')
        ? param(node, 'tau_mem', n)
        : undefined;
  const tauSyn = node.type.startsWith('Cuba') ? param(node, 'tau_syn', n) : undefined;
  let vthClipped = 0;
  for (let i = 0; i < n; i++) {
    if (tauMem) dv[i] = decayConstant(dt, tauMem[i] as number);
    if (tauSyn) du[i] = decayConstant(dt, tauSyn[i] as number);
    if (thr) {
      let m = thresholdMantissa(thr[i] as number);
      if (m > 131071 || m < 0) {
        vthClipped++;
        m = Math.min(131071, Math.max(0, m));
      }
      vth[i] = m * 2 ** VTH_SHIFT;
    }
    if (leak && tauMem) bias[i] = quantiseBias((dt / (tauMem[i] as number)) * (leak[i] as number) * V_UNIT).value;
    resetV[i] = Math.trunc((reset[i] as number) * V_UNIT);
  }
  if (vthClipped > 0)
    findings.push({
      level: 'warning',
      node: node.name,
      rule: 'loihi-threshold-range',
      detail: `${vthClipped} thresholds outside Lava's 17-bit vth mantissa were clipped`,
    });
  if (resetV.some((r) => r !== 0))
    findings.push({
      level: 'warning',
      node: node.name,
      rule: 'loihi-reset',
      detail:
        "Lava's bit-accurate LIF resets to 0; v_reset ≠ 0 is applied here but needs a custom neuron model on the chip",
    });
  const plan: NeuronPlan = { du, dv, vth, bias, resetV, spiking };
  if (direct) {
    const g = gainOf(node, n, dt);
    const q = quantiseWeights(Float64Array.from(g, (x) => x * 256));
    plan.directWeight = Float64Array.from(q.weights, (w) => w * 2 ** q.weightExp);
  }
  return plan;
}

function neuronRuntime(plan: NeuronPlan, n: number, subtract: boolean): NodeRuntime {
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const out = new Float64Array(n);
  // The implicit identity Dense keeps Lava's one-step buffer too.
  const pending = plan.directWeight ? new Float64Array(n) : undefined;
  return {
    v,
    events: 0,
    step(x) {
      for (let i = 0; i < n; i++) {
        let a: number;
        if (pending && plan.directWeight) {
          a = pending[i] as number;
          pending[i] = Math.max(
            -A_MAX - 1,
            Math.min(A_MAX, Math.trunc((x[i] as number) * (plan.directWeight[i] as number))),
          );
        } else a = Math.trunc(x[i] as number);
        let ui = decayed(u[i] as number, (plan.du[i] as number) + 1 > 4096 ? 4096 : (plan.du[i] as number) + 1);
        ui = wrap24(ui + a * 2 ** ACT_SHIFT);
        u[i] = ui;
        let vi = clipV(decayed(v[i] as number, plan.dv[i] as number) + ui + (plan.bias[i] as number));
        let z = 0;
        if (plan.spiking && vi > (plan.vth[i] as number)) {
          z = 1;
          vi = subtract ? vi - (plan.vth[i] as number) : (plan.resetV[i] as number);
        }
        v[i] = vi;
        out[i] = plan.spiking ? z : vi / V_UNIT;
      }
      return out;
    },
  };
}

function weightedRuntime(
  node: NirNode,
  info: GraphInfo,
  weights: Float64Array,
  bias: Float64Array | undefined,
  weightExp: number,
): NodeRuntime {
  const op = linearOpOf(node, info.inputShapes.get(node.name) ?? []);
  if (!op) return identityRuntime();
  const acc = new Float64Array(op.outSize);
  const buffered = new Float64Array(op.outSize);
  const out = new Float64Array(op.outSize);
  const scale = 2 ** weightExp;
  const rt: NodeRuntime = {
    events: 0,
    step(x) {
      out.set(buffered); // what was computed last step leaves now (Lava's a_buff)
      acc.fill(0);
      rt.events += op.scatter(x, weights, acc);
      for (let i = 0; i < acc.length; i++) {
        const a = (acc[i] as number) * scale + (bias ? (bias[i] as number) : 0);
        buffered[i] = Math.max(-A_MAX - 1, Math.min(A_MAX, Math.trunc(a)));
      }
      return out;
    },
  };
  return rt;
}

function passRuntime(node: NirNode, info: GraphInfo): NodeRuntime {
  const op = linearOpOf(node, info.inputShapes.get(node.name) ?? []);
  if (!op) return identityRuntime();
  const w = floatWeights(node);
  const out = new Float64Array(op.outSize);
  const rt: NodeRuntime = {
    events: 0,
    step(x) {
      out.fill(0);
      rt.events += op.scatter(x, w, out);
      return out;
    },
  };
  return rt;
}

export const loihi2BitAcc: Backend = {
  name: 'loihi2-bitacc',
  prepare(graph, info, config) {
    const findings: Finding[] = [];
    const neuronPlans = new Map<string, NeuronPlan>();
    const weighted = new Map<string, { weights: Float64Array; bias: Float64Array | undefined; exp: number }>();
    for (const node of graph.nodes.values()) {
      const n = size(info.shapes.get(node.name) ?? []);
      if (NEURON_TYPES.includes(node.type))
        neuronPlans.set(node.name, planNeuron(node, n, config, !fedBySynapses(graph, info, node.name), findings));
      if (!WEIGHTED.has(node.type)) continue;
      const target = downstreamNeuron(graph, info, node.name);
      const gain = expandGain(
        target ? gainOf(target, size(info.shapes.get(target.name) ?? []), config.dt) : new Float64Array([1]),
        n,
      );
      if (target && size(info.shapes.get(target.name) ?? []) !== n)
        throw new NirError(
          node.name,
          `feeds ${target.name} through a pool; the Loihi quantiser needs the weighted node right before the neuron`,
        );
      const q = quantiseWeights(effectiveWeights(node, floatWeights(node), gain, n));
      const b = biasOf(node, n);
      const bias = b ? Float64Array.from(b, (x, i) => Math.trunc(x * (gain[i] as number) * 256)) : undefined;
      weighted.set(node.name, { weights: q.weights, bias, exp: q.weightExp });
      findings.push({
        level: q.maxRelError > 0.01 || q.clipped > 0 ? 'warning' : 'info',
        node: node.name,
        rule: 'loihi-weights',
        detail: `8-bit ${q.mode} weights, weight_exp ${q.weightExp}, max error ${(q.maxRelError * 100).toFixed(2)}% of max |w|${q.clipped > 0 ? `, ${q.clipped} clipped` : ''}${q.zeroed > 0 ? `, ${q.zeroed} of ${q.nonZero} non-zero weights become 0` : ''}`,
      });
      // A layer with nothing left is no longer the network: the constraint lint fails on it.
      if (q.nonZero > 0 && q.zeroed === q.nonZero) {
        findings.push({
          level: 'error',
          node: node.name,
          rule: 'weights-zeroed',
          detail: `every non-zero weight (${q.zeroed} of ${q.nonZero}) quantises to 0 in Lava's 8-bit weights (largest |w|·gain·256 = ${Number(q.largest.toPrecision(3))}): the layer passes nothing`,
        });
      }
    }
    if (config.resetMode === 'subtract')
      findings.push({
        level: 'warning',
        rule: 'loihi-reset',
        detail:
          "reset-mode subtract: Lava's bit-accurate LIF resets to zero; subtraction is simulated but needs a custom neuron on the chip",
      });
    return {
      findings,
      voltageUnits: 'Lava integer state (2^-14 NIR units)',
      instantiate() {
        const runtimes = new Map<string, NodeRuntime>();
        for (const node of graph.nodes.values()) {
          const n = size(info.shapes.get(node.name) ?? []);
          const plan = neuronPlans.get(node.name);
          const w = weighted.get(node.name);
          let rt: NodeRuntime;
          if (plan) rt = neuronRuntime(plan, n, config.resetMode === 'subtract');
          else if (w) rt = weightedRuntime(node, info, w.weights, w.bias, w.exp);
          else if (node.type === 'Threshold') rt = thresholdRuntime(node, n, false);
          else if (node.type === 'Delay') rt = delayRuntime(node, n, config.dt);
          else rt = passRuntime(node, info);
          runtimes.set(node.name, rt);
        }
        return runtimes;
      },
    };
  },
};
