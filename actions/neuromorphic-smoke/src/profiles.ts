import { quote } from '@spikeformer-actions/core';
import type { NodeType } from './nir-types.js';
import { NODE_TYPES } from './nir-types.js';
import type { SimulatorName } from './sim-engine.js';
import { SIMULATORS } from './sim-engine.js';

/**
 * A chip's limits for the constraint lint. The built-in numbers are published figures or
 * stated assumptions (see `source`); the lint is advisory — the vendor's compiler decides.
 * Users override any of them with a JSON profile.
 */
export interface Profile {
  name: string;
  source: string;
  neuronsPerCore: number;
  cores: number;
  maxFanIn: number;
  maxFanOut: number;
  synapseMemoryBytesPerCore: number;
  bitsPerSynapse: number;
  weightBits: number;
  /** Weight quantisation below this signal-to-noise ratio makes the mapping "lossy". */
  minWeightSnrDb: number;
  supported: NodeType[];
  /** The simulator that stands in for this chip under on-hardware-unavailable: fallback. */
  fallback: SimulatorName;
}

const ALL_SIM: NodeType[] = [
  'Input',
  'Output',
  'Affine',
  'Linear',
  'Scale',
  'Conv2d',
  'SumPool2d',
  'AvgPool2d',
  'Flatten',
  'Delay',
  'Threshold',
  'IF',
  'LI',
  'LIF',
  'CubaLI',
  'CubaLIF',
];

export const PROFILES: Record<'loihi2' | 'spinnaker1' | 'spinnaker2', Profile> = {
  loihi2: {
    name: 'loihi2',
    source:
      'Intel Loihi 2 brief: 128 neuron cores, up to 1M neurons (8192/core average), ~128 KB SRAM/core; Lava bit-accurate model: 8-bit weights. Fan-in/out limits are assumptions (not public).',
    neuronsPerCore: 8192,
    cores: 128,
    maxFanIn: 4096,
    maxFanOut: 4096,
    synapseMemoryBytesPerCore: 128 * 1024,
    bitsPerSynapse: 16,
    weightBits: 8,
    minWeightSnrDb: 30,
    supported: ALL_SIM,
    fallback: 'loihi2-bitacc',
  },
  spinnaker1: {
    name: 'spinnaker1',
    source:
      'SpiNN-5 board: 48 chips x 16 application cores; sPyNNaker default ~255 LIF neurons/core; 32-bit synaptic words with 16-bit weights, matrices in 128 MB SDRAM/chip. Fan-in/out limits are assumptions.',
    neuronsPerCore: 255,
    cores: 48 * 16,
    maxFanIn: 16384,
    maxFanOut: 65536,
    synapseMemoryBytesPerCore: (128 * 1024 * 1024) / 16,
    bitsPerSynapse: 32,
    weightBits: 16,
    minWeightSnrDb: 40,
    supported: [
      'Input',
      'Output',
      'Affine',
      'Linear',
      'Conv2d',
      'SumPool2d',
      'AvgPool2d',
      'Flatten',
      'Delay',
      'IF',
      'LI',
      'LIF',
      'CubaLI',
      'CubaLIF',
    ],
    fallback: 'spinnaker-fixed',
  },
  spinnaker2: {
    name: 'spinnaker2',
    source:
      'SpiNNaker2 chip: 152 PEs with 128 KB SRAM each; neurons/PE, 8-bit weights and 16 bits/synapse are assumptions until pinned from py-spinnaker2.',
    neuronsPerCore: 250,
    cores: 152,
    maxFanIn: 8192,
    maxFanOut: 8192,
    synapseMemoryBytesPerCore: 128 * 1024,
    bitsPerSynapse: 16,
    weightBits: 8,
    minWeightSnrDb: 30,
    supported: [
      'Input',
      'Output',
      'Affine',
      'Linear',
      'Conv2d',
      'SumPool2d',
      'Flatten',
      'Delay',
      'IF',
      'LI',
      'LIF',
      'CubaLI',
      'CubaLIF',
    ],
    fallback: 'spinnaker-fixed',
  },
};

const NUMERIC: Array<[keyof Profile, string]> = [
  ['neuronsPerCore', 'neurons_per_core'],
  ['cores', 'cores'],
  ['maxFanIn', 'max_fan_in'],
  ['maxFanOut', 'max_fan_out'],
  ['synapseMemoryBytesPerCore', 'synapse_memory_bytes_per_core'],
  ['bitsPerSynapse', 'bits_per_synapse'],
  ['weightBits', 'weight_bits'],
  ['minWeightSnrDb', 'min_weight_snr_db'],
];

/**
 * A JSON profile: {"name", "base"?: built-in to start from, the snake_case limits above,
 * "supported"?: [...node types], "fallback"?: simulator, "source"?}. Problems are returned
 * as a message naming the key.
 */
export function parseProfile(value: unknown): { ok: true; profile: Profile } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'a profile must be a JSON object' };
  const obj = value as Record<string, unknown>;
  const baseName = obj.base ?? 'loihi2';
  if (typeof baseName !== 'string' || !Object.hasOwn(PROFILES, baseName))
    return { ok: false, problem: `'base' must be one of ${Object.keys(PROFILES).join(', ')}` };
  const profile: Profile = {
    ...PROFILES[baseName as keyof typeof PROFILES],
    supported: [...PROFILES[baseName as keyof typeof PROFILES].supported],
  };
  profile.name = typeof obj.name === 'string' && obj.name !== '' ? obj.name : `custom (${baseName})`;
  profile.source = typeof obj.source === 'string' ? obj.source : `user profile based on ${baseName}`;
  for (const [key, json] of NUMERIC) {
    if (!(json in obj)) continue;
    const v = obj[json];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      return { ok: false, problem: `'${json}' must be a positive number` };
    (profile[key] as number) = v;
  }
  if ('supported' in obj) {
    const list = obj.supported;
    if (
      !Array.isArray(list) ||
      !list.every((t) => typeof t === 'string' && (NODE_TYPES as readonly string[]).includes(t))
    ) {
      return { ok: false, problem: `'supported' must list NIR node types (${NODE_TYPES.join(', ')})` };
    }
    profile.supported = list as NodeType[];
  }
  if ('fallback' in obj) {
    if (typeof obj.fallback !== 'string' || !(SIMULATORS as readonly string[]).includes(obj.fallback))
      return { ok: false, problem: `'fallback' must be one of ${SIMULATORS.join(', ')}` };
    profile.fallback = obj.fallback as SimulatorName;
  }
  const unknown = Object.keys(obj).filter(
    (k) => !['name', 'base', 'source', 'supported', 'fallback', ...NUMERIC.map(([, j]) => j)].includes(k),
  );
  if (unknown.length > 0) return { ok: false, problem: `unknown key ${quote(unknown[0] as string)}` };
  return { ok: true, profile };
}
