import { clip, escapeHtml, Summary } from '@spikeformer-actions/core';
import type { BenchmarkComparison, Comparison, CompareOptions, Verdict } from './compare.js';
import type { Run } from './history.js';
import type { LoadReport } from './load/model.js';
import { addLoadSection, SLO_HEADERS, sloRows } from './load/report.js';
import type { SloResult } from './load/slo.js';
import { metricValue } from './model.js';
import { NOISE_MIN_RUNS, PRIOR_RUN_NOISE } from './noise.js';
import { chartScale, formatValue } from './units.js';

/** Job summary, PR comment body and log lines from a comparison (pure: strings in, strings out). */

/** The step's verdict, in every action's vocabulary; an inconclusive benchmark that does not fail the step is `passed` (the `inconclusive` output counts them). */
export type Status = 'passed' | 'failed';

export const MAX_TABLE_ROWS = 300;
/** How much of a benchmark's name a table cell or list item shows (the JSON output keeps all of it). */
export const NAME_MAX = 300;
export const MAX_CHARTS = 10;
/** GitHub rejects comment bodies over 65,536 characters. */
export const MAX_COMMENT_CHARS = 60_000;

const LABEL: Record<Verdict, string> = {
  regression: '🔴 regression',
  inconclusive: '🟡 inconclusive',
  missing: '⚪ missing',
  improvement: '🟢 improvement',
  new: '🆕 new',
  unchanged: 'unchanged',
};

function signedPct(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  const v = x * 100;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(Math.abs(v) >= 100 ? 0 : 1)}%`;
}

export function changeText(r: BenchmarkComparison): string {
  if (r.change === undefined) return '';
  const interval =
    r.lower !== undefined && r.upper !== undefined && Number.isFinite(r.lower) && Number.isFinite(r.upper)
      ? ` [${signedPct(r.lower)}, ${signedPct(r.upper)}]`
      : '';
  return `${signedPct(r.change)}${interval}`;
}

export function pText(r: BenchmarkComparison): string {
  if (r.pAdjusted === undefined) return '';
  if (r.pAdjusted === 0) return '<1e-300';
  return r.pAdjusted < 1e-4 ? r.pAdjusted.toExponential(1) : r.pAdjusted.toPrecision(2);
}

function valueText(value: number | undefined, unit: string): string {
  return value === undefined ? '' : formatValue(value, unit);
}

export function headline(status: Status, comparison: Comparison, slos: readonly SloResult[] = []): string {
  const c = comparison.counts;
  const sloFailed = slos.filter((s) => !s.passed).length;
  const parts = [
    ...(slos.length > 0 ? [`${sloFailed} of ${slos.length} SLO check(s) failed`] : []),
    `${c.regression} regression(s)`,
    `${c.inconclusive} inconclusive`,
    `${c.improvement} improvement(s)`,
    `${c.unchanged} unchanged`,
    ...(c.new > 0 ? [`${c.new} new`] : []),
    ...(c.missing > 0 ? [`${c.missing} missing`] : []),
  ];
  const word = status === 'failed' ? 'Failed' : c.inconclusive > 0 ? 'Passed, inconclusive' : 'Passed';
  return `${word}: ${parts.join(', ')}.`;
}

function methodText(options: CompareOptions, comparison: Comparison): string {
  const noise = options.sameRunner
    ? 'The baseline was measured on this runner (same-runner), so no run-to-run drift is allowed for. '
    : `or ${options.noiseFactor} run-to-run standard deviations if larger: measured from the history once it holds ${NOISE_MIN_RUNS} runs, assumed ${PRIOR_RUN_NOISE * 100}% before, and a change between the two is inconclusive. `;
  const move = comparison.runMove;
  const moveText =
    move === undefined
      ? ''
      : `This run as a whole is ${(Math.abs(move.change) * 100).toFixed(1)}% ${move.change >= 0 ? 'slower' : 'faster'} than its history (median of ${move.benchmarks} timed benchmarks); that move is taken out before each benchmark is judged` +
        (move.beyond
          ? `, and since it is beyond the ${(move.threshold * 100).toFixed(1)}% the history allows, benchmarks unchanged against the rest of the run are inconclusive. `
          : '. ');
  return (
    `A regression needs a one-sided test significant at family-wise alpha ${options.alpha} (Holm–Bonferroni over the benchmarks) ` +
    `and an estimated slowdown beyond ${(options.minRegression * 100).toFixed(1)}%` +
    (options.sameRunner ? '. ' : ` (${noise.trimEnd()}) `) +
    (options.sameRunner ? noise : '') +
    moveText +
    'Samples: Mann-Whitney U with a Hodges-Lehmann shift and its interval; summaries: Welch’s t-test; one value per run: a prediction test against the history. ' +
    `Intervals are at ${Number(((1 - options.alpha) * 100).toPrecision(6))}% (fewer samples may only reach less). Baseline and current show the ${options.metric}.`
  );
}

export function tableRows(comparison: Comparison): string[][] {
  return comparison.results
    .slice(0, MAX_TABLE_ROWS)
    .map((r) => [
      clip(r.name, NAME_MAX),
      valueText(r.baseline, r.unit),
      valueText(r.current, r.unit),
      changeText(r),
      pText(r),
      r.threshold === undefined ? '' : `${(r.threshold * 100).toFixed(1)}%`,
      LABEL[r.verdict],
    ]);
}

const HEADERS = ['Benchmark', 'Baseline', 'Current', 'Change [interval]', 'p (Holm)', 'Threshold', 'Verdict'];

/** The metric of one benchmark over the history runs plus this run, for the chart. */
export function historySeries(
  runs: readonly Run[],
  name: string,
  options: CompareOptions,
): { labels: string[]; values: number[] } {
  const labels: string[] = [];
  const values: number[] = [];
  for (const run of runs) {
    const b = run.benchmarks[name];
    if (!b) continue;
    labels.push(run.id);
    values.push(metricValue(b, options.metric));
  }
  return { labels, values };
}

export function buildSummary(
  comparison: Comparison,
  runs: readonly Run[],
  options: CompareOptions,
  status: Status,
  baseNote?: string,
  loadTest: { slos: readonly SloResult[]; load: readonly LoadReport[] } = { slos: [], load: [] },
): Summary {
  const summary = new Summary().heading('Benchmark gate').paragraph(headline(status, comparison, loadTest.slos));
  if (baseNote !== undefined) summary.paragraph(baseNote);
  addLoadSection(summary, loadTest.slos, loadTest.load);
  summary.paragraph(methodText(options, comparison));
  if (comparison.results.length > 0) summary.table(HEADERS, tableRows(comparison));
  if (comparison.results.length > MAX_TABLE_ROWS) {
    summary.paragraph(`${comparison.results.length - MAX_TABLE_ROWS} more benchmark(s) are in the JSON output.`);
  }
  const regressed = comparison.results.filter((r) => r.verdict === 'regression').slice(0, MAX_CHARTS);
  for (const r of regressed) {
    const { labels, values } = historySeries(runs, r.name, options);
    if (values.length < 2) continue;
    const scale = chartScale(values, r.unit);
    // Mermaid labels are plain ASCII: µs is written us.
    summary.lineChart(
      `${r.name} (${options.metric})`,
      labels,
      [{ name: r.name, values: values.map((v) => v * scale.factor) }],
      scale.label.replace('µ', 'u'),
    );
  }
  const reasons = comparison.results.filter(
    (r) => r.verdict === 'regression' || r.verdict === 'inconclusive' || r.verdict === 'missing',
  );
  if (reasons.length > 0) {
    summary.details(
      'Why',
      new Summary().list(reasons.slice(0, MAX_TABLE_ROWS).map((r) => `${clip(r.name, NAME_MAX)}: ${r.reason}`)),
    );
  }
  return summary;
}

/** A Markdown table cell from untrusted text: HTML escaped, pipes and line breaks neutralised. */
function cell(text: string): string {
  return escapeHtml(text)
    .replace(/\|/g, '&#124;')
    .replace(/[\r\n]+/g, ' ');
}

export function commentMarker(tag: string): string {
  return `<!-- spikeformer-actions/benchmark-gate:${tag} -->`;
}

/** The PR comment (Markdown); its first line is the marker used to find and update it. */
export function commentBody(
  comparison: Comparison,
  options: CompareOptions,
  status: Status,
  tag: string,
  runUrl?: string,
  baseNote?: string,
  slos: readonly SloResult[] = [],
): string {
  const lines = [commentMarker(tag), `### Benchmark gate: ${cell(headline(status, comparison, slos))}`, ''];
  if (baseNote !== undefined) lines.push(cell(baseNote), '');
  if (slos.length > 0) {
    lines.push(`| ${SLO_HEADERS.join(' | ')} |`, `|${SLO_HEADERS.map(() => ' --- ').join('|')}|`);
    for (const row of sloRows(slos).slice(0, 50)) lines.push(`| ${row.map(cell).join(' | ')} |`);
    lines.push('');
  }
  lines.push(cell(methodText(options, comparison)), '');
  const shown = comparison.results.filter((r) => r.verdict !== 'unchanged');
  if (shown.length > 0) {
    lines.push(`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => ' --- ').join('|')}|`);
    const rows = tableRows({ ...comparison, results: shown });
    let length = lines.join('\n').length;
    let written = 0;
    for (const row of rows) {
      const line = `| ${row.map(cell).join(' | ')} |`;
      if (length + line.length + 200 > MAX_COMMENT_CHARS) break;
      lines.push(line);
      length += line.length + 1;
      written++;
    }
    if (written < shown.length)
      lines.push('', `${shown.length - written} more row(s) are in the job summary and the JSON output.`);
  }
  if (comparison.counts.unchanged > 0) lines.push('', `${comparison.counts.unchanged} benchmark(s) unchanged.`);
  if (runUrl && /^https:\/\/[^\s"'<>]+$/.test(runUrl)) lines.push('', `[Details in the job summary](${runUrl})`);
  return `${lines.join('\n')}\n`;
}
