import { formatDuration, Summary } from '@spikeformer-actions/core';
import {
  JUDGE_TABLE_HEADERS,
  judgeRows,
  MEASUREMENT_TABLE_HEADERS,
  measurementRows,
  METRIC_TABLE_HEADERS,
  metricRows,
} from '@spikeformer-actions/delivery/analysis';
import type { SeriesPoint } from './analyser.js';
import type { Inputs } from './inputs.js';
import type { Outcome, StepRecord } from './record.js';
import type { Timeline } from '@spikeformer-actions/delivery/rollout';

function seconds(from: number | undefined, to: number | undefined): string {
  return from === undefined || to === undefined ? '—' : formatDuration(Math.max(0, to - from));
}

/** One chart per metric: its value for the canary and for the stable at every measurement of the run. */
export function metricCharts(s: Summary, series: readonly SeriesPoint[]): void {
  const metrics = [...new Set(series.map((p) => p.metric))];
  for (const metric of metrics) {
    const points = series.filter((p) => p.metric === metric);
    if (points.length === 0) continue;
    s.lineChart(
      `${metric}: canary vs stable`,
      points.map((p) => `s${p.step}#${p.measurement}`),
      [
        { name: 'canary', values: points.map((p) => p.canary ?? Number.NaN) },
        { name: 'stable', values: points.map((p) => p.stable ?? Number.NaN) },
      ],
      metric,
    );
  }
}

export function writeSummary(
  inputs: Inputs,
  timeline: Timeline,
  steps: readonly StepRecord[],
  series: readonly SeriesPoint[],
  outcome: Outcome | undefined,
): void {
  const s = new Summary().heading(`Canary ${inputs.action}: ${outcome?.status ?? 'error'}`);
  if (outcome) {
    s.table(
      ['deployment', 'router', 'images', 'status', 'final weight', 'failed step', 'why'],
      [
        [
          inputs.deployment,
          inputs.router,
          inputs.images.map((i) => `${i.container}=${i.image}`).join(', '),
          outcome.status,
          `${outcome.finalWeight}%`,
          outcome.failedStep ? String(outcome.failedStep) : '—',
          outcome.reason,
        ],
      ],
    );
    const d = outcome.detection;
    if (d) {
      s.paragraph(
        `Detected at step ${d.failedStep} of ${d.steps}, ${d.secondsSinceFirstTraffic.toFixed(1)} s after the canary first got traffic ` +
          `(${d.secondsIntoStep.toFixed(1)} s into the step; analysis interval ${d.analysisInterval})` +
          (d.canaryRequests !== undefined
            ? `; the canary served ≈${Math.round(d.canaryRequests)} request(s) before the rollback.`
            : '.'),
      );
    }
  }
  if (steps.length > 0) {
    s.heading('Steps', 3).table(
      ['step', 'weight', 'carried as', 'pause + analysis', 'verdict', 'reason'],
      steps.map((st) => [
        String(st.index),
        `${st.weight}%`,
        st.expressed,
        seconds(st.startedAt, st.finishedAt),
        st.verdict ?? '—',
        st.reason ?? '',
      ]),
    );
  }
  for (const st of steps) {
    if (!st.analysis) continue;
    s.heading(`Step ${st.index} (${st.weight}%): ${st.verdict ?? st.analysis.verdict}`, 3).table(
      METRIC_TABLE_HEADERS,
      metricRows(st.analysis),
    );
    const values = new Summary();
    for (const m of st.analysis.metrics) values.heading(m.name, 4).table(MEASUREMENT_TABLE_HEADERS, measurementRows(m));
    s.details(`Step ${st.index}: every measurement`, values);
    if (st.judge) s.table(JUDGE_TABLE_HEADERS, judgeRows(st.judge));
  }
  if (series.length > 0) {
    s.heading('Metrics over the run', 3).paragraph(
      'Each metric’s query for the canary, and the same query with the stable in the canary’s place.',
    );
    metricCharts(s, series);
  }
  s.heading('Timeline', 3).table(
    ['time (UTC)', 'step', 'detail', ''],
    timeline.entries.map((e) => [e.at.slice(11, 19), e.step, e.detail, e.ok ? '✓' : '✗']),
  );
  s.write();
}
