/**
 * ISO/IEC TR 18037 `accum` (s16.15), as sPyNNaker computes: values are integers in units of
 * 2^-15, saturating at the 32-bit range; products round to nearest (MULT_ROUND_NEAREST_ACCUM).
 * Values are held in float64, which is exact for the products as long as |a·b| < 2^23.
 */
export const ONE = 2 ** 15;
const MAX = 2 ** 31 - 1;
const MIN = -(2 ** 31);

export function saturate(raw: number): number {
  return raw > MAX ? MAX : raw < MIN ? MIN : raw;
}

/** Real → s16.15 raw integer (round to nearest, saturating). */
export function toFixed(x: number): number {
  return saturate(Math.round(x * ONE));
}

export function toReal(raw: number): number {
  return raw / ONE;
}

/** Raw product of two raw s16.15 values, rounded to nearest. */
export function mul(a: number, b: number): number {
  return saturate(Math.round((a * b) / ONE));
}

/**
 * A 16-bit synaptic weight with a left shift, as sPyNNaker stores weights: the shift is
 * chosen from the largest |w| so it fits, which costs small weights their precision.
 * Returns the weights as raw s16.15 values and the number of fraction bits kept.
 */
export function quantiseWeights16(weights: Float64Array): {
  raw: Float64Array;
  fractionBits: number;
  maxRelError: number;
} {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  let fractionBits = 15;
  while (fractionBits > -16 && max * 2 ** fractionBits > 32767) fractionBits--;
  const raw = new Float64Array(weights.length);
  let worst = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    const q = Math.round(w * 2 ** fractionBits) / 2 ** fractionBits;
    raw[i] = saturate(Math.round(q * ONE));
    worst = Math.max(worst, Math.abs(q - w));
  }
  return { raw, fractionBits, maxRelError: max === 0 ? 0 : worst / max };
}
