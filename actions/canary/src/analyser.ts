import { info } from '@spikeformer-actions/core';
import { type AlertMatcher, AlertmanagerClient, watchAlerts } from '@spikeformer-actions/delivery/alerts';
import {
  type AnalysisResult,
  combineVerdicts,
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
import { sleep } from '@spikeformer-actions/delivery/rollout';
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
    {
      name: 'latency-p99',
      canaryQuery: latency('canary'),
      baselineQuery: latency('stable'),
      lookbackMs,
      stepMs,
      options: { direction: 'increase', allowedIncrease: 1.5 },
      critical: true,
    },
    {
      name: 'error-rate',
      canaryQuery: errors('canary'),
      baselineQuery: errors('stable'),
      lookbackMs,
      stepMs,
      options: { direction: 'increase', allowedIncrease: 1.5, nanStrategy: 'replace' },
    },
  ];
}

export interface AnalyserOptions {
  prometheusUrl: string;
  prometheusToken: string;
  spec: AnalysisSpec;
  judge: Judge;
  vars: Record<string, string>;
  /** Alertmanager and the alerts that fail a step (none: alerts are not asked). */
  alertmanagerUrl: string;
  alertMatchers: readonly AlertMatcher[];
}

/** How often Alertmanager is asked during a step: as often as the most frequent metric, 1–30 s. */
export function alertIntervalMs(spec: AnalysisSpec): number {
  const fastest = Math.min(...spec.metrics.map((m) => m.intervalMs), 30_000);
  return Math.max(1000, Math.min(30_000, fastest));
}

/** Runs each step's analysis and keeps every value for the summary, the chart and the analysis file. */
export class Analyser {
  readonly series: SeriesPoint[] = [];
  private clientInstance: PrometheusClient | undefined;

  constructor(private readonly options: AnalyserOptions) {}

  /** Made on first use: promote and abort never query Prometheus and need no URL. */
  private get client(): PrometheusClient {
    this.clientInstance ??= new PrometheusClient({
      address: this.options.prometheusUrl,
      timeoutMs: 10_000,
      ...(this.options.prometheusToken ? { bearerToken: this.options.prometheusToken } : {}),
    });
    return this.clientInstance;
  }

  /**
   * The step's verdict after its pause: the threshold analysis, with judge mann-whitney also the
   * statistical comparison, and with alert matchers Alertmanager asked from the weight change to
   * the end of the analysis. A matching firing alert fails the step at once, in the pause too.
   */
  async analyse(step: number, stepStartedAt: number, pauseMs: number): Promise<StepAnalysis> {
    const { alertmanagerUrl, alertMatchers } = this.options;
    if (!alertmanagerUrl || alertMatchers.length === 0) {
      await sleep(pauseMs);
      return this.analyseMetrics(step, stepStartedAt);
    }
    const firing = new AbortController();
    const over = new AbortController();
    const alerts = new AlertmanagerClient({ address: alertmanagerUrl, timeoutMs: 10_000 });
    const watch = watchAlerts({
      matchers: alertMatchers,
      source: alerts,
      intervalMs: alertIntervalMs(this.options.spec),
      signal: over.signal,
      onFiring: () => firing.abort(),
      onMeasurement: (m) => info(`  step ${step}: ${measurementLine('alerts', m)}`),
    });
    let metrics: StepAnalysis;
    try {
      await sleep(pauseMs, firing.signal);
      metrics = await this.analyseMetrics(step, stepStartedAt, firing.signal);
    } finally {
      over.abort();
    }
    const alertResult = await watch;
    const analysis: AnalysisResult = { ...metrics.analysis, metrics: [...metrics.analysis.metrics, alertResult] };
    if (alertResult.verdict === 'Failed') return { verdict: 'Failed', reason: alertResult.reason, analysis };
    if (alertResult.verdict === 'Successful') return { ...metrics, analysis };
    if (metrics.verdict === 'Failed') return { ...metrics, analysis };
    // Alertmanager unreachable: the same error policy (on-error) as a Prometheus metric in Error.
    const combined = combineVerdicts(this.options.spec, analysis.metrics);
    return {
      verdict: combined.verdict,
      reason: `${combined.reason} (${alertResult.reason})`,
      analysis,
      ...(metrics.judge ? { judge: metrics.judge } : {}),
    };
  }

  private async analyseMetrics(step: number, stepStartedAt: number, signal?: AbortSignal): Promise<StepAnalysis> {
    const vars = this.options.vars;
    if (signal?.aborted) {
      const now = Date.now();
      return {
        verdict: 'Inconclusive',
        reason: 'not measured: the step was decided by an alert',
        analysis: { verdict: 'Inconclusive', reason: 'not measured', metrics: [], startedAt: now, finishedAt: now },
      };
    }
    const analysis = await runAnalysis(this.options.spec, {
      source: this.client,
      vars,
      ...(signal ? { signal } : {}),
      onMeasurement: async (metric, m) => {
        info(`  step ${step}: ${measurementLine(metric.name, m)}`);
        this.series.push({
          metric: metric.name,
          step,
          measurement: m.index,
          at: m.at,
          canary: firstValue(m.values),
          stable: await this.stableValue(metric),
        });
      },
    });
    if (analysis.verdict !== 'Successful' || this.options.judge !== 'mann-whitney')
      return { verdict: analysis.verdict, reason: analysis.reason, analysis };
    const window = this.options.spec.metrics.find((m) => m.name === 'error-rate')?.args['window'] ?? '1m';
    const judge = await runComparisons(judgeSpecs(Math.max(10_000, Date.now() - stepStartedAt), window), {
      source: this.client,
      vars,
    });
    const score = judge.score;
    const verdict =
      score.classification === 'Pass' ? 'Successful' : score.classification === 'Fail' ? 'Failed' : 'Inconclusive';
    return { verdict, reason: `${analysis.reason}; judge: ${score.classification} (${score.reason})`, analysis, judge };
  }

  /** The same query with the stable in the canary's place; null when it cannot be measured. */
  private async stableValue(metric: MetricSpec): Promise<number | null> {
    try {
      const query = renderTemplate(metric.query, {
        ...this.options.vars,
        canary: this.options.vars['stable'] ?? '',
        ...metric.args,
      });
      const result = await this.client.instant(query, {});
      return result.resultType === 'vector' || result.resultType === 'scalar' ? firstValue(result.samples) : null;
    } catch {
      return null;
    }
  }
}
