import type { NirNode } from './nir-types.js';
import { size } from './nir-types.js';
import { biasOf, floatWeights, linearOpOf } from './ops.js';
import { type Backend, delayRuntime, identityRuntime, type NodeRuntime, param, type SimConfig } from './sim-engine.js';
import type { GraphInfo } from './validate.js';

/**
 * float-ref: NIR's equations with forward Euler in float64, strict `>` threshold, reset to
 * v_reset (or subtract v_threshold). This is the reference the others are compared with.
 */
function neuron(node: NirNode, n: number, config: SimConfig): NodeRuntime {
  const { dt } = config;
  const v = new Float64Array(n);
  const cur = new Float64Array(n);
  const out = new Float64Array(n);
  const r = param(node, 'r', n, 1);
  const spiking = node.type === 'IF' || node.type === 'LIF' || node.type === 'CubaLIF';
  const thr = spiking ? param(node, 'v_threshold', n) : new Float64Array(n);
  const reset = param(node, 'v_reset', n, 0);
  const leak = node.type === 'IF' || node.type === 'I' ? new Float64Array(n) : param(node, 'v_leak', n, 0);
  const tauMem =
    node.type === 'LI' || node.type === 'LIF'
      ? param(node, 'tau', n)
      : node.type.startsWith('Cuba')
        ? param(node, 'tau_mem', n)
        : undefined;
  const tauSyn = node.type.startsWith('Cuba') ? param(node, 'tau_syn', n) : undefined;
  const wIn = node.type.startsWith('Cuba') ? param(node, 'w_in', n, 1) : undefined;
  const subtract = config.resetMode === 'subtract';
  return {
    v,
    events: 0,
    step(x) {
      for (let i = 0; i < n; i++) {
        let input = x[i] as number;
        if (tauSyn && wIn) {
          cur[i] =
            (cur[i] as number) + (dt / (tauSyn[i] as number)) * (-(cur[i] as number) + (wIn[i] as number) * input);
          input = cur[i] as number;
        }
        let vi = v[i] as number;
        if (tauMem) vi += (dt / (tauMem[i] as number)) * ((leak[i] as number) - vi + (r[i] as number) * input);
        else vi += dt * (r[i] as number) * input; // IF and I: dv/dt = R·I
        let z = 0;
        if (spiking && vi > (thr[i] as number)) {
          z = 1;
          vi = subtract ? vi - (thr[i] as number) : (reset[i] as number);
        }
        v[i] = vi;
        out[i] = spiking ? z : vi;
      }
      return out;
    },
  };
}

export function linearRuntime(
  node: NirNode,
  info: GraphInfo,
  weights: Float64Array,
  bias: Float64Array | undefined,
  round?: (x: number) => number,
): NodeRuntime {
  const op = linearOpOf(node, info.inputShapes.get(node.name) ?? []);
  if (!op) return identityRuntime();
  const out = new Float64Array(op.outSize);
  const rt: NodeRuntime = {
    events: 0,
    step(x) {
      if (bias) out.set(bias);
      else out.fill(0);
      rt.events += op.scatter(x, weights, out);
      if (round) for (let i = 0; i < out.length; i++) out[i] = round(out[i] as number);
      return out;
    },
  };
  return rt;
}

export function thresholdRuntime(node: NirNode, n: number, inclusive: boolean): NodeRuntime {
  const thr = param(node, 'threshold', n);
  const out = new Float64Array(n);
  return {
    events: 0,
    step(x) {
      for (let i = 0; i < n; i++)
        out[i] = (inclusive ? (x[i] as number) >= (thr[i] as number) : (x[i] as number) > (thr[i] as number)) ? 1 : 0;
      return out;
    },
  };
}

export const floatRef: Backend = {
  name: 'float-ref',
  prepare(graph, info, config) {
    return {
      findings: [],
      voltageUnits: 'NIR units (float64)',
      instantiate() {
        const runtimes = new Map<string, NodeRuntime>();
        for (const node of graph.nodes.values()) {
          const n = size(info.shapes.get(node.name) ?? []);
          let rt: NodeRuntime;
          if (['IF', 'LIF', 'LI', 'CubaLIF', 'CubaLI', 'I'].includes(node.type)) rt = neuron(node, n, config);
          else if (node.type === 'Threshold') rt = thresholdRuntime(node, n, false);
          else if (node.type === 'Delay') rt = delayRuntime(node, n, config.dt);
          else if (linearOpOf(node, info.inputShapes.get(node.name) ?? []))
            rt = linearRuntime(node, info, floatWeights(node), biasOf(node, n));
          else rt = identityRuntime();
          runtimes.set(node.name, rt);
        }
        return runtimes;
      },
    };
  },
};
