import { InputError, inputs, quote } from '@spikeformer-actions/core';
import { MAX_SAMPLES, MAX_STEPS } from './data.js';
import { type ResetMode, SIMULATORS } from './sim-engine.js';
import { parseTolerances, type Tolerances } from './tolerances.js';

export const BACKENDS = [...SIMULATORS, 'hardware'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type UnavailablePolicy = 'skip' | 'fallback' | 'fail';
export type ConstraintsGate = 'does-not-fit' | 'lossy' | 'never';

export type StimulusSpec =
  { kind: 'generate'; rate: number; seed: number; samples: number } | { kind: 'file'; spec: string };

export interface Inputs {
  graph: string;
  stimulus: StimulusSpec;
  /** Golden per backend ('*' = every backend without its own). */
  golden: Map<string, string>;
  goldenNode: string;
  dt: number;
  steps: number | undefined;
  backends: BackendName[];
  profile: string;
  tolerances: Tolerances;
  resetMode: ResetMode;
  hardwareCommand: string[];
  allocationTimeoutMs: number;
  runTimeoutMs: number;
  maxRetries: number;
  onUnavailable: UnavailablePolicy;
  energyModel: string;
  results: string;
  constraintsGate: ConstraintsGate;
  /** A stimulus recorded at another dt is moved onto dt's steps instead of refused. */
  resampleStimulus: boolean;
  /** An output layer silent on every backend passes (with a warning) instead of failing. */
  allowSilentNetwork: boolean;
}

/** `generate:rate=0.1,seed=1,samples=1` (every part optional). */
export function parseStimulus(value: string): StimulusSpec | string {
  if (value === '' || value === 'generate') return { kind: 'generate', rate: 0.1, seed: 1, samples: 1 };
  if (!value.startsWith('generate:')) return { kind: 'file', spec: value };
  const spec = { kind: 'generate' as const, rate: 0.1, seed: 1, samples: 1 };
  for (const part of value.slice('generate:'.length).split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    const n = Number(v);
    if (k === 'rate' && Number.isFinite(n) && n >= 0 && n <= 1) spec.rate = n;
    else if (k === 'seed' && Number.isInteger(n)) spec.seed = n;
    else if (k === 'samples' && Number.isInteger(n) && n >= 1 && n <= MAX_SAMPLES) spec.samples = n;
    else return `${quote(part)} is not rate=<0..1>, seed=<integer> or samples=<1..${MAX_SAMPLES}>`;
  }
  return spec;
}

/** Lines of `path` (every backend) or `backend: path`. */
export function parseGolden(lines: string[], backends: readonly string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (const line of lines) {
    const m = /^([a-z0-9-]+)\s*:\s*(.+)$/.exec(line);
    const key = m && (BACKENDS as readonly string[]).includes(m[1] as string) ? (m[1] as string) : '*';
    const file = key === '*' ? line : (m?.[2] as string).trim();
    // With hardware requested, any simulator may run as its fallback and use its golden.
    if (key !== '*' && !backends.includes(key) && !backends.includes('hardware'))
      return `names backend ${quote(key)}, which is not in 'backends'`;
    if (out.has(key))
      return key === '*' ? 'gives more than one golden for all backends' : `gives two goldens for ${key}`;
    out.set(key, file);
  }
  return out;
}

export function readInputs(): Inputs {
  const backends = inputs.getList('backends').map((b) => b.toLowerCase());
  if (backends.length === 0) throw new InputError('backends', 'is empty');
  for (const b of backends)
    if (!(BACKENDS as readonly string[]).includes(b))
      throw new InputError('backends', `${quote(b)} is not one of ${BACKENDS.join(', ')}`);
  const stimulus = parseStimulus(inputs.getString('stimulus'));
  if (typeof stimulus === 'string') throw new InputError('stimulus', stimulus);
  const golden = parseGolden(inputs.getList('golden', { commas: false }), backends);
  if (typeof golden === 'string') throw new InputError('golden', golden);
  const tolerances = parseTolerances(inputs.getObject('tolerances'));
  if (!tolerances.ok) throw new InputError('tolerances', tolerances.problem);
  const dt = inputs.getFloat('dt', undefined, { min: 0 });
  if (dt === undefined || dt <= 0)
    throw new InputError('dt', 'is required and must be > 0 (seconds per step; NIR graphs carry no dt)');
  const hardwareCommand = inputs.getList('hardware-command', { commas: false });
  return {
    graph:
      inputs.getPath('graph') ||
      (() => {
        throw new InputError('graph', 'is required');
      })(),
    stimulus,
    golden,
    goldenNode: inputs.getString('golden-node'),
    dt,
    steps: inputs.getInteger('steps', undefined, { min: 1, max: MAX_STEPS }),
    backends: [...new Set(backends)] as BackendName[],
    profile: inputs.getString('profile', 'loihi2'),
    tolerances: tolerances.value,
    resetMode: inputs.getEnum('reset-mode', ['zero', 'subtract'] as const, 'zero'),
    hardwareCommand,
    allocationTimeoutMs: inputs.getDuration('allocation-timeout', 600_000, { min: 1 }),
    runTimeoutMs: inputs.getDuration('run-timeout', 1_800_000, { min: 1 }),
    maxRetries: inputs.getInteger('max-retries', 3, { min: 0, max: 10 }),
    onUnavailable: inputs.getEnum('on-hardware-unavailable', ['skip', 'fallback', 'fail'] as const, 'fallback'),
    energyModel: inputs.getString('energy-model', 'loihi1-davies2018'),
    results: inputs.getPath('results') || 'neuromorphic-results.json',
    constraintsGate: inputs.getEnum('fail-on-constraints', ['does-not-fit', 'lossy', 'never'] as const, 'does-not-fit'),
    resampleStimulus: inputs.getBoolean('resample-stimulus', false),
    allowSilentNetwork: inputs.getBoolean('allow-silent-network', false),
  };
}
