import type { NirNode } from './nir-types.js';
import { NEURON_TYPES, size } from './nir-types.js';
import { biasOf, floatWeights, linearOpOf } from './ops.js';
import { mul, ONE, quantiseWeights16, saturate, toFixed, toReal } from './s1615.js';
import { type Backend, delayRuntime, identityRuntime, type NodeRuntime, param, type SimConfig } from './sim-engine.js';
import { thresholdRuntime } from './sim-float.js';
import type { Finding, GraphInfo } from './validate.js';

/**
 * spinnaker-fixed: sPyNNaker's LIF arithmetic in s16.15. The membrane uses the exact
 * exponential integrator V = α − e^(−dt/τ)(α − V) with α = v_leak + R·I; CubaLIF's current
 * decays as I = e^(−dt/τs)·I + (1 − e^(−dt/τs))·w_in·S; IF integrates V += dt·R·I. The
 * threshold is `V >= θ` (NIR and Lava use `>`). Weights are 16-bit with a per-matrix shift.
 * Values between nodes are carried as real numbers that are exact multiples of 2^-15.
 */
function neuron(node: NirNode, n: number, config: SimConfig): NodeRuntime {
  const { dt } = config;
  const spiking = node.type === 'IF' || node.type === 'LIF' || node.type === 'CubaLIF';
  const fx = (a: Float64Array): Float64Array => Float64Array.from(a, toFixed);
  const r = fx(param(node, 'r', n, 1));
  const thr = spiking ? fx(param(node, 'v_threshold', n)) : new Float64Array(n);
  const reset = fx(param(node, 'v_reset', n, 0));
  const leak = node.type === 'IF' || node.type === 'I' ? new Float64Array(n) : fx(param(node, 'v_leak', n, 0));
  const tauMem =
    node.type === 'LI' || node.type === 'LIF'
      ? param(node, 'tau', n)
      : node.type.startsWith('Cuba')
        ? param(node, 'tau_mem', n)
        : undefined;
  const tauSyn = node.type.startsWith('Cuba') ? param(node, 'tau_syn', n) : undefined;
  const expMem = tauMem ? Float64Array.from(tauMem, (t) => toFixed(Math.exp(-dt / t))) : undefined;
  const expSyn = tauSyn ? Float64Array.from(tauSyn, (t) => toFixed(Math.exp(-dt / t))) : undefined;
  const wIn = tauSyn ? fx(param(node, 'w_in', n, 1)) : undefined;
  const dtR = Float64Array.from(r, (ri) => mul(ri, toFixed(dt)));
  const v = new Float64Array(n); // recorded in real units
  const V = new Float64Array(n); // raw s16.15
  const I = new Float64Array(n);
  const out = new Float64Array(n);
  const subtract = config.resetMode === 'subtract';
  return {
    v,
    events: 0,
    step(x) {
      for (let i = 0; i < n; i++) {
        let input = toFixed(x[i] as number);
        if (expSyn && wIn) {
          const e = expSyn[i] as number;
          I[i] = saturate(mul(e, I[i] as number) + mul(ONE - e, mul(wIn[i] as number, input)));
          input = I[i] as number;
        }
        let Vi = V[i] as number;
        if (expMem) {
          const alpha = saturate(mul(input, r[i] as number) + (leak[i] as number));
          Vi = saturate(alpha - mul(expMem[i] as number, alpha - Vi));
        } else Vi = saturate(Vi + mul(dtR[i] as number, input));
        let z = 0;
        if (spiking && Vi >= (thr[i] as number)) {
          z = 1;
          Vi = subtract ? Vi - (thr[i] as number) : (reset[i] as number);
        }
        V[i] = Vi;
        v[i] = toReal(Vi);
        out[i] = spiking ? z : toReal(Vi);
      }
      return out;
    },
  };
}

function linear(
  node: NirNode,
  info: GraphInfo,
  weightsRaw: Float64Array,
  biasRaw: Float64Array | undefined,
): NodeRuntime {
  const op = linearOpOf(node, info.inputShapes.get(node.name) ?? []);
  if (!op) return identityRuntime();
  const acc = new Float64Array(op.outSize);
  const out = new Float64Array(op.outSize);
  const rt: NodeRuntime = {
    events: 0,
    step(x) {
      acc.fill(0);
      rt.events += op.scatter(x, weightsRaw, acc);
      // acc holds Σ raw_w·x; inputs are spikes or s16.15 reals, so round once to the grid.
      for (let i = 0; i < acc.length; i++)
        out[i] = toReal(saturate(Math.round(acc[i] as number) + (biasRaw ? (biasRaw[i] as number) : 0)));
      return out;
    },
  };
  return rt;
}

export const spinnakerFixed: Backend = {
  name: 'spinnaker-fixed',
  prepare(graph, info, config) {
    const findings: Finding[] = [];
    const weights = new Map<string, { raw: Float64Array; bias: Float64Array | undefined }>();
    for (const node of graph.nodes.values()) {
      const n = size(info.shapes.get(node.name) ?? []);
      if (!linearOpOf(node, info.inputShapes.get(node.name) ?? [])) continue;
      const q = quantiseWeights16(floatWeights(node));
      const b = biasOf(node, n);
      weights.set(node.name, { raw: q.raw, bias: b ? Float64Array.from(b, toFixed) : undefined });
      if (node.type === 'Affine' || node.type === 'Linear' || node.type === 'Conv2d') {
        findings.push({
          level: q.maxRelError > 0.01 ? 'warning' : 'info',
          node: node.name,
          rule: 'spinnaker-weights',
          detail: `16-bit weights with ${q.fractionBits} fraction bits, max error ${(q.maxRelError * 100).toFixed(3)}% of max |w|`,
        });
      }
    }
    return {
      findings,
      voltageUnits: 'NIR units on the s16.15 grid',
      instantiate() {
        const runtimes = new Map<string, NodeRuntime>();
        for (const node of graph.nodes.values()) {
          const n = size(info.shapes.get(node.name) ?? []);
          const w = weights.get(node.name);
          let rt: NodeRuntime;
          if (NEURON_TYPES.includes(node.type)) rt = neuron(node, n, config);
          else if (node.type === 'Threshold') rt = thresholdRuntime(node, n, true);
          else if (node.type === 'Delay') rt = delayRuntime(node, n, config.dt);
          else if (w) rt = linear(node, info, w.raw, w.bias);
          else rt = identityRuntime();
          runtimes.set(node.name, rt);
        }
        return runtimes;
      },
    };
  },
};
