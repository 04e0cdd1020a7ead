import { quote } from '@spikeformer-actions/core';
import { agreement, compareSpikes, firstSpikeStep, maxAbsError, predictions, type SpikeComparison } from './compare.js';
import type { ActivityData } from './data.js';
import { sampleSlice } from './data.js';
import { type EnergyEstimate, type EnergyModel, estimateEnergy } from './energy.js';
import type { NirGraph } from './nir-types.js';
import { size } from './nir-types.js';
import { type Backend, type SimConfig, simulate } from './sim-engine.js';
import type { Tolerances } from './tolerances.js';
import type { Finding, GraphInfo } from './validate.js';

/** Activity of one backend over all samples: [sample][step][neuron] per node. */
export interface BackendRun {
  name: string;
  kind: 'simulator' | 'hardware';
  samples: number;
  steps: number;
  spikes: Map<string, { neurons: number; values: Float64Array }>;
  voltages: Map<string, { neurons: number; values: Float64Array }>;
  voltageUnits: string;
  synapticEvents: number;
  neuronUpdates: number;
  spikeCount: number;
  wallMs: number;
  findings: Finding[];
  /** Measured numbers the hardware adapter reported. */
  measured?: { execution_time_s?: number; energy_j?: number };
}

/** Runs a simulator over every sample of the stimulus; Output nodes are recorded as spike rasters too. */
export function runSimulator(
  backend: Backend,
  graph: NirGraph,
  info: GraphInfo,
  stimulus: ActivityData,
  config: SimConfig,
): BackendRun {
  const prepared = backend.prepare(graph, info, config);
  const samples = Math.max(1, stimulus.samples);
  const spikes = new Map<string, { neurons: number; values: Float64Array }>();
  const voltages = new Map<string, { neurons: number; values: Float64Array }>();
  let synapticEvents = 0;
  let neuronUpdates = 0;
  let wallMs = 0;
  for (let s = 0; s < samples; s++) {
    const stim = new Map<string, Float64Array>();
    for (const name of info.inputs) {
      const n = size(info.shapes.get(name) ?? []);
      const trace = stimulus.nodes.get(name);
      const values = trace?.spikes ?? trace?.v;
      if (values) stim.set(name, sampleSlice(values, stimulus, n, s, config.steps));
    }
    const rec = simulate(graph, info, prepared, stim, config);
    const put = (
      target: Map<string, { neurons: number; values: Float64Array }>,
      name: string,
      values: ArrayLike<number>,
    ): void => {
      const n = size(info.shapes.get(name) ?? []);
      let entry = target.get(name);
      if (!entry) {
        entry = { neurons: n, values: new Float64Array(samples * config.steps * n) };
        target.set(name, entry);
      }
      entry.values.set(values, s * config.steps * n);
    };
    for (const [name, v] of rec.spikes) put(spikes, name, v);
    for (const [name, v] of rec.outputs) put(spikes, name, v);
    for (const [name, v] of rec.voltages) put(voltages, name, v);
    synapticEvents += rec.synapticEvents;
    neuronUpdates += rec.neuronUpdates;
    wallMs += rec.wallMs;
  }
  let spikeCount = 0;
  for (const [name, { values }] of spikes)
    if (!info.outputs.includes(name)) for (const x of values) if (x !== 0) spikeCount++;
  return {
    name: backend.name,
    kind: 'simulator',
    samples,
    steps: config.steps,
    spikes,
    voltages,
    voltageUnits: prepared.voltageUnits,
    synapticEvents,
    neuronUpdates,
    spikeCount,
    wallMs,
    findings: prepared.findings,
  };
}

export interface Metrics {
  compared_with: 'golden' | 'float-ref' | null;
  /** Non-zero values the first Output received (0: the output layer is silent). */
  output_spikes: number | null;
  /** Spikes of every recorded node but the Outputs (which repeat what feeds them). */
  network_spikes: number;
  spike_count_total: number | null;
  spike_count_expected: number | null;
  spike_count_rel_err: number | null;
  spike_time_max_shift: number | null;
  spikes_unmatched: number | null;
  /** Null when nothing was compared or both sides had no spikes (undefined, not 1). */
  rate_cosine: number | null;
  rate_cosine_vs_ref: number | null;
  /** Spikes / float-ref's over the nodes both record (null when float-ref has none). */
  spike_count_ratio_vs_ref: number | null;
  v_max_abs_err: number | null;
  v_units: string | null;
  accuracy: number | null;
  agreement_vs_ref: number | null;
  latency_steps_first_spike: number | null;
  wall_ms_per_step: number;
  synaptic_events_per_s: number | null;
}

export interface Mismatch {
  node: string;
  what: string;
  sample: number;
  neuron: number;
  step: number;
  detail: string;
}

export interface Assessment {
  passed: boolean;
  problems: string[];
  findings: Finding[];
  metrics: Metrics;
  energy: EnergyEstimate;
  mismatches: Mismatch[];
}

export interface Golden {
  data: ActivityData;
  /** The golden names this backend (voltages then compare in the backend's own units). */
  specific: boolean;
  file: string;
}

/** Which node of the run holds the golden node's spikes (an Output name maps to what reached it). */
function recorded(run: BackendRun, node: string): { neurons: number; values: Float64Array } | undefined {
  return run.spikes.get(node);
}

function nonZero(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}

/** Spikes over the given nodes, Outputs left out unless nothing else is recorded. */
export function spikesOver(run: BackendRun, nodes: readonly string[], outputs: readonly string[]): number {
  const inner = nodes.filter((n) => !outputs.includes(n));
  let total = 0;
  for (const n of inner.length > 0 ? inner : nodes) total += nonZero(run.spikes.get(n)?.values ?? []);
  return total;
}

/** The worse of two cosines, where null (both silent) says nothing. */
function worseCosine(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * Compares a backend with its golden (pass/fail by the tolerances) and with float-ref (rate
 * cosine and spike count, gated by the *_vs_ref tolerances unless they are null). Hardware
 * uses the *_hw limits against a golden.
 */
export function assess(
  run: BackendRun,
  reference: BackendRun | undefined,
  golden: Golden | undefined,
  info: GraphInfo,
  tol: Tolerances,
  energyModel: EnergyModel | undefined,
): Assessment {
  const problems: string[] = [];
  const findings: Finding[] = [];
  const mismatches: Mismatch[] = [];
  const hw = run.kind === 'hardware';
  const outputNode = info.outputs[0] as string;
  const output = recorded(run, outputNode);
  const metrics: Metrics = {
    compared_with: null,
    output_spikes: output ? nonZero(output.values) : null,
    network_spikes: spikesOver(run, [...run.spikes.keys()], info.outputs),
    spike_count_total: output ? nonZero(output.values) : null,
    spike_count_expected: null,
    spike_count_rel_err: null,
    spike_time_max_shift: null,
    spikes_unmatched: null,
    rate_cosine: null,
    rate_cosine_vs_ref: null,
    spike_count_ratio_vs_ref: null,
    v_max_abs_err: null,
    v_units: null,
    accuracy: null,
    agreement_vs_ref: null,
    latency_steps_first_spike: output ? firstSpikeStep(output.values, run.samples, run.steps, output.neurons) : null,
    wall_ms_per_step: run.wallMs / Math.max(1, run.steps * run.samples),
    synaptic_events_per_s: run.kind === 'simulator' && run.wallMs > 0 ? run.synapticEvents / (run.wallMs / 1000) : null,
  };
  const cosMin = hw ? tol.rate_cosine_min_hw : tol.rate_cosine_min;
  const firstOf = (node: string, what: string, c: SpikeComparison): void => {
    if (c.firstMismatch)
      mismatches.push({ node, what, ...c.firstMismatch, detail: `no partner within ±${tol.spike_time_steps} steps` });
  };
  const notComparable = (node: string | undefined, against: string): void => {
    findings.push({
      level: 'warning',
      ...(node ? { node } : {}),
      rule: 'rate-cosine',
      detail: `rate cosine vs ${against} not comparable: no spikes on either side`,
    });
  };

  if (golden) {
    metrics.compared_with = 'golden';
    let totalA = 0;
    let totalB = 0;
    let worstCos: number | null = null;
    let worstShift = 0;
    let unmatched = 0;
    let compared = 0;
    for (const [node, trace] of golden.data.nodes) {
      const ours = recorded(run, node);
      const samples = Math.min(run.samples, golden.data.samples);
      const steps = Math.min(run.steps, golden.data.steps);
      if (trace.spikes) {
        if (!ours) {
          problems.push(`golden node '${node}' is not recorded by ${run.name}`);
          continue;
        }
        if (ours.neurons !== trace.neurons) {
          problems.push(`golden node '${node}' has ${trace.neurons} neurons, ${run.name} records ${ours.neurons}`);
          continue;
        }
        const a = new Float64Array(samples * steps * ours.neurons);
        const b = new Float64Array(samples * steps * ours.neurons);
        for (let s = 0; s < samples; s++) {
          a.set(
            ours.values.subarray(s * run.steps * ours.neurons, (s * run.steps + steps) * ours.neurons),
            s * steps * ours.neurons,
          );
          b.set(
            trace.spikes.subarray(s * golden.data.steps * ours.neurons, (s * golden.data.steps + steps) * ours.neurons),
            s * steps * ours.neurons,
          );
        }
        const c = compareSpikes(a, b, samples, steps, ours.neurons, tol.spike_time_steps);
        compared++;
        totalA += c.countA;
        totalB += c.countB;
        worstCos = worseCosine(worstCos, c.rateCosine);
        worstShift = Math.max(worstShift, c.maxShift);
        unmatched += c.unmatched;
        firstOf(node, 'spikes', c);
      }
      const vOurs = run.voltages.get(node);
      const compareV = trace.v && vOurs && (golden.specific || run.name === 'float-ref');
      if (compareV && trace.v) {
        const exact = tol.bitexact.includes(run.name) && golden.specific;
        const limit = exact ? 0 : tol.voltage_abs;
        let worst = 0;
        for (let s = 0; s < samples; s++) {
          const e = maxAbsError(
            vOurs.values.subarray(s * run.steps * vOurs.neurons),
            trace.v.subarray(s * golden.data.steps * vOurs.neurons),
            steps * vOurs.neurons,
          );
          if (e.max > worst || Number.isNaN(e.max)) worst = e.max;
          // The first step beyond the limit is the useful pointer, not the largest error.
          const n = vOurs.neurons;
          for (let k = 0; k < steps * n; k++) {
            const d = Math.abs(
              (vOurs.values[s * run.steps * n + k] as number) - (trace.v[s * golden.data.steps * n + k] as number),
            );
            if (!(d <= limit)) {
              mismatches.push({
                node,
                what: 'v',
                sample: s,
                neuron: k % n,
                step: Math.floor(k / n),
                detail: `|Δv| = ${d} (${run.voltageUnits})`,
              });
              break;
            }
          }
        }
        metrics.v_max_abs_err = worst;
        metrics.v_units = run.voltageUnits;
        if (!(worst <= limit))
          problems.push(
            `voltage of '${node}' differs by up to ${worst} ${exact ? '(bit-exact required)' : `(limit ${tol.voltage_abs})`}`,
          );
      }
    }
    if (compared > 0) {
      metrics.spike_count_total = totalA;
      metrics.spike_count_expected = totalB;
      metrics.spike_count_rel_err = Math.abs(totalA - totalB) / Math.max(totalB, 1);
      metrics.spike_time_max_shift = worstShift;
      metrics.spikes_unmatched = unmatched;
      metrics.rate_cosine = worstCos;
      if (worstCos === null)
        notComparable(golden.data.nodes.size === 1 ? [...golden.data.nodes.keys()][0] : undefined, 'golden');
      if (metrics.spike_count_rel_err > tol.spike_count_rel)
        problems.push(
          `spike count ${totalA} vs ${totalB} expected (rel. error ${metrics.spike_count_rel_err.toFixed(3)} > ${tol.spike_count_rel})`,
        );
      if (unmatched > tol.spike_unmatched_rel * totalB) {
        problems.push(
          `${unmatched} spikes have no partner within ±${tol.spike_time_steps} steps${tol.spike_unmatched_rel > 0 ? ` (allowed ${Math.floor(tol.spike_unmatched_rel * totalB)})` : ''}`,
        );
      }
      if (worstCos !== null && worstCos < cosMin) problems.push(`rate cosine ${worstCos.toFixed(4)} < ${cosMin}`);
    }
    if (golden.data.labels && output) {
      const pred = predictions(output.values, run.samples, run.steps, output.neurons);
      const n = Math.min(pred.length, golden.data.labels.length);
      metrics.accuracy = agreement(pred.slice(0, n), golden.data.labels.slice(0, n));
    }
  }

  if (reference && reference !== run) {
    let worst: number | null = null;
    let worstNode = '';
    const common: string[] = [];
    for (const [node, ref] of reference.spikes) {
      const ours = run.spikes.get(node);
      if (!ours || ours.neurons !== ref.neurons) continue;
      common.push(node);
      const c = compareSpikes(
        ours.values,
        ref.values,
        Math.min(run.samples, reference.samples),
        Math.min(run.steps, reference.steps),
        ref.neurons,
        tol.spike_time_steps,
      );
      if (c.rateCosine !== null && (worst === null || c.rateCosine < worst)) worstNode = node;
      worst = worseCosine(worst, c.rateCosine);
    }
    metrics.rate_cosine_vs_ref = worst;
    const ours = spikesOver(run, common, info.outputs);
    const theirs = spikesOver(reference, common, info.outputs);
    if (common.length > 0 && theirs > 0) metrics.spike_count_ratio_vs_ref = ours / theirs;
    const refOut = reference.spikes.get(outputNode);
    if (refOut && output) {
      metrics.agreement_vs_ref = agreement(
        predictions(output.values, run.samples, run.steps, output.neurons),
        predictions(refOut.values, reference.samples, reference.steps, refOut.neurons),
      );
      if (!golden) {
        const c = compareSpikes(
          output.values,
          refOut.values,
          run.samples,
          run.steps,
          output.neurons,
          tol.spike_time_steps,
        );
        metrics.compared_with = 'float-ref';
        metrics.spike_count_expected = c.countB;
        metrics.spike_count_rel_err = c.countRelErr;
        metrics.spike_time_max_shift = c.maxShift;
        metrics.spikes_unmatched = c.unmatched;
        metrics.rate_cosine = c.rateCosine;
        if (c.rateCosine === null) notComparable(outputNode, 'float-ref');
        firstOf(outputNode, 'spikes vs float-ref', c);
      }
    }
    if (tol.rate_cosine_min_vs_ref !== null && worst !== null && worst < tol.rate_cosine_min_vs_ref) {
      problems.push(
        `rate cosine vs float-ref ${worst.toFixed(4)} < ${tol.rate_cosine_min_vs_ref} (node ${quote(worstNode)})`,
      );
    }
    const band = tol.spike_count_ratio_vs_ref;
    // Both silent is the silent-network condition's to judge, not a count mismatch.
    if (band !== null && common.length > 0 && ours + theirs > 0) {
      const ratio = metrics.spike_count_ratio_vs_ref;
      if (ratio === null || ratio === 0 || ratio > band || ratio < 1 / band) {
        const how =
          ratio === null ? 'float-ref has none' : `ratio ${ratio.toFixed(2)}, allowed ${(1 / band).toFixed(2)}–${band}`;
        problems.push(`spikes vs float-ref: ${ours} vs ${theirs} (${how})`);
      }
    }
    if (golden?.data.labels && metrics.accuracy !== null) {
      const refAcc = assessAccuracy(reference, golden, outputNode);
      const drop = hw ? tol.accuracy_drop_max_hw : tol.accuracy_drop_max;
      if (refAcc !== null && refAcc - metrics.accuracy > drop)
        problems.push(
          `accuracy ${metrics.accuracy.toFixed(3)} is ${(refAcc - metrics.accuracy).toFixed(3)} below float-ref (limit ${drop})`,
        );
    }
  }
  const energy = estimateEnergy(energyModel, run.synapticEvents, run.neuronUpdates, run.spikeCount);
  return { passed: problems.length === 0, problems, findings, metrics, energy, mismatches: mismatches.slice(0, 20) };
}

function assessAccuracy(run: BackendRun, golden: Golden, outputNode: string): number | null {
  const out = run.spikes.get(outputNode);
  if (!out || !golden.data.labels) return null;
  const pred = predictions(out.values, run.samples, run.steps, out.neurons);
  const n = Math.min(pred.length, golden.data.labels.length);
  return agreement(pred.slice(0, n), golden.data.labels.slice(0, n));
}
