import type { NirGraph, NirNode } from './nir-types.js';
import { NEURON_TYPES, size } from './nir-types.js';
import { floatWeights, linearOpOf } from './ops.js';
import type { Profile } from './profiles.js';
import { zeroedLayers } from './simulators.js';
import type { Finding, GraphInfo } from './validate.js';

/** From best to worst; `weights zeroed` does not fit either (a layer carries nothing on the chip). */
export type Verdict = 'fits' | 'lossy' | 'weights zeroed' | 'does not fit';

export interface ConstraintRow {
  rule: string;
  node?: string;
  value: number | string;
  limit: number | string;
  verdict: 'ok' | 'exceeds' | 'lossy' | 'zeroed' | 'info';
}

export interface ConstraintReport {
  profile: string;
  source: string;
  verdict: Verdict;
  fits: boolean;
  coresEstimate: number;
  neurons: number;
  synapses: number;
  rows: ConstraintRow[];
  findings: Finding[];
}

/** Symmetric quantisation to `bits` signed bits scaled to max |w|: worst relative error and SNR. */
export function weightQuantisation(weights: Float64Array, bits: number): { maxRelError: number; snrDb: number } {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  if (max === 0) return { maxRelError: 0, snrDb: Infinity };
  const levels = 2 ** (bits - 1) - 1;
  const step = max / levels;
  let signal = 0;
  let noise = 0;
  let worst = 0;
  for (const w of weights) {
    const e = Math.round(w / step) * step - w;
    signal += w * w;
    noise += e * e;
    worst = Math.max(worst, Math.abs(e));
  }
  return { maxRelError: worst / max, snrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise) };
}

/**
 * Checks a validated graph against a chip profile: supported node types, neurons per core
 * and cores needed, fan-in/fan-out, synapse memory and weight quantisation at the chip's
 * weight width. Synapses are counted expanded (a conv kernel counts once per use), which
 * is how cores without weight sharing store them. Given the run's dt, layers the chip's own
 * quantiser zeroes (Lava: int(w·gain·256), gain from dt/τ) are found too.
 */
export function lintConstraints(graph: NirGraph, info: GraphInfo, profile: Profile, dt?: number): ConstraintReport {
  const rows: ConstraintRow[] = [];
  const findings: Finding[] = [];
  for (const node of graph.nodes.values()) {
    if (!profile.supported.includes(node.type)) {
      rows.push({ rule: 'node-type', node: node.name, value: node.type, limit: 'supported types', verdict: 'exceeds' });
      findings.push({
        level: 'error',
        node: node.name,
        rule: 'node-type',
        detail: `${node.type} is not supported on ${profile.name}`,
      });
    }
  }
  let synapses = 0;
  const synapsesInto = new Map<string, number>();
  const fanInto = new Map<string, Int32Array>();
  let worstFanIn: { value: number; node: string } = { value: 0, node: '' };
  let worstFanOut: { value: number; node: string } = { value: 0, node: '' };
  let lossy = false;
  for (const node of graph.nodes.values()) {
    if (node.type !== 'Affine' && node.type !== 'Linear' && node.type !== 'Conv2d') continue;
    const op = linearOpOf(node, info.inputShapes.get(node.name) ?? []);
    if (!op) continue;
    const w = floatWeights(node);
    const fanIn = op.fanIn(w);
    const fanOut = op.fanOut(w);
    let count = 0;
    for (const f of fanIn) count += f;
    synapses += count;
    const target = drivenNeuron(graph, info, node.name);
    if (target) synapsesInto.set(target, (synapsesInto.get(target) ?? 0) + count);
    let maxIn = Math.max(0, ...fanIn);
    if (target) {
      // Fan-in is per neuron over all weighted inputs (a recurrent layer adds both).
      const acc = fanInto.get(target) ?? new Int32Array(fanIn.length);
      if (acc.length === fanIn.length) {
        for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (fanIn[i] as number);
        fanInto.set(target, acc);
        maxIn = Math.max(maxIn, ...acc);
      }
    }
    const maxOut = Math.max(0, ...fanOut);
    if (maxIn > worstFanIn.value) worstFanIn = { value: maxIn, node: target ?? node.name };
    if (maxOut > worstFanOut.value) worstFanOut = { value: maxOut, node: node.name };
    const q = weightQuantisation(w, profile.weightBits);
    const isLossy = q.snrDb < profile.minWeightSnrDb;
    lossy ||= isLossy;
    rows.push({
      rule: `weights-${profile.weightBits}bit`,
      node: node.name,
      value: `SNR ${Number.isFinite(q.snrDb) ? q.snrDb.toFixed(1) : '∞'} dB, max |Δw| ${(q.maxRelError * 100).toFixed(2)}% of max |w|`,
      limit: `SNR ≥ ${profile.minWeightSnrDb} dB`,
      verdict: isLossy ? 'lossy' : 'ok',
    });
    if (isLossy)
      findings.push({
        level: 'warning',
        node: node.name,
        rule: 'weight-quantization',
        detail: `SNR ${q.snrDb.toFixed(1)} dB at ${profile.weightBits} bits`,
      });
  }
  rows.push({
    rule: 'fan-in',
    node: worstFanIn.node || undefined,
    value: worstFanIn.value,
    limit: profile.maxFanIn,
    verdict: worstFanIn.value <= profile.maxFanIn ? 'ok' : 'exceeds',
  });
  rows.push({
    rule: 'fan-out',
    node: worstFanOut.node || undefined,
    value: worstFanOut.value,
    limit: profile.maxFanOut,
    verdict: worstFanOut.value <= profile.maxFanOut ? 'ok' : 'exceeds',
  });
  // A neuron node needs enough cores for its neurons and for the synapses that feed it.
  let neurons = 0;
  let cores = 0;
  let worstBytesPerCore = 0;
  for (const node of graph.nodes.values()) {
    if (!NEURON_TYPES.includes(node.type)) continue;
    const n = size(info.shapes.get(node.name) ?? []);
    const bytes = Math.ceil(((synapsesInto.get(node.name) ?? 0) * profile.bitsPerSynapse) / 8);
    const c = Math.max(Math.ceil(n / profile.neuronsPerCore), Math.ceil(bytes / profile.synapseMemoryBytesPerCore), 1);
    neurons += n;
    cores += c;
    worstBytesPerCore = Math.max(worstBytesPerCore, Math.ceil(bytes / c));
  }
  rows.unshift(
    { rule: 'cores', value: cores, limit: profile.cores, verdict: cores <= profile.cores ? 'ok' : 'exceeds' },
    {
      rule: 'neurons',
      value: neurons,
      limit: profile.neuronsPerCore * profile.cores,
      verdict: neurons <= profile.neuronsPerCore * profile.cores ? 'ok' : 'exceeds',
    },
  );
  rows.push({
    rule: 'synapse-memory-per-core',
    value: worstBytesPerCore,
    limit: profile.synapseMemoryBytesPerCore,
    verdict: worstBytesPerCore <= profile.synapseMemoryBytesPerCore ? 'ok' : 'exceeds',
  });
  for (const r of rows) {
    if (r.verdict === 'exceeds' && r.rule !== 'node-type')
      findings.push({
        level: 'error',
        ...(r.node ? { node: r.node } : {}),
        rule: r.rule,
        detail: `${r.value} exceeds ${r.limit}`,
      });
  }
  const resourcesFit = rows.every((r) => r.verdict !== 'exceeds');
  const zeroed = dt === undefined ? [] : zeroedLayers(graph, info, profile, dt);
  for (const f of zeroed) {
    rows.push({
      rule: 'weights-zeroed',
      ...(f.node ? { node: f.node } : {}),
      value: f.detail,
      limit: 'some weight ≠ 0 after quantisation',
      verdict: 'zeroed',
    });
    findings.push(f);
  }
  const fits = resourcesFit && zeroed.length === 0;
  const verdict: Verdict = !resourcesFit
    ? 'does not fit'
    : zeroed.length > 0
      ? 'weights zeroed'
      : lossy
        ? 'lossy'
        : 'fits';
  return {
    profile: profile.name,
    source: profile.source,
    verdict,
    fits,
    coresEstimate: cores,
    neurons,
    synapses,
    rows,
    findings,
  };
}

const PASS_THROUGH = new Set(['Flatten', 'SumPool2d', 'AvgPool2d', 'Scale', 'Delay', 'Output', 'Input']);

/** The neuron node a weighted node's synapses end on (following reshapes and pools). */
function drivenNeuron(graph: NirGraph, info: GraphInfo, start: string): string | undefined {
  const queue = [...(info.succs.get(start) ?? [])];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = graph.nodes.get(name) as NirNode;
    if (NEURON_TYPES.includes(node.type)) return name;
    if (PASS_THROUGH.has(node.type)) queue.push(...(info.succs.get(name) ?? []));
  }
  return undefined;
}
