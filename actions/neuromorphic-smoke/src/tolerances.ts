import { quote } from '@spikeformer-actions/core';

/** Pass criteria of a backend against its golden (and, for hardware, the looser *_hw values). */
export interface Tolerances {
  spike_count_rel: number;
  spike_time_steps: number;
  /** Unmatched spikes allowed, as a fraction of the expected spikes (0: every spike needs a partner). */
  spike_unmatched_rel: number;
  rate_cosine_min: number;
  rate_cosine_min_hw: number;
  accuracy_drop_max: number;
  accuracy_drop_max_hw: number;
  voltage_abs: number;
  /** Backends whose voltages must equal a backend-specific golden exactly. */
  bitexact: string[];
  /**
   * Every backend against float-ref, golden or not (null switches the check off): the lowest
   * rate cosine of any node both record, and how far the spike count may be off either way
   * (1.5: between 1/1.5 and 1.5 times float-ref's).
   */
  rate_cosine_min_vs_ref: number | null;
  spike_count_ratio_vs_ref: number | null;
}

/** Keys that take null (a check that can be switched off). */
const NULLABLE = new Set(['rate_cosine_min_vs_ref', 'spike_count_ratio_vs_ref']);

export const DEFAULT_TOLERANCES: Tolerances = {
  spike_count_rel: 0.05,
  spike_time_steps: 1,
  spike_unmatched_rel: 0,
  rate_cosine_min: 0.95,
  rate_cosine_min_hw: 0.9,
  accuracy_drop_max: 0.01,
  accuracy_drop_max_hw: 0.03,
  voltage_abs: 1e-6,
  bitexact: ['loihi2-bitacc'],
  // The NIR paper's statistical criterion, at the floor used for hardware against a golden. The
  // README gives the measurements on the paper's graphs these two defaults were checked against.
  rate_cosine_min_vs_ref: 0.9,
  // Discretisation alone (SpiNNaker's exponential integrator) moves the Braille graph's count by
  // up to 1.29×; a backend with half of float-ref's spikes is not running the same network.
  spike_count_ratio_vs_ref: 1.5,
};

export function parseTolerances(value: unknown): { ok: true; value: Tolerances } | { ok: false; problem: string } {
  if (value === undefined || value === null) return { ok: true, value: { ...DEFAULT_TOLERANCES } };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'must be a YAML/JSON mapping' };
  const out: Tolerances = { ...DEFAULT_TOLERANCES, bitexact: [...DEFAULT_TOLERANCES.bitexact] };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!Object.hasOwn(DEFAULT_TOLERANCES, key))
      return { ok: false, problem: `unknown key ${quote(key)} (known: ${Object.keys(DEFAULT_TOLERANCES).join(', ')})` };
    if (key === 'bitexact') {
      const list = typeof v === 'boolean' ? (v ? ['loihi2-bitacc'] : []) : v;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
        return { ok: false, problem: "'bitexact' must be a list of backend names or a boolean" };
      out.bitexact = list;
      continue;
    }
    if (NULLABLE.has(key) && v === null) {
      (out as unknown as Record<string, null>)[key] = null;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      return { ok: false, problem: `'${key}' must be a non-negative number` };
    if (key === 'spike_time_steps' && !Number.isInteger(v))
      return { ok: false, problem: "'spike_time_steps' must be a whole number of steps" };
    if (key.startsWith('rate_cosine') && v > 1) return { ok: false, problem: `'${key}' must be at most 1` };
    if (key === 'spike_count_ratio_vs_ref' && v < 1)
      return { ok: false, problem: "'spike_count_ratio_vs_ref' must be at least 1 (a factor either way)" };
    (out as unknown as Record<string, number>)[key] = v;
  }
  return { ok: true, value: out };
}
