/**
 * The quantiser from NIR floats to Lava's bit-accurate Loihi 2 integers, following the
 * NIR paper's nir_to_lava.py and Lava's weight utilities:
 * - voltage unit: 2^-14 of a NIR unit (vth mantissa ≈ θ·256, shifted left by 6);
 * - dv = int(dt/τ_mem·4095), du = int(dt/τ_syn·4095) (4095 = no synaptic memory);
 * - vth = int(θ·131071) >> 9 (17-bit unsigned mantissa);
 * - weights: int(w·g·256) where g is the downstream neuron's per-step input gain
 *   (dt/τ·r for LIF, dt·r for IF, dt/τ_mem·r·dt/τ_syn·w_in for CubaLIF), truncated toward
 *   zero, then Lava's 8-bit rule for the matrix's sign mode: mixed sign [-256, 254] in even
 *   steps, excitatory [0, 255], inhibitory [-255, 0]; weight_exp raised only on overflow;
 * - v_leak: bias = dt/τ·v_leak in voltage units, as a 13-bit mantissa and 3-bit exponent.
 */
export const VTH_SHIFT = 6;
export const ACT_SHIFT = 6;
export const V_UNIT = 2 ** 14;

export function decayConstant(dt: number, tau: number): number {
  return Math.max(0, Math.min(4095, Math.trunc((dt / tau) * 4095)));
}

export function thresholdMantissa(theta: number): number {
  return Math.trunc(theta * 131071) >> 9;
}

export type SignMode = 'mixed' | 'excitatory' | 'inhibitory';

export function signMode(values: ArrayLike<number>): SignMode {
  let pos = false;
  let neg = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > 0) pos = true;
    else if (v < 0) neg = true;
  }
  return pos && neg ? 'mixed' : neg ? 'inhibitory' : 'excitatory';
}

export interface QuantisedWeights {
  weights: Float64Array;
  weightExp: number;
  mode: SignMode;
  /** max |w_q·2^e − w_eff| / max |w_eff| (0 when all weights are 0). */
  maxRelError: number;
  clipped: number;
  /** Non-zero effective weights, and how many of them quantise to 0. */
  nonZero: number;
  zeroed: number;
  /** max |w_eff| (in activation units: |w|·gain·256). */
  largest: number;
}

/** Quantises effective weights (already multiplied by gain·256) to Lava's 8-bit mantissa + exponent. */
export function quantiseWeights(effective: Float64Array): QuantisedWeights {
  const mode = signMode(effective);
  const limit = mode === 'mixed' ? 254 : 255;
  let max = 0;
  for (const w of effective) max = Math.max(max, Math.abs(w));
  let weightExp = 0;
  while (max / 2 ** weightExp > limit + 1 && weightExp < 7) weightExp++;
  const weights = new Float64Array(effective.length);
  let clipped = 0;
  let worst = 0;
  let nonZero = 0;
  let zeroed = 0;
  for (let i = 0; i < effective.length; i++) {
    const w = effective[i] as number;
    let q = Math.trunc(w / 2 ** weightExp);
    const lo = mode === 'excitatory' ? 0 : mode === 'inhibitory' ? -255 : -256;
    const hi = mode === 'inhibitory' ? 0 : mode === 'excitatory' ? 255 : 254;
    if (q < lo || q > hi) {
      clipped++;
      q = Math.min(hi, Math.max(lo, q));
    }
    if (mode === 'mixed') q = Math.floor(q / 2) * 2; // one bit goes to the sign: even steps (arithmetic shift floors)
    weights[i] = q;
    if (w !== 0) {
      nonZero++;
      if (q === 0) zeroed++;
    }
    worst = Math.max(worst, Math.abs(q * 2 ** weightExp - w));
  }
  return { weights, weightExp, mode, maxRelError: max === 0 ? 0 : worst / max, clipped, nonZero, zeroed, largest: max };
}

/** bias_mant << bias_exp: 13-bit signed mantissa, exponent 0..7. */
export function quantiseBias(valueInVUnits: number): { mant: number; exp: number; value: number } {
  let exp = 0;
  while (Math.abs(valueInVUnits) / 2 ** exp > 4095 && exp < 7) exp++;
  const mant = Math.max(-4096, Math.min(4095, Math.trunc(valueInVUnits / 2 ** exp)));
  return { mant, exp, value: mant * 2 ** exp };
}

/** Lava's sign(t)·(|t| >> 12): truncation toward zero of t/4096. */
export function decayed(x: number, decay: number): number {
  const t = x * (4096 - decay);
  return t < 0 ? -Math.floor(-t / 4096) : Math.floor(t / 4096);
}

const U_MAX = 2 ** 23;
/** Lava's u wrap: above 2^23 subtract 2^24, below -2^23 add 2^24 (it wraps, it does not saturate). */
export function wrap24(u: number): number {
  if (u > U_MAX) return u - 2 * U_MAX * Math.ceil((u - U_MAX) / (2 * U_MAX));
  if (u < -U_MAX) return u + 2 * U_MAX * Math.ceil((-U_MAX - u) / (2 * U_MAX));
  return u;
}

export function clipV(v: number): number {
  return Math.max(-(U_MAX - 1), Math.min(U_MAX - 1, v));
}
