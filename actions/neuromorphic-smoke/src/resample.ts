import { quote } from '@spikeformer-actions/core';
import { type ActivityData, checkActivitySize, type NodeTrace } from './data.js';

/** dt values read back from float32 attributes differ from the decimal in the 8th digit. */
export function sameDt(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** A dt as people write it (float32 noise rounded off). */
export function showDt(dt: number): string {
  return String(Number(dt.toPrecision(7)));
}

export interface Resampled {
  data: ActivityData;
  spikesBefore: number;
  spikesAfter: number;
}

/**
 * Moves activity recorded at `fromDt` onto steps of `toDt`, keeping times: a spike at step k
 * (time k·fromDt) lands in the step that holds that time, and spikes that meet in one step add
 * up (a step may carry 2). Voltages or currents are held from the last sample before each step.
 */
export function resampleActivity(data: ActivityData, fromDt: number, toDt: number, where: string): Resampled {
  const ratio = fromDt / toDt;
  const steps = Math.max(1, Math.round(data.steps * ratio));
  const samples = Math.max(1, data.samples);
  const nodes = new Map<string, NodeTrace>();
  let spikesBefore = 0;
  let spikesAfter = 0;
  for (const [name, trace] of data.nodes) {
    const n = trace.neurons;
    checkActivitySize(`${where}: node ${quote(name)} resampled`, samples, steps, n);
    const out: NodeTrace = { neurons: n };
    if (trace.spikes) {
      const src = trace.spikes;
      const dst = new Float64Array(samples * steps * n);
      for (let s = 0; s < samples; s++) {
        for (let k = 0; k < data.steps; k++) {
          // The epsilon keeps k·ratio = 3 from landing in step 2 through float error.
          const j = Math.floor(k * ratio + 1e-9);
          for (let i = 0; i < n; i++) {
            const x = src[(s * data.steps + k) * n + i] as number;
            if (x === 0) continue;
            spikesBefore += x;
            if (j >= steps) continue;
            const at = (s * steps + j) * n + i;
            dst[at] = (dst[at] as number) + x;
            spikesAfter += x;
          }
        }
      }
      out.spikes = dst;
    }
    if (trace.v) {
      const src = trace.v;
      const dst = new Float64Array(samples * steps * n);
      for (let s = 0; s < samples; s++) {
        for (let j = 0; j < steps; j++) {
          const k = Math.min(data.steps - 1, Math.floor(j / ratio + 1e-9));
          for (let i = 0; i < n; i++) dst[(s * steps + j) * n + i] = src[(s * data.steps + k) * n + i] as number;
        }
      }
      out.v = dst;
    }
    nodes.set(name, out);
  }
  const resampled: ActivityData = { samples: data.samples, steps, dt: toDt, nodes };
  if (data.labels) resampled.labels = data.labels;
  return { data: resampled, spikesBefore, spikesAfter };
}
