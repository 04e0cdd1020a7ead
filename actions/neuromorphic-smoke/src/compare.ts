/** Cross-platform comparison metrics (the NIR paper's, plus exact checks for bit-accurate runs). */
export interface SpikeComparison {
  countA: number;
  countB: number;
  /** |countA − countB| / max(countB, 1). */
  countRelErr: number;
  /** Largest |Δt| (steps) among matched spikes. */
  maxShift: number;
  /** Spikes of either side without a partner within ±k steps. */
  unmatched: number;
  /**
   * Cosine similarity of per-neuron rate vectors; null when both are all zero (no spikes on
   * either side: nothing to compare, which must not read as perfect agreement).
   */
  rateCosine: number | null;
  /** First neuron/step where the spike trains differ beyond ±k. */
  firstMismatch?: { sample: number; neuron: number; step: number };
}

/**
 * Compares two spike rasters [sample][step][neuron] with a greedy in-order match per
 * neuron: two spikes pair up when they are within ±k steps.
 */
export function compareSpikes(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  samples: number,
  steps: number,
  neurons: number,
  k: number,
): SpikeComparison {
  let countA = 0;
  let countB = 0;
  let maxShift = 0;
  let unmatched = 0;
  let firstMismatch: SpikeComparison['firstMismatch'];
  const rateA = new Float64Array(neurons);
  const rateB = new Float64Array(neurons);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < neurons; i++) {
      const ta: number[] = [];
      const tb: number[] = [];
      for (let t = 0; t < steps; t++) {
        const idx = (s * steps + t) * neurons + i;
        if ((a[idx] ?? 0) !== 0) ta.push(t);
        if ((b[idx] ?? 0) !== 0) tb.push(t);
      }
      countA += ta.length;
      countB += tb.length;
      rateA[i] = (rateA[i] as number) + ta.length;
      rateB[i] = (rateB[i] as number) + tb.length;
      let x = 0;
      let y = 0;
      while (x < ta.length || y < tb.length) {
        const ax = ta[x];
        const by = tb[y];
        if (ax !== undefined && by !== undefined && Math.abs(ax - by) <= k) {
          maxShift = Math.max(maxShift, Math.abs(ax - by));
          x++;
          y++;
          continue;
        }
        unmatched++;
        const step = by === undefined || (ax !== undefined && ax < by) ? (ax as number) : by;
        if (!firstMismatch || step < firstMismatch.step) firstMismatch = { sample: s, neuron: i, step };
        if (by === undefined || (ax !== undefined && ax < by)) x++;
        else y++;
      }
    }
  }
  return {
    countA,
    countB,
    countRelErr: Math.abs(countA - countB) / Math.max(countB, 1),
    maxShift,
    unmatched,
    rateCosine: cosine(rateA, rateB),
    ...(firstMismatch ? { firstMismatch } : {}),
  };
}

/** Cosine similarity; null when both vectors are all zero (undefined), 0 when only one is. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 && nb === 0) return null;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

export function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>, length: number): { max: number; at: number } {
  let max = 0;
  let at = -1;
  for (let i = 0; i < length; i++) {
    const e = Math.abs((a[i] as number) - (b[i] as number));
    if (e > max || Number.isNaN(e)) {
      max = e;
      at = i;
    }
  }
  return { max, at };
}

/** Per sample: index of the output neuron with most spikes (-1 when silent; ties → lowest). */
export function predictions(outputs: ArrayLike<number>, samples: number, steps: number, neurons: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const counts = new Float64Array(neurons);
    for (let t = 0; t < steps; t++)
      for (let i = 0; i < neurons; i++)
        counts[i] = (counts[i] as number) + ((outputs[(s * steps + t) * neurons + i] as number) !== 0 ? 1 : 0);
    let best = -1;
    let bestCount = 0;
    counts.forEach((c, i) => {
      if (c > bestCount) {
        best = i;
        bestCount = c;
      }
    });
    out.push(best);
  }
  return out;
}

export function agreement(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** First step with any spike, over all samples (null when silent). */
export function firstSpikeStep(
  values: ArrayLike<number>,
  samples: number,
  steps: number,
  neurons: number,
): number | null {
  let first: number | null = null;
  for (let s = 0; s < samples; s++) {
    for (let t = 0; t < steps && (first === null || t < first); t++) {
      for (let i = 0; i < neurons; i++) {
        if ((values[(s * steps + t) * neurons + i] as number) !== 0) {
          first = t;
          break;
        }
      }
    }
  }
  return first;
}
