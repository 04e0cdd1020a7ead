import type { NirNode } from './nir-types.js';
import { size } from './nir-types.js';
import { conv2dGeometry, poolGeometry } from './validate.js';

/**
 * The synaptic (linear) part of a graph, event-driven: only non-zero inputs are scattered to
 * their targets, which is what neuromorphic hardware does and what "synaptic events" counts.
 * Weights are passed in, so each backend can hand its own quantised copy.
 */
export interface LinearOp {
  inSize: number;
  outSize: number;
  /** Adds W·x into out; returns the synaptic events (non-zero input × non-zero weight targets). */
  scatter(x: Float64Array, weights: Float64Array, out: Float64Array): number;
  /** Non-zero targets of each input element (fan-out). */
  fanOut(weights: Float64Array): Int32Array;
  /** Non-zero sources of each output element (fan-in). */
  fanIn(weights: Float64Array): Int32Array;
}

function denseOp(outSize: number, inSize: number): LinearOp {
  return {
    inSize,
    outSize,
    scatter(x, w, out) {
      let events = 0;
      for (let j = 0; j < inSize; j++) {
        const xj = x[j] as number;
        if (xj === 0) continue;
        for (let i = 0, k = j; i < outSize; i++, k += inSize) {
          const wk = w[k] as number;
          if (wk !== 0) {
            out[i] = (out[i] as number) + wk * xj;
            events++;
          }
        }
      }
      return events;
    },
    fanOut(w) {
      const f = new Int32Array(inSize);
      for (let k = 0; k < w.length; k++) if (w[k] !== 0) f[k % inSize] = (f[k % inSize] as number) + 1;
      return f;
    },
    fanIn(w) {
      const f = new Int32Array(outSize);
      for (let k = 0; k < w.length; k++)
        if (w[k] !== 0) f[Math.floor(k / inSize)] = (f[Math.floor(k / inSize)] as number) + 1;
      return f;
    },
  };
}

function convOp(node: NirNode, inShape: number[]): LinearOp {
  const g = conv2dGeometry(node, inShape);
  const inSize = g.cIn * g.hIn * g.wIn;
  const outSize = g.cOut * g.hOut * g.wOut;
  const cInPerGroup = g.cIn / g.groups;
  const cOutPerGroup = g.cOut / g.groups;
  // Visits every (input, output, weight index) triple reached from input element `idx`.
  const each = (idx: number, w: Float64Array, visit: (o: number, wk: number) => void): void => {
    const c = Math.floor(idx / (g.hIn * g.wIn));
    const y = Math.floor(idx / g.wIn) % g.hIn;
    const x = idx % g.wIn;
    const group = Math.floor(c / cInPerGroup);
    const ci = c - group * cInPerGroup;
    for (let ky = 0; ky < g.kh; ky++) {
      const ny = y + g.ph - ky * g.dh;
      if (ny < 0 || ny % g.sh !== 0) continue;
      const oy = ny / g.sh;
      if (oy >= g.hOut) continue;
      for (let kx = 0; kx < g.kw; kx++) {
        const nx = x + g.pw - kx * g.dw;
        if (nx < 0 || nx % g.sw !== 0) continue;
        const ox = nx / g.sw;
        if (ox >= g.wOut) continue;
        for (let oc = group * cOutPerGroup; oc < (group + 1) * cOutPerGroup; oc++) {
          const wk = w[((oc * cInPerGroup + ci) * g.kh + ky) * g.kw + kx] as number;
          if (wk !== 0) visit((oc * g.hOut + oy) * g.wOut + ox, wk);
        }
      }
    }
  };
  return {
    inSize,
    outSize,
    scatter(x, w, out) {
      let events = 0;
      for (let j = 0; j < inSize; j++) {
        const xj = x[j] as number;
        if (xj === 0) continue;
        each(j, w, (o, wk) => {
          out[o] = (out[o] as number) + wk * xj;
          events++;
        });
      }
      return events;
    },
    fanOut(w) {
      const f = new Int32Array(inSize);
      for (let j = 0; j < inSize; j++) each(j, w, () => void (f[j] = (f[j] as number) + 1));
      return f;
    },
    fanIn(w) {
      const f = new Int32Array(outSize);
      for (let j = 0; j < inSize; j++) each(j, w, (o) => void (f[o] = (f[o] as number) + 1));
      return f;
    },
  };
}

function poolOp(node: NirNode, inShape: number[]): LinearOp {
  const g = poolGeometry(node, inShape);
  const inSize = g.c * g.hIn * g.wIn;
  const outSize = g.c * g.hOut * g.wOut;
  const each = (idx: number, visit: (o: number) => void): void => {
    const c = Math.floor(idx / (g.hIn * g.wIn));
    const y = Math.floor(idx / g.wIn) % g.hIn;
    const x = idx % g.wIn;
    for (let ky = 0; ky < g.kh; ky++) {
      const ny = y + g.ph - ky;
      if (ny < 0 || ny % g.sh !== 0 || ny / g.sh >= g.hOut) continue;
      for (let kx = 0; kx < g.kw; kx++) {
        const nx = x + g.pw - kx;
        if (nx < 0 || nx % g.sw !== 0 || nx / g.sw >= g.wOut) continue;
        visit((c * g.hOut + ny / g.sh) * g.wOut + nx / g.sw);
      }
    }
  };
  return {
    inSize,
    outSize,
    // Pool "weights" are the single factor w[0] (1 for SumPool, 1/k² for AvgPool).
    scatter(x, w, out) {
      let events = 0;
      const f = w[0] as number;
      for (let j = 0; j < inSize; j++) {
        const xj = x[j] as number;
        if (xj === 0) continue;
        each(j, (o) => {
          out[o] = (out[o] as number) + f * xj;
          events++;
        });
      }
      return events;
    },
    fanOut() {
      const f = new Int32Array(inSize);
      for (let j = 0; j < inSize; j++) each(j, () => void (f[j] = (f[j] as number) + 1));
      return f;
    },
    fanIn() {
      const f = new Int32Array(outSize);
      for (let j = 0; j < inSize; j++) each(j, (o) => void (f[o] = (f[o] as number) + 1));
      return f;
    },
  };
}

function scaleOp(n: number): LinearOp {
  return {
    inSize: n,
    outSize: n,
    scatter(x, w, out) {
      let events = 0;
      for (let j = 0; j < n; j++) {
        const xj = x[j] as number;
        if (xj === 0) continue;
        out[j] = (out[j] as number) + (w.length === 1 ? (w[0] as number) : (w[j] as number)) * xj;
        events++;
      }
      return events;
    },
    fanOut: () => new Int32Array(n).fill(1),
    fanIn: () => new Int32Array(n).fill(1),
  };
}

/** The linear op of a synaptic node, or undefined for other types. */
export function linearOpOf(node: NirNode, inShape: number[]): LinearOp | undefined {
  switch (node.type) {
    case 'Affine':
    case 'Linear': {
      const [out, inn] = node.params.weight?.shape as [number, number];
      return denseOp(out, inn);
    }
    case 'Conv2d':
      return convOp(node, inShape);
    case 'SumPool2d':
    case 'AvgPool2d':
      return poolOp(node, inShape);
    case 'Scale':
      return scaleOp(size(inShape));
    default:
      return undefined;
  }
}

/** The weights a linear op multiplies by, in NIR's float values. */
export function floatWeights(node: NirNode): Float64Array {
  switch (node.type) {
    case 'Affine':
    case 'Linear':
    case 'Conv2d':
      return node.params.weight?.data ?? new Float64Array(0);
    case 'Scale':
      return node.params.scale?.data ?? new Float64Array([1]);
    case 'SumPool2d':
      return new Float64Array([1]);
    case 'AvgPool2d': {
      const k = node.params.kernel_size?.data ?? new Float64Array([1]);
      const kh = k[0] ?? 1;
      return new Float64Array([1 / (kh * (k.length > 1 ? (k[1] ?? kh) : kh))]);
    }
    default:
      return new Float64Array(0);
  }
}

/** Per-output bias (Affine, Conv2d per channel), expanded to the output size; undefined when none. */
export function biasOf(node: NirNode, outSize: number): Float64Array | undefined {
  const b = node.params.bias?.data;
  if (!b || (node.type !== 'Affine' && node.type !== 'Conv2d')) return undefined;
  const out = new Float64Array(outSize);
  if (b.length === outSize) out.set(b);
  else if (b.length === 1) out.fill(b[0] as number);
  else {
    const per = outSize / b.length; // Conv2d: one bias per output channel
    for (let i = 0; i < outSize; i++) out[i] = b[Math.floor(i / per)] as number;
  }
  return out.some((v) => v !== 0) ? out : undefined;
}
