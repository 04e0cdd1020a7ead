/**
 * Energy estimates from counted events. Always an estimate: E ≈ synops·E_synop +
 * neuron_updates·E_update + spikes·(E_active − E_update). Intel publishes no per-op table
 * for Loihi 2, so the default uses Loihi 1's.
 */
export interface EnergyModel {
  name: string;
  source: string;
  synopJ: number;
  neuronUpdateJ: number;
  /** Extra cost of an update that spikes (active vs inactive). */
  spikeJ: number;
}

export const LOIHI1_DAVIES2018: EnergyModel = {
  name: 'loihi1-davies2018',
  source:
    'Estimate from Loihi 1 (14 nm) per-op energies, Davies et al., IEEE Micro 38(1), 2018: 23.6 pJ per synaptic op, 52 pJ per inactive / 81 pJ per active neuron update. Not a measurement; no Loihi 2 table is published, and the 23.6 pJ figure should be checked against the paper.',
  synopJ: 23.6e-12,
  neuronUpdateJ: 52e-12,
  spikeJ: 29e-12,
};

export interface EnergyEstimate {
  synops: number;
  neuron_updates: number;
  spikes: number;
  joules_est: number | null;
  model: string;
  source: string;
}

export function estimateEnergy(
  model: EnergyModel | undefined,
  synops: number,
  neuronUpdates: number,
  spikes: number,
): EnergyEstimate {
  if (!model)
    return {
      synops,
      neuron_updates: neuronUpdates,
      spikes,
      joules_est: null,
      model: 'none',
      source: 'energy-model: none',
    };
  return {
    synops,
    neuron_updates: neuronUpdates,
    spikes,
    joules_est: synops * model.synopJ + neuronUpdates * model.neuronUpdateJ + spikes * model.spikeJ,
    model: model.name,
    source: model.source,
  };
}

/** A JSON energy table: {"name", "source", "synop_j", "neuron_update_j", "spike_j"?}. */
export function parseEnergyModel(value: unknown): { ok: true; model: EnergyModel } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'an energy model must be a JSON object' };
  const o = value as Record<string, unknown>;
  const num = (k: string, required: boolean): number | undefined | string => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `'${k}' must be a non-negative number (joules)`;
    return v;
  };
  const synop = num('synop_j', true);
  const update = num('neuron_update_j', true);
  const spike = num('spike_j', false);
  for (const v of [synop, update, spike]) if (typeof v === 'string') return { ok: false, problem: v };
  if (typeof o.source !== 'string' || o.source.trim() === '')
    return { ok: false, problem: "'source' must say where the numbers come from" };
  return {
    ok: true,
    model: {
      name: typeof o.name === 'string' ? o.name : 'custom',
      source: `Estimate: ${o.source}`,
      synopJ: synop as number,
      neuronUpdateJ: update as number,
      spikeJ: (spike as number | undefined) ?? 0,
    },
  };
}
