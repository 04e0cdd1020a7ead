import { formatValue } from './conditions.js';
import type { JudgeReport } from './compare.js';
import { formatLabels } from './prometheus-response.js';
import type { AnalysisResult, Measurement, MetricResult } from './types.js';

/**
 * Plain rows for a job summary (core's Summary.table escapes every cell): each metric with its
 * resolved query and verdict, then every measurement with its values — what Argo users asked
 * for in argo-rollouts#2658 and #1591.
 */

export function measurementValues(m: Measurement, limit = 6): string {
  if (m.values.length === 0) return m.noData === 'empty' ? '(empty)' : '—';
  const shown = m.values.slice(0, limit).map((v) => {
    const labels = Object.keys(v.labels).length > 0 ? `${formatLabels(v.labels)} ` : '';
    return `${labels}${formatValue(v.value)}`;
  });
  return m.values.length > limit ? `${shown.join('; ')}; … (${m.values.length} series)` : shown.join('; ');
}

/** One log line per measurement, for live progress. */
export function measurementLine(metric: string, m: Measurement): string {
  return `${metric} #${m.index} at ${new Date(m.at).toISOString()}: ${measurementValues(m)} → ${m.verdict} (${m.reason})`;
}

export const METRIC_TABLE_HEADERS = ['Metric', 'Verdict', 'Measurements', 'Reason', 'Query'];

export function metricRows(result: AnalysisResult): string[][] {
  return result.metrics.map((m) => [
    m.name,
    m.verdict,
    `${m.counts.successful} ok / ${m.counts.failed} failed / ${m.counts.inconclusive} inconclusive / ${m.counts.error} error`,
    m.reason,
    m.query,
  ]);
}

export const MEASUREMENT_TABLE_HEADERS = ['#', 'Time (UTC)', 'Values', 'Verdict', 'Reason'];

export function measurementRows(metric: MetricResult): string[][] {
  return metric.measurements.map((m) => [
    String(m.index),
    new Date(m.at).toISOString(),
    measurementValues(m),
    m.verdict,
    m.reason,
  ]);
}

export const JUDGE_TABLE_HEADERS = [
  'Metric',
  'Classification',
  'Canary (n / mean)',
  'Baseline (n / mean)',
  'Mean ratio',
  'p-value',
  'Reason',
];

export function judgeRows(report: JudgeReport): string[][] {
  return report.metrics.map((m) => {
    const c = m.comparison;
    return [
      m.name + (m.critical ? ' (critical)' : m.reportOnly ? ' (report only)' : ''),
      c.classification + (c.failed ? ' ✗' : ''),
      `${c.canary.n} / ${formatValue(c.canary.mean)}`,
      `${c.baseline.n} / ${formatValue(c.baseline.mean)}`,
      c.effectSize === undefined ? '—' : formatValue(c.effectSize),
      c.pValue === undefined ? '—' : c.pValue.toExponential(2),
      c.reason,
    ];
  });
}
