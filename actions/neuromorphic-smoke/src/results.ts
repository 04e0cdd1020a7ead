import { quote } from '@spikeformer-actions/core';
import type { AttemptRecord } from './adapter-protocol.js';
import type { ConstraintReport } from './constraints.js';
import type { EnergyEstimate } from './energy.js';
import type { Metrics, Mismatch } from './evaluate.js';
import type { NirGraph } from './nir-types.js';
import { NEURON_TYPES, size } from './nir-types.js';
import type { Tolerances } from './tolerances.js';
import type { Finding, GraphInfo } from './validate.js';

export const RESULTS_SCHEMA = 'spikeformer.neuromorphic-smoke/1';

export type BackendStatus = 'passed' | 'failed' | 'skipped' | 'error';

export interface BackendResult {
  name: string;
  kind: 'simulator' | 'hardware';
  status: BackendStatus;
  fallback_for: string | null;
  target: string | null;
  attempts: number;
  retried: boolean;
  attempt_log: AttemptRecord[];
  duration_s: number;
  metrics: Metrics | null;
  energy: EnergyEstimate | null;
  measured: { execution_time_s?: number; energy_j?: number } | null;
  voltage_units: string | null;
  problems: string[];
  first_mismatches: Mismatch[];
  findings: Finding[];
  recorded: string | null;
  reason: string | null;
}

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  graph: {
    path: string;
    sha256: string;
    nir_version: string;
    nodes: number;
    edges: number;
    node_types: Record<string, number>;
    neurons: number;
    synapses: number;
    inputs: Record<string, number[]>;
    outputs: Record<string, number[]>;
    cycles: Array<[string, string]>;
  };
  config: {
    dt: number;
    steps: number;
    samples: number;
    reset_mode: string;
    stimulus: string;
    golden: Record<string, string>;
    tolerances: Tolerances;
  };
  validation: Finding[];
  constraints: {
    profile: string;
    source: string;
    verdict: string;
    fits: boolean;
    cores_estimate: number;
    rows: ConstraintReport['rows'];
    findings: Finding[];
  };
  backends: BackendResult[];
  /** Set when the output layer (or the whole network) has no spikes on any backend that ran. */
  silent_network: SilentNetwork | null;
  status: 'passed' | 'failed';
  rate_cosine_min: number | null;
  accuracy: number | null;
}

export function graphFacts(
  graph: NirGraph,
  info: GraphInfo,
  file: string,
  sha256: string,
  synapses: number,
): Results['graph'] {
  const types: Record<string, number> = {};
  let neurons = 0;
  for (const n of graph.nodes.values()) {
    types[n.type] = (types[n.type] ?? 0) + 1;
    if (NEURON_TYPES.includes(n.type)) neurons += size(info.shapes.get(n.name) ?? []);
  }
  const shapesOf = (names: string[]): Record<string, number[]> =>
    Object.fromEntries(names.map((n) => [n, info.shapes.get(n) ?? []]));
  return {
    path: file,
    sha256,
    nir_version: graph.version,
    nodes: graph.nodes.size,
    edges: graph.edges.length,
    node_types: types,
    neurons,
    synapses,
    inputs: shapesOf(info.inputs),
    outputs: shapesOf(info.outputs),
    cycles: info.backEdges,
  };
}

/** The run passes when no backend failed or errored (skips are reported, not counted). */
export function overallStatus(backends: readonly BackendResult[]): 'passed' | 'failed' {
  return backends.some((b) => b.status === 'failed' || b.status === 'error') ? 'failed' : 'passed';
}

export interface SilentNetwork {
  /** `network`: no node spikes anywhere; `output`: the first Output gets nothing. */
  scope: 'network' | 'output';
  output: string;
  backends: string[];
  network_spikes: Record<string, number>;
  allowed: boolean;
}

/**
 * A network whose output stays silent on every backend passes every comparison (0 spikes
 * match 0 spikes) while proving nothing, so it is a condition of its own.
 */
export function silentNetwork(
  backends: readonly BackendResult[],
  output: string,
  allowed: boolean,
): SilentNetwork | null {
  const ran = backends.filter((b) => b.metrics !== null && (b.status === 'passed' || b.status === 'failed'));
  if (ran.length === 0) return null;
  // A recording without the Output node (an adapter's) counts by what it did record.
  const silent = ran.every((b) => (b.metrics?.output_spikes ?? b.metrics?.network_spikes ?? 0) === 0);
  if (!silent) return null;
  const networkSpikes: Record<string, number> = {};
  for (const b of ran) networkSpikes[b.name] = b.metrics?.network_spikes ?? 0;
  return {
    scope: ran.every((b) => (b.metrics?.network_spikes ?? 0) === 0) ? 'network' : 'output',
    output,
    backends: ran.map((b) => b.name),
    network_spikes: networkSpikes,
    allowed,
  };
}

export function describeSilence(s: SilentNetwork): string {
  const names = s.backends.join(', ');
  if (s.scope === 'network') return `silent network: no node spikes on any backend (${names})`;
  const spiking =
    s.backends.find((b) => b === 'float-ref' && (s.network_spikes[b] ?? 0) > 0) ??
    s.backends.find((b) => (s.network_spikes[b] ?? 0) > 0) ??
    '';
  const n = s.network_spikes[spiking] ?? 0;
  return `silent network: output ${quote(s.output)} has no spikes on any backend (${names}; the network spikes ${n} time${n === 1 ? '' : 's'} on ${spiking})`;
}

export function rateCosineMin(backends: readonly BackendResult[]): number | null {
  const values = backends.flatMap((b) =>
    b.metrics?.rate_cosine !== null && b.metrics?.rate_cosine !== undefined ? [b.metrics.rate_cosine] : [],
  );
  return values.length === 0 ? null : Math.min(...values);
}

export function accuracyOf(backends: readonly BackendResult[]): number | null {
  const values = backends.flatMap((b) =>
    b.status !== 'skipped' && b.metrics?.accuracy !== null && b.metrics?.accuracy !== undefined
      ? [b.metrics.accuracy]
      : [],
  );
  return values.length === 0 ? null : Math.min(...values);
}
