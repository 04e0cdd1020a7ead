import { NirError } from './nir-read.js';
import type { NirGraph } from './nir-types.js';
import type { Profile } from './profiles.js';
import type { Backend, SimulatorName } from './sim-engine.js';
import { floatRef } from './sim-float.js';
import { loihi2BitAcc } from './sim-loihi.js';
import { spinnakerFixed } from './sim-spinnaker.js';
import type { Finding, GraphInfo } from './validate.js';

export const SIMULATOR_IMPLS: Record<SimulatorName, Backend> = {
  'float-ref': floatRef,
  'loihi2-bitacc': loihi2BitAcc,
  'spinnaker-fixed': spinnakerFixed,
};

/**
 * Layers whose every weight the chip's own quantiser (the profile's simulator) turns into 0
 * at this dt. A graph that simulator cannot map says nothing here; its run reports why.
 */
export function zeroedLayers(graph: NirGraph, info: GraphInfo, profile: Profile, dt: number): Finding[] {
  try {
    const prepared = SIMULATOR_IMPLS[profile.fallback].prepare(graph, info, {
      dt,
      steps: 1,
      resetMode: 'zero',
      recordVoltageMaxNeurons: 0,
    });
    return prepared.findings.filter((f) => f.rule === 'weights-zeroed');
  } catch (error) {
    if (error instanceof NirError) return [];
    throw error;
  }
}
