import { InputError } from '@spikeformer-actions/core';
import { NEURON_TYPES, type NirGraph, size, SPIKING_TYPES } from './nir-types.js';
import type { GraphInfo } from './validate.js';

/** The most values one backend's run may record (spikes, outputs, voltages over samples × steps): 512 MiB as float64. */
export const MAX_RUN_VALUES = 64 * 1024 * 1024;

/** Neurons whose activity a run records at every step, as the simulators record it. */
export function recordedNeurons(graph: NirGraph, info: GraphInfo, recordVoltageMaxNeurons: number): number {
  let total = 0;
  for (const node of graph.nodes.values()) {
    const n = size(info.shapes.get(node.name) ?? []);
    if (SPIKING_TYPES.includes(node.type)) total += n;
    if (NEURON_TYPES.includes(node.type) && n <= recordVoltageMaxNeurons) total += n;
    if (info.outputs.includes(node.name)) total += n;
  }
  return total;
}

/** Refuses a run whose recordings would pass MAX_RUN_VALUES, before anything is simulated or written. */
export function checkRunSize(
  graph: NirGraph,
  info: GraphInfo,
  steps: number,
  samples: number,
  recordVoltageMaxNeurons: number,
  stepsGiven: boolean,
): void {
  const neurons = recordedNeurons(graph, info, recordVoltageMaxNeurons);
  const values = steps * samples * neurons;
  if (values <= MAX_RUN_VALUES) return;
  throw new InputError(
    stepsGiven ? 'steps' : 'stimulus',
    `${steps} steps × ${samples} sample(s) would record ${values} values (${neurons} recorded neurons); the limit is ${MAX_RUN_VALUES}: give fewer steps or samples`,
  );
}
