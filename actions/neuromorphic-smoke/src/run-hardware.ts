import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { clip, FileError, warning, workspaceRelative } from '@spikeformer-actions/core';
import type { AttemptRecord } from './adapter-protocol.js';
import { type ActivityData, DataError, graphDataTree, readGraphData } from './data.js';
import type { EnergyModel } from './energy.js';
import { assess, type BackendRun, type Golden } from './evaluate.js';
import { readH5, writeH5 } from './h5.js';
import { runOnHardware } from './hardware.js';
import type { Inputs } from './inputs.js';
import type { LoadedGraph } from './load.js';
import type { Profile } from './profiles.js';
import type { BackendResult } from './results.js';
import type { SimConfig, SimulatorName } from './sim-engine.js';

export interface HardwareBackendOptions {
  inputs: Inputs;
  loaded: LoadedGraph;
  profile: Profile;
  stimulus: ActivityData;
  config: SimConfig;
  reference: BackendRun;
  golden: Golden | undefined;
  energyModel: EnergyModel | undefined;
  workDir: string;
  /** Where the adapter's recorded outputs are kept (beside results.json). */
  recordedFile: string;
  signal: AbortSignal;
  onAllocationFile: (file: string) => void;
  /** Runs (or reuses) the simulator standing in for the chip. */
  fallback: (sim: SimulatorName) => BackendResult;
}

function base(name: string, target: string, attempts: AttemptRecord[]): BackendResult {
  const count = new Set(attempts.map((a) => a.attempt)).size;
  return {
    name,
    kind: 'hardware',
    status: 'error',
    fallback_for: null,
    target,
    attempts: count,
    retried: count > 1,
    attempt_log: attempts,
    duration_s: attempts.reduce((s, a) => s + a.duration_s, 0),
    metrics: null,
    energy: null,
    measured: null,
    voltage_units: null,
    problems: [],
    first_mismatches: [],
    findings: [],
    recorded: null,
    reason: null,
  };
}

/** The `hardware` backend: adapter run with retries, then the skip|fallback|fail policy when no board can be had. */
export async function runHardwareBackend(o: HardwareBackendOptions): Promise<BackendResult> {
  const target = o.profile.name;
  const unavailable = (reason: string, attempts: AttemptRecord[]): BackendResult => {
    const policy = o.inputs.onUnavailable;
    if (policy === 'fallback') {
      const sim = o.fallback(o.profile.fallback);
      warning(`hardware (${target}) unavailable: ${clip(reason)} → fallback ${sim.name}`);
      return {
        ...sim,
        fallback_for: `hardware (${target})`,
        target,
        attempt_log: attempts,
        attempts: new Set(attempts.map((a) => a.attempt)).size,
        retried: new Set(attempts.map((a) => a.attempt)).size > 1,
        reason,
      };
    }
    const r = base('hardware', target, attempts);
    r.reason = reason;
    if (policy === 'skip') {
      warning(`hardware (${target}) skipped: ${clip(reason)}`);
      r.status = 'skipped';
    } else r.status = 'error';
    return r;
  };
  if (o.inputs.hardwareCommand.length === 0) return unavailable("no 'hardware-command' given", []);

  await mkdir(o.workDir, { recursive: true });
  const stimulusFile = path.join(o.workDir, 'stimulus.h5');
  await writeH5(stimulusFile, graphDataTree({ ...o.stimulus, steps: o.stimulus.steps, dt: o.config.dt }), {
    compress: true,
  });
  const hw = await runOnHardware({
    command: o.inputs.hardwareCommand,
    target,
    graph: o.inputs.graph,
    stimulus: stimulusFile,
    steps: o.config.steps,
    dt: o.config.dt,
    workDir: o.workDir,
    allocationTimeoutMs: o.inputs.allocationTimeoutMs,
    runTimeoutMs: o.inputs.runTimeoutMs,
    releaseTimeoutMs: 60_000,
    maxRetries: o.inputs.maxRetries,
    signal: o.signal,
    onAllocationFile: o.onAllocationFile,
  });
  if (hw.kind === 'unavailable') return unavailable(hw.reason, hw.attempts);
  const result = base('hardware', target, hw.attempts);
  if (hw.kind === 'error') {
    result.reason = hw.reason;
    return result;
  }
  if (result.retried)
    warning(`hardware (${target}) needed ${result.attempts} attempts (infrastructure errors); flagged in the results`);
  let data: ActivityData;
  try {
    data = readGraphData(await readH5(hw.output, 'hardware output'), o.config.dt);
  } catch (error) {
    result.reason =
      error instanceof FileError || error instanceof DataError
        ? `adapter output unusable: ${error.message}`
        : String(error);
    return result;
  }
  const spikes = new Map<string, { neurons: number; values: Float64Array }>();
  const voltages = new Map<string, { neurons: number; values: Float64Array }>();
  for (const [name, t] of data.nodes) {
    if (t.spikes) spikes.set(name, { neurons: t.neurons, values: t.spikes });
    if (t.v) voltages.set(name, { neurons: t.neurons, values: t.v });
  }
  let spikeCount = 0;
  for (const [, s] of spikes) for (const x of s.values) if (x !== 0) spikeCount++;
  const measured: BackendRun['measured'] = {};
  if (hw.status.execution_time_s !== undefined) measured.execution_time_s = hw.status.execution_time_s;
  if (hw.status.energy_j !== undefined) measured.energy_j = hw.status.energy_j;
  const run: BackendRun = {
    name: 'hardware',
    kind: 'hardware',
    samples: Math.max(1, data.samples),
    steps: data.steps,
    spikes,
    voltages,
    voltageUnits: 'as reported by the adapter',
    synapticEvents: o.reference.synapticEvents,
    neuronUpdates: o.reference.neuronUpdates,
    spikeCount,
    wallMs: (hw.status.execution_time_s ?? 0) * 1000,
    findings: [],
    measured,
  };
  const a = assess(run, o.reference, o.golden, o.loaded.info, o.inputs.tolerances, o.energyModel);
  await copyFile(hw.output, o.recordedFile);
  return {
    ...result,
    status: a.passed ? 'passed' : 'failed',
    metrics: a.metrics,
    energy: a.energy,
    measured,
    voltage_units: run.voltageUnits,
    problems: a.problems,
    first_mismatches: a.mismatches,
    findings: a.findings,
    recorded: workspaceRelative(o.recordedFile),
  };
}
