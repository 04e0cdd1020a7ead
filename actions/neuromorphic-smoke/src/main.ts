import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clip,
  error as errorAnnotation,
  FileError,
  GateFailure,
  info,
  InputError,
  quote,
  quoteList,
  readJsonFile,
  resolveInWorkspace,
  saveState,
  setOutput,
  warning,
  workspaceRelative,
} from '@spikeformer-actions/core';
import { lintConstraints } from './constraints.js';
import { type ActivityData, checkActivitySize, DataError, generateStimulus, graphDataTree } from './data.js';
import { type EnergyModel, LOIHI1_DAVIES2018, parseEnergyModel } from './energy.js';
import { assess, type BackendRun, type Golden, runSimulator } from './evaluate.js';
import { writeH5 } from './h5.js';
import { readInputs, type Inputs } from './inputs.js';
import { loadActivity, type LoadedGraph, loadGraph } from './load.js';
import { NirError } from './nir-read.js';
import type { NirGraph } from './nir-types.js';
import { size, SPIKING_TYPES } from './nir-types.js';
import { PROFILES, parseProfile, type Profile } from './profiles.js';
import { buildSummary } from './report.js';
import { resampleActivity, sameDt, showDt } from './resample.js';
import {
  accuracyOf,
  type BackendResult,
  describeSilence,
  graphFacts,
  overallStatus,
  rateCosineMin,
  RESULTS_SCHEMA,
  type Results,
  silentNetwork,
} from './results.js';
import { checkSimulatable, type SimConfig, type SimulatorName } from './sim-engine.js';
import { SIMULATOR_IMPLS } from './simulators.js';
import { runHardwareBackend } from './run-hardware.js';
import { checkRunSize } from './run-size.js';
import type { GraphInfo } from './validate.js';

/** The spiking node whose spikes reach the first Output (what a single-node CSV golden describes). */
export function defaultRecordedNode(graph: NirGraph, info: GraphInfo): string {
  let name = info.outputs[0] as string;
  for (let hops = 0; hops < 64; hops++) {
    const node = graph.nodes.get(name);
    if (!node || SPIKING_TYPES.includes(node.type)) return name;
    const preds = info.preds.get(name) ?? [];
    if (preds.length !== 1) return name;
    name = preds[0] as string;
  }
  return name;
}

async function loadProfile(spec: string): Promise<Profile> {
  if (Object.hasOwn(PROFILES, spec)) return PROFILES[spec as keyof typeof PROFILES];
  if (!spec.toLowerCase().endsWith('.json'))
    throw new InputError('profile', `${quote(spec)} is not loihi2, spinnaker1, spinnaker2 or a .json file`);
  const file = resolveInWorkspace(spec, "Input 'profile'");
  const parsed = parseProfile(await readJsonFile(file, 1024 * 1024, workspaceRelative(file)));
  if (!parsed.ok) throw new InputError('profile', `${workspaceRelative(file)}: ${parsed.problem}`);
  return parsed.profile;
}

async function loadEnergyModel(spec: string): Promise<EnergyModel | undefined> {
  if (spec === 'none') return undefined;
  if (spec === 'loihi1-davies2018') return LOIHI1_DAVIES2018;
  if (!spec.toLowerCase().endsWith('.json'))
    throw new InputError('energy-model', `${quote(spec)} is not loihi1-davies2018, none or a .json file`);
  const file = resolveInWorkspace(spec, "Input 'energy-model'");
  const parsed = parseEnergyModel(await readJsonFile(file, 1024 * 1024, workspaceRelative(file)));
  if (!parsed.ok) throw new InputError('energy-model', `${workspaceRelative(file)}: ${parsed.problem}`);
  return parsed.model;
}

async function loadStimulus(inp: Inputs, loaded: LoadedGraph): Promise<{ data: ActivityData; label: string }> {
  const { info } = loaded;
  if (inp.stimulus.kind === 'generate') {
    const steps = inp.steps ?? 100;
    const inputs = info.inputs.map((name) => ({ name, neurons: size(info.shapes.get(name) ?? []) }));
    const s = inp.stimulus;
    try {
      for (const input of inputs)
        checkActivitySize(`generate:samples=${s.samples} with ${steps} steps`, s.samples, steps, input.neurons);
    } catch (error) {
      if (error instanceof DataError) throw new InputError('stimulus', error.message);
      throw error;
    }
    return {
      data: generateStimulus(inputs, steps, s.samples, s.rate, s.seed),
      label: `generated: Bernoulli rate ${s.rate}, seed ${s.seed}, ${s.samples} sample(s)`,
    };
  }
  const loadedData = await loadActivity(inp.stimulus.spec, "Input 'stimulus'", info.inputs[0] as string, inp.dt);
  const { shownAs } = loadedData;
  let { data } = loadedData;
  let label = shownAs;
  // A spike train recorded at another dt would replay k times faster or slower than it was made.
  const fileDt = recordedDt(data, shownAs);
  if (fileDt !== undefined && !sameDt(fileDt, inp.dt)) {
    if (!inp.resampleStimulus) {
      throw new InputError(
        'stimulus',
        `${shownAs} has dt ${showDt(fileDt)} s, but the input 'dt' is ${showDt(inp.dt)} s: give dt: ${showDt(fileDt)}, or resample-stimulus: true to move its spikes onto ${showDt(inp.dt)} s steps`,
      );
    }
    let r: ReturnType<typeof resampleActivity>;
    try {
      r = resampleActivity(data, fileDt, inp.dt, shownAs);
    } catch (error) {
      if (error instanceof DataError) throw new InputError('stimulus', error.message);
      throw error;
    }
    const kept =
      r.spikesAfter === r.spikesBefore
        ? `${r.spikesAfter} spikes kept`
        : `${r.spikesAfter} of ${r.spikesBefore} spikes kept`;
    label = `${shownAs} (resampled from dt ${showDt(fileDt)} s: ${data.steps} steps → ${r.data.steps}, ${kept})`;
    warning(
      `${shownAs}: stimulus resampled from dt ${showDt(fileDt)} s to ${showDt(inp.dt)} s (${data.steps} steps → ${r.data.steps})`,
      { file: shownAs, title: 'resample-stimulus' },
    );
    data = r.data;
  }
  for (const name of info.inputs) {
    const trace = data.nodes.get(name);
    if (!trace)
      throw new InputError(
        'stimulus',
        `${shownAs} has no data for Input node ${quote(name)} (it has: ${quoteList([...data.nodes.keys()])})`,
      );
    const n = size(info.shapes.get(name) ?? []);
    if (trace.neurons !== n)
      throw new InputError(
        'stimulus',
        `${shownAs}: Input ${quote(name)} has ${n} neurons, the stimulus ${trace.neurons}`,
      );
  }
  return { data, label };
}

/** The dt a data file states (NIRGraphData attribute or JSON "dt"), refused unless a positive number. */
function recordedDt(data: ActivityData, shownAs: string): number | undefined {
  if (data.dt === undefined) return undefined;
  if (!Number.isFinite(data.dt) || data.dt <= 0)
    throw new FileError(shownAs, `dt ${data.dt} is not a positive number of seconds`);
  return data.dt;
}

function simResult(run: BackendRun, a: ReturnType<typeof assess>, recorded: string | null): BackendResult {
  return {
    name: run.name,
    kind: run.kind,
    status: a.passed ? 'passed' : 'failed',
    fallback_for: null,
    target: null,
    attempts: 1,
    retried: false,
    attempt_log: [],
    duration_s: run.wallMs / 1000,
    metrics: a.metrics,
    energy: a.energy,
    measured: run.measured ?? null,
    voltage_units: run.voltageUnits,
    problems: a.problems,
    first_mismatches: a.mismatches,
    findings: [...run.findings, ...a.findings],
    recorded,
    reason: null,
  };
}

function errorResult(name: string, reason: string): BackendResult {
  return {
    name,
    kind: 'simulator',
    status: 'error',
    fallback_for: null,
    target: null,
    attempts: 1,
    retried: false,
    attempt_log: [],
    duration_s: 0,
    metrics: null,
    energy: null,
    measured: null,
    voltage_units: null,
    problems: [],
    first_mismatches: [],
    findings: [],
    recorded: null,
    reason,
  };
}

/** Writes a backend's recorded spikes (small nodes and outputs) and voltages as NIRGraphData. */
async function writeRecorded(run: BackendRun, dir: string, base: string, dt: number): Promise<string> {
  const nodes: ActivityData['nodes'] = new Map();
  for (const [name, s] of run.spikes) if (s.neurons <= 1024) nodes.set(name, { neurons: s.neurons, spikes: s.values });
  for (const [name, v] of run.voltages) {
    const entry = nodes.get(name) ?? { neurons: v.neurons };
    entry.v = v.values;
    nodes.set(name, entry);
  }
  const file = path.join(dir, `${base}.${run.name}.h5`);
  await writeH5(
    file,
    graphDataTree(
      { samples: run.samples, steps: run.steps, dt, nodes },
      { backend: run.name, voltage_units: run.voltageUnits },
    ),
    { compress: true },
  );
  return file;
}

export async function run(): Promise<void> {
  const inp = readInputs();
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const loaded = await loadGraph(inp.graph, inp.dt);
  const { graph, info: gi } = loaded;
  info(`graph ${loaded.shownAs}: NIR ${graph.version}, ${graph.nodes.size} nodes, ${graph.edges.length} edges`);
  for (const f of gi.findings)
    if (f.level !== 'info')
      warning(`${loaded.shownAs}: ${f.node ? `node '${f.node}': ` : ''}${f.detail}`, {
        file: loaded.shownAs,
        title: f.rule,
      });
  const profile = await loadProfile(inp.profile);
  const constraints = lintConstraints(graph, gi, profile, inp.dt);
  info(`constraints (${profile.name}): ${constraints.verdict}, ≈${constraints.coresEstimate} cores`);
  const energyModel = await loadEnergyModel(inp.energyModel);
  const stimulus = await loadStimulus(inp, loaded);
  const steps = inp.steps ?? stimulus.data.steps;
  if (steps <= 0) throw new InputError('steps', 'the stimulus has no steps; give steps');
  const config: SimConfig = { dt: inp.dt, steps, resetMode: inp.resetMode, recordVoltageMaxNeurons: 1024 };
  checkRunSize(
    graph,
    gi,
    steps,
    Math.max(1, stimulus.data.samples),
    config.recordVoltageMaxNeurons,
    inp.steps !== undefined,
  );
  const recordedNode = inp.goldenNode || defaultRecordedNode(graph, gi);
  if (!graph.nodes.has(recordedNode))
    throw new InputError('golden-node', `no node ${quote(recordedNode)} in the graph`);
  const goldens = new Map<string, Golden>();
  for (const [key, spec] of inp.golden) {
    const { data, shownAs } = await loadActivity(spec, "Input 'golden'", recordedNode, inp.dt);
    const goldenDt = recordedDt(data, shownAs);
    if (goldenDt !== undefined && !sameDt(goldenDt, inp.dt)) {
      throw new InputError(
        'golden',
        `${shownAs} has dt ${showDt(goldenDt)} s, but the input 'dt' is ${showDt(inp.dt)} s: record the golden at dt ${showDt(inp.dt)} s`,
      );
    }
    goldens.set(key, { data, specific: key !== '*', file: shownAs });
  }
  const goldenFor = (backend: string): Golden | undefined => goldens.get(backend) ?? goldens.get('*');

  const resultsFile = inp.results;
  const outDir = path.dirname(resultsFile);
  await mkdir(outDir, { recursive: true });
  const base = path.basename(resultsFile).replace(/\.json$/i, '');

  const sims = inp.backends.filter((b): b is SimulatorName => b !== 'hardware');
  try {
    checkSimulatable(graph, 'float-ref');
  } catch (error) {
    if (error instanceof NirError) throw new FileError(loaded.shownAs, error.message);
    throw error;
  }
  const runs = new Map<SimulatorName, BackendRun>();
  const runSim = (name: SimulatorName): BackendRun => {
    let r = runs.get(name);
    if (!r) {
      if (abort.signal.aborted) throw new Error('cancelled');
      info(`running ${name} (${steps} steps × ${Math.max(1, stimulus.data.samples)} sample(s))`);
      r = runSimulator(SIMULATOR_IMPLS[name], graph, gi, stimulus.data, config);
      runs.set(name, r);
    }
    return r;
  };
  const reference = runSim('float-ref');
  const backends: BackendResult[] = [];
  for (const name of sims) {
    let r: BackendRun;
    try {
      r = runSim(name);
    } catch (error) {
      // A graph this backend cannot map (e.g. one weight matrix driving two neuron types on Loihi).
      if (!(error instanceof NirError)) throw error;
      backends.push(errorResult(name, `${loaded.shownAs}: ${error.message}`));
      continue;
    }
    const a = assess(r, reference, goldenFor(name), gi, inp.tolerances, energyModel);
    backends.push(simResult(r, a, workspaceRelative(await writeRecorded(r, outDir, base, inp.dt))));
  }
  if (inp.backends.includes('hardware')) {
    const hw = await runHardwareBackend({
      inputs: inp,
      loaded,
      profile,
      stimulus: stimulus.data,
      config,
      reference,
      golden: goldenFor('hardware'),
      energyModel,
      workDir: path.join(process.env.RUNNER_TEMP ?? outDir, `neuromorphic-hw-${process.pid}`),
      recordedFile: path.join(outDir, `${base}.hardware.h5`),
      signal: abort.signal,
      onAllocationFile: (file) => {
        saveState('allocation-file', file);
        saveState('hardware-command', JSON.stringify(inp.hardwareCommand));
      },
      fallback: (sim) => {
        const r = runSim(sim);
        return simResult(r, assess(r, reference, goldenFor(sim), gi, inp.tolerances, energyModel), null);
      },
    });
    backends.push(hw);
  }

  const results: Results = {
    schema: RESULTS_SCHEMA,
    graph: graphFacts(graph, gi, loaded.shownAs, loaded.sha256, constraints.synapses),
    config: {
      dt: inp.dt,
      steps,
      samples: Math.max(1, stimulus.data.samples),
      reset_mode: inp.resetMode,
      stimulus: stimulus.label,
      golden: Object.fromEntries([...goldens].map(([k, g]) => [k, g.file])),
      tolerances: inp.tolerances,
    },
    validation: gi.findings,
    constraints: {
      profile: constraints.profile,
      source: constraints.source,
      verdict: constraints.verdict,
      fits: constraints.fits,
      cores_estimate: constraints.coresEstimate,
      rows: constraints.rows,
      findings: constraints.findings,
    },
    backends,
    silent_network: silentNetwork(backends, gi.outputs[0] as string, inp.allowSilentNetwork),
    status: overallStatus(backends),
    rate_cosine_min: rateCosineMin(backends),
    accuracy: accuracyOf(backends),
  };
  const constraintFail =
    (inp.constraintsGate === 'does-not-fit' && !constraints.fits) ||
    (inp.constraintsGate === 'lossy' && constraints.verdict !== 'fits');
  if (constraintFail) results.status = 'failed';
  const silence = results.silent_network;
  const silenceFail = silence !== null && !silence.allowed;
  if (silenceFail) results.status = 'failed';
  // Named one by one: a zeroed layer is the reason, not a detail of the table (the first 10; the
  // summary and results list them all).
  const zeroed = constraints.findings.filter((f) => f.rule === 'weights-zeroed');
  const annotate = constraintFail ? errorAnnotation : warning;
  for (const f of zeroed.slice(0, 10))
    annotate(`${constraints.profile}: layer ${quote(f.node ?? '')}: ${f.detail}`, {
      file: loaded.shownAs,
      title: 'weights-zeroed',
    });
  if (zeroed.length > 10)
    annotate(`${constraints.profile}: ${zeroed.length - 10} more layers lose every weight (see the summary)`, {
      file: loaded.shownAs,
      title: 'weights-zeroed',
    });
  if (silence?.allowed)
    warning(`${describeSilence(silence)}; allowed by allow-silent-network`, { title: 'silent-network' });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  buildSummary(results).write();
  setOutput('status', results.status);
  setOutput('results-file', workspaceRelative(resultsFile));
  setOutput('accuracy', results.accuracy === null ? '' : String(results.accuracy));
  setOutput('rate-cosine-min', results.rate_cosine_min === null ? '' : String(results.rate_cosine_min));
  setOutput('constraints', constraints.verdict);
  for (const b of backends)
    info(
      `${b.name}: ${b.status}${b.reason ? ` (${clip(b.reason)})` : ''}${b.problems.length > 0 ? `: ${b.problems.join('; ')}` : ''}`,
    );
  if (results.status === 'failed') {
    const failed = backends
      .filter((b) => b.status === 'failed' || b.status === 'error')
      .map(
        (b) =>
          `${b.name} ${b.status}${b.reason ? ` (${clip(b.reason)})` : b.problems[0] ? ` (${clip(b.problems[0])})` : ''}`,
      );
    const layers =
      zeroed.length > 0
        ? ` (layer${zeroed.length === 1 ? '' : 's'} ${quoteList(zeroed.map((f) => f.node ?? ''))})`
        : '';
    if (constraintFail) failed.push(`graph ${constraints.verdict} on ${constraints.profile}${layers}`);
    if (silence && silenceFail)
      failed.push(`${describeSilence(silence)}; set allow-silent-network: true if that is expected`);
    throw new GateFailure(`neuromorphic smoke test failed: ${failed.join('; ')}`);
  }
}
