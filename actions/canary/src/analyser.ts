import { info } from '@spikeformer-actions/core';
import {
  type AnalysisResult,
  type AnalysisSpec,
  type ComparisonSpec,
  type JudgeReport,
  measurementLine,
  type MetricSpec,
  PrometheusClient,
  renderTemplate,
  runAnalysis,
  runComparisons,
} from '@spikeformer-actions/delivery/analysis';
import type { Judge } from './inputs.js';

/** One point of the canary-vs-stable chart: the metric's query for the canary and, with the stable in its place, for the stable. */
export interface SeriesPoint {
  metric: string;
  step: number;
  measurement: number;
  at: number;
  canary: number | null;
  stable: number | null;
}

export interface StepAnalysis {
  verdict: 'Successful' | 'Failed' | 'Inconclusive';
  reason: string;
  analysis: AnalysisResult;
  judge?: JudgeReport;
}

function firstValue(values: ReadonlyArray<{ value: number }>): number | null {
  const v = values[0]?.value;
  return v === undefined || !Number.isFinite(v) ? null : v;
}

/** Mann-Whitney comparisons of the canary and stable series over the step (Kayenta-style). */
export function judgeSpecs(lookbackMs: number, window: string): ComparisonSpec[] {
  const stepMs = Math.max(1000, Math.floor(lookbackMs / 30));
  const latency = (who: string): string =>
    `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{ namespace }}",service="{{ ${who} }}"}[${window}])))`;
  const errors = (who: string): string =>
    `(sum(rate(http_requests_total{namespace="{{ namespace }}",service="{{ ${who} }}",code=~"5.."}[${window}])) or vector(0)) / sum(rate(http_requests_total{namespace="{{ namespace }}",service="{{ ${who} }}"}[${window}]))`;
  return [
    { name: 'latency-p99', canaryQuery: latency('canary'), baselineQuery: latency('stable'), lookbackMs, stepMs, options: { direction: 'increase', allowedIncrease: 1.5 }, critical: true },
    { name: 'error-rate', canaryQuery: errors('canary'), baselineQuery: errors('stable'), lookbackMs, stepMs, options: { direction: 'increase', allowedIncrease: 1.5, nanStrategy: 'replace' } },
  ];
}

/** Runs each step's analysis and keeps every value for the summary, the chart and the analysis file. */
export class Analyser {
  readonly series: SeriesPoint[] = [];
  private clientInstance: PrometheusClient | undefined;

  constructor(
    private readonly options: { prometheusUrl: string; prometheusToken: string; spec: AnalysisSpec; judge: Judge; vars: Record<string, string> },
  ) {}

  /** Made on first use: promote and abort never query Prometheus and need no URL. */
  private get client(): PrometheusClient {
    this.clientInstance ??= new PrometheusClient({ address: this.options.prometheusUrl, timeoutMs: 10_000, ...(this.options.prometheusToken ? { bearerToken: this.options.prometheusToken } : {}) });
    return this.clientInstance;
  }

  /** The step's verdict: the threshold analysis, and with judge mann-whitney also the statistical comparison. */
  async analyse(step: number, stepStartedAt: number): Promise<StepAnalysis> {
    const vars = this.options.vars;
    const analysis = await runAnalysis(this.options.spec, {
      source: this.client,
      vars,
      onMeasurement: async (metric, m) => {
        info(`  step ${step}: ${measurementLine(metric.name, m)}`);
        this.series.push({ metric: metric.name, step, measurement: m.index, at: m.at, canary: firstValue(m.values), stable: await this.stableValue(metric) });
      },
    });
    if (analysis.verdict !== 'Successful' || this.options.judge !== 'mann-whitney') return { verdict: analysis.verdict, reason: analysis.reason, analysis };
    const window = this.options.spec.metrics.find((m) => m.name === 'error-rate')?.args['window'] ?? '1m';
    const judge = await runComparisons(judgeSpecs(Math.max(10_000, Date.now() - stepStartedAt), window), { source: this.client, vars });
    const score = judge.score;
    const verdict = score.classification === 'Pass' ? 'Successful' : score.classification === 'Fail' ? 'Failed' : 'Inconclusive';
    return { verdict, reason: `${analysis.reason}; judge: ${score.classification} (${score.reason})`, analysis, judge };
  }

  /** The same query with the stable in the canary's place; null when it cannot be measured. */
  private async stableValue(metric: MetricSpec): Promise<number | null> {
    try {
      const query = renderTemplate(metric.query, { ...this.options.vars, canary: this.options.vars['stable'] ?? '', ...metric.args });
      const result = await this.client.instant(query, {});
      return result.resultType === 'vector' || result.resultType === 'scalar' ? firstValue(result.samples) : null;
    } catch {
      return null;
    }
  }
}
