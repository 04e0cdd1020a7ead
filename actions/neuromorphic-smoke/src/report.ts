import { code, quote, Summary, type Cell } from '@spikeformer-actions/core';
import { describeSilence, type Results } from './results.js';

function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toFixed(digits) : v.toExponential(2);
}

const ICON: Record<string, string> = { passed: '✅', failed: '❌', skipped: '⚠️', error: '❌' };

/** The job summary: graph facts, constraint table, backend matrix, skips/fallbacks, first mismatches. */
export function buildSummary(r: Results): Summary {
  const s = new Summary();
  s.heading(`${ICON[r.status] ?? ''} Neuromorphic smoke test: ${r.status}`, 2);
  s.paragraph(
    code(r.graph.path),
    ` — NIR ${r.graph.nir_version}, sha256 ${r.graph.sha256.slice(0, 12)}…, ${r.graph.nodes} nodes, ${r.graph.edges} edges, ${r.graph.neurons} neurons, ${r.graph.synapses} synapses; dt ${r.config.dt} s, ${r.config.steps} steps × ${r.config.samples} sample(s), reset ${r.config.reset_mode}; stimulus ${r.config.stimulus}.`,
  );
  s.heading(
    `Constraints: ${r.constraints.profile} — ${r.constraints.verdict} (≈${r.constraints.cores_estimate} cores)`,
    3,
  );
  s.table(
    ['rule', 'node', 'value', 'limit', 'verdict'],
    r.constraints.rows.map((row) => [row.rule, row.node ?? '', String(row.value), String(row.limit), row.verdict]),
  );
  s.paragraph(`Limits: ${r.constraints.source}`);
  const zeroed = r.constraints.findings.filter((f) => f.rule === 'weights-zeroed');
  if (zeroed.length > 0)
    s.list(
      zeroed.map((f) => `❌ layer ${quote(f.node ?? '')} loses every weight on ${r.constraints.profile}: ${f.detail}`),
    );
  s.heading('Backends', 3);
  const rows: Cell[][] = r.backends.map((b) => {
    const m = b.metrics;
    const spikes =
      m?.spike_count_total === null || m?.spike_count_total === undefined
        ? '–'
        : `${m.spike_count_total}${m.spike_count_expected !== null ? ` (Δ ${m.spike_count_total - m.spike_count_expected})` : ''}`;
    return [
      `${b.name}${b.fallback_for ? ` (fallback for ${b.fallback_for})` : ''}`,
      `${ICON[b.status] ?? ''} ${b.status}`,
      m?.compared_with ?? '–',
      spikes,
      fmt(m?.spike_time_max_shift),
      m?.rate_cosine === null && b.findings.some((f) => f.rule === 'rate-cosine')
        ? 'n/a (no spikes)'
        : fmt(m?.rate_cosine),
      fmt(m?.v_max_abs_err, 8),
      fmt(m?.accuracy),
      fmt(m?.agreement_vs_ref),
      m
        ? `${b.kind === 'hardware' ? `${fmt(b.measured?.execution_time_s ?? null, 3)} s run` : `${fmt(m.wall_ms_per_step, 3)} ms/step`}${m.latency_steps_first_spike !== null ? `, 1st spike @${m.latency_steps_first_spike}` : ''}`
        : '–',
      b.energy?.joules_est !== null && b.energy?.joules_est !== undefined
        ? `${fmt(b.energy.joules_est)} J (est.)`
        : '–',
      `${b.attempts}${b.retried ? ' ⚠️ retried' : ''}`,
    ];
  });
  s.table(
    [
      'backend',
      'status',
      'vs',
      'spikes (Δ)',
      'max shift',
      'rate cosine',
      'max |Δv|',
      'accuracy',
      'agreement',
      'latency',
      'energy',
      'attempts',
    ],
    rows,
  );
  const silence = r.silent_network
    ? [
        `${r.silent_network.allowed ? '⚠️' : '❌'} ${describeSilence(r.silent_network)}${r.silent_network.allowed ? ' (allowed by allow-silent-network)' : ''}`,
      ]
    : [];
  const notes = silence.concat(
    r.backends.flatMap((b) => {
      const out: string[] = [];
      if (b.status === 'skipped') out.push(`⚠️ ${b.name} skipped: ${b.reason ?? 'no reason'}`);
      if (b.fallback_for) out.push(`⚠️ ${b.fallback_for} unavailable (${b.reason ?? ''}) → fallback ${b.name}`);
      if (b.retried)
        out.push(
          `⚠️ ${b.name} needed ${b.attempts} attempts: ${b.attempt_log
            .filter((a) => a.outcome !== 'ok')
            .map((a) => `#${a.attempt} ${a.phase}: ${a.reason ?? a.outcome}`)
            .join('; ')}`,
        );
      for (const p of b.problems) out.push(`❌ ${b.name}: ${p}`);
      if (b.status === 'error' && b.reason) out.push(`❌ ${b.name}: ${b.reason}`);
      return out;
    }),
  );
  s.list(notes);
  const energy = r.backends.find((b) => b.energy?.joules_est !== null && b.energy?.joules_est !== undefined)?.energy;
  if (energy) s.paragraph(`Energy figures are estimates from counted events (${energy.model}): ${energy.source}`);
  const mismatches = r.backends.flatMap((b) =>
    b.first_mismatches.map((m) => [b.name, m.node, m.what, m.sample, m.neuron, m.step, m.detail] as Cell[]),
  );
  if (mismatches.length > 0)
    s.details(
      'First mismatches',
      new Summary().table(['backend', 'node', 'what', 'sample', 'neuron', 'step', 'detail'], mismatches.slice(0, 50)),
    );
  const findings = [...r.validation, ...r.constraints.findings, ...r.backends.flatMap((b) => b.findings)];
  if (findings.length > 0) {
    s.details(
      `Findings (${findings.length})`,
      new Summary().table(
        ['level', 'node', 'rule', 'detail'],
        findings.slice(0, 200).map((f) => [f.level, f.node ?? '', f.rule, f.detail]),
      ),
    );
  }
  return s;
}
