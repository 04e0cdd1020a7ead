import { sleep } from '../sleep.js';
import { judgeValues } from './conditions.js';
import type { QueryResult } from './prometheus-response.js';
import { renderTemplate, TemplateError } from './template.js';
import type { AnalysisResult, AnalysisSpec, Measurement, MetricResult, MetricSpec, Verdict } from './types.js';

/** Where measurements come from: a PrometheusClient, or anything answering instant queries. */
export interface MetricSource {
  instant(query: string, options: { timeMs?: number; signal?: AbortSignal }): Promise<QueryResult>;
}

/** Time, injectable so backfilled fixtures can be analysed at fixed historic instants without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** When true, each query is evaluated at now() (virtual clocks); otherwise at Prometheus' own now. */
  pinsQueryTime?: boolean;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, signal) };

/**
 * A clock for backfilled data: sleeping only yields, and each measurement is evaluated at its
 * scheduled instant (start + initial-delay + n·interval), so concurrent metrics stay aligned.
 */
export function virtualClock(startMs: number): Clock {
  return {
    now: () => startMs,
    sleep: async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    pinsQueryTime: true,
  };
}

export interface RunContext {
  /** Template values: namespace, service, stable, canary, … */
  vars: Readonly<Record<string, string>>;
  source: MetricSource;
  clock?: Clock;
  signal?: AbortSignal;
  /** Called after every measurement (log it live; tests use it to break Prometheus mid-run). */
  onMeasurement?: (metric: MetricSpec, measurement: Measurement) => void | Promise<void>;
}

const PHASE_ORDER: Verdict[] = ['Failed', 'Error', 'Inconclusive', 'Successful'];

function valuesOf(result: QueryResult): Measurement['values'] | string {
  switch (result.resultType) {
    case 'vector':
    case 'scalar':
      return result.samples.map((s) => ({ labels: s.labels, value: s.value }));
    case 'matrix':
      return 'the query returned a range vector (matrix); an analysis query must give an instant vector or a scalar, e.g. wrap it in rate(…[5m]) or avg_over_time(…)';
    case 'string':
      return 'the query returned a string; an analysis query must give an instant vector or a scalar';
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function measure(
  spec: MetricSpec,
  query: string,
  index: number,
  scheduledAt: number,
  ctx: RunContext,
  clock: Clock,
  signal: AbortSignal,
): Promise<Measurement> {
  const at = clock.pinsQueryTime ? scheduledAt : clock.now();
  try {
    const result = await ctx.source.instant(query, { ...(clock.pinsQueryTime ? { timeMs: at } : {}), signal });
    const values = valuesOf(result);
    if (typeof values === 'string') return { index, at, query, values: [], verdict: 'Error', reason: values };
    return { index, at, query, values, ...judgeValues(values, spec) };
  } catch (error) {
    return { index, at, query, values: [], verdict: 'Error', reason: errorText(error) };
  }
}

/** The metric's phase once no more measurements will be taken (count reached or stopped). */
function finalVerdict(spec: MetricSpec, r: MetricResult, complete: boolean): { verdict: Verdict; reason: string } {
  const { successful, failed, inconclusive, error } = r.counts;
  const last = r.measurements.at(-1);
  if (!complete) {
    return {
      verdict: 'Inconclusive',
      reason: `stopped after ${r.measurements.length} of ${spec.count} measurement(s)`,
    };
  }
  // Stricter than Argo (issue argo-rollouts#4479): no success without evidence of success, and an
  // error on the last measurement means the current state is unknown.
  if (last?.verdict === 'Error') return { verdict: 'Error', reason: `the last measurement errored: ${last.reason}` };
  if (successful === 0) {
    if (failed > 0) return { verdict: 'Failed', reason: `no successful measurement (${failed} failed)` };
    if (inconclusive > 0)
      return { verdict: 'Inconclusive', reason: `no successful measurement (${inconclusive} inconclusive)` };
    return { verdict: 'Error', reason: `every measurement errored (${error})` };
  }
  return {
    verdict: 'Successful',
    reason: `${successful} of ${r.measurements.length} measurement(s) successful (failed ${failed} ≤ ${spec.failureLimit}, inconclusive ${inconclusive} ≤ ${spec.inconclusiveLimit}, errors ${error})`,
  };
}

/** Limits are checked after every measurement, as in Argo: exceeding one ends the metric at once. */
function limitVerdict(spec: MetricSpec, r: MetricResult): { verdict: Verdict; reason: string } | undefined {
  const c = r.counts;
  if (c.failed > spec.failureLimit)
    return { verdict: 'Failed', reason: `${c.failed} failed measurement(s) exceed failure-limit ${spec.failureLimit}` };
  if (c.inconclusive > spec.inconclusiveLimit) {
    return {
      verdict: 'Inconclusive',
      reason: `${c.inconclusive} inconclusive measurement(s) exceed inconclusive-limit ${spec.inconclusiveLimit}`,
    };
  }
  if (c.consecutiveErrors > spec.consecutiveErrorLimit) {
    return {
      verdict: 'Error',
      reason: `${c.consecutiveErrors} consecutive errors exceed consecutive-error-limit ${spec.consecutiveErrorLimit}`,
    };
  }
  return undefined;
}

/** Runs one metric: initial delay, then `count` measurements `interval` apart, stopping at a limit. */
export async function runMetric(
  spec: MetricSpec,
  ctx: RunContext,
  signal: AbortSignal = ctx.signal ?? new AbortController().signal,
): Promise<MetricResult> {
  const clock = ctx.clock ?? realClock;
  const result: MetricResult = {
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    query: spec.query,
    verdict: 'Inconclusive',
    reason: '',
    measurements: [],
    counts: { successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveErrors: 0 },
  };
  let query: string;
  try {
    query = renderTemplate(spec.query, { ...ctx.vars, ...spec.args });
    result.query = query;
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { ...result, verdict: 'Error', reason: error.message };
  }
  const start = clock.now();
  if (spec.initialDelayMs > 0) await clock.sleep(spec.initialDelayMs, signal);
  for (let i = 1; i <= spec.count && !signal.aborted; i++) {
    if (i > 1) {
      await clock.sleep(spec.intervalMs, signal);
      // The signal can abort during the sleep; TS keeps the narrowing of the loop condition.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (signal.aborted) break;
    }
    const m = await measure(
      spec,
      query,
      i,
      start + spec.initialDelayMs + (i - 1) * spec.intervalMs,
      ctx,
      clock,
      signal,
    );
    // A measurement cut short by our own abort is not evidence of anything (the signal can abort
    // during the measurement; TS keeps the narrowing of the loop condition).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (signal.aborted && m.verdict === 'Error') break;
    result.measurements.push(m);
    const c = result.counts;
    if (m.verdict === 'Successful') c.successful++;
    else if (m.verdict === 'Failed') c.failed++;
    else if (m.verdict === 'Inconclusive') c.inconclusive++;
    else c.error++;
    c.consecutiveErrors = m.verdict === 'Error' ? c.consecutiveErrors + 1 : 0;
    await ctx.onMeasurement?.(spec, m);
    const limit = limitVerdict(spec, result);
    if (limit) return { ...result, ...limit };
  }
  return { ...result, ...finalVerdict(spec, result, result.measurements.length >= spec.count) };
}

/** The run's verdict from its metrics': Failed > Error (through on-error) > Inconclusive > Successful. */
export function combineVerdicts(
  spec: Pick<AnalysisSpec, 'onError'>,
  metrics: readonly MetricResult[],
): Pick<AnalysisResult, 'verdict' | 'reason'> {
  if (metrics.length === 0) return { verdict: 'Inconclusive', reason: 'the analysis has no metrics' };
  const worst = PHASE_ORDER.find((phase) => metrics.some((m) => m.verdict === phase)) ?? 'Inconclusive';
  const names = metrics
    .filter((m) => m.verdict === worst)
    .map((m) => m.name)
    .join(', ');
  switch (worst) {
    case 'Failed':
      return { verdict: 'Failed', reason: `failed: ${names}` };
    case 'Error':
      return {
        verdict: spec.onError === 'fail' ? 'Failed' : 'Inconclusive',
        reason: `could not be measured: ${names}; on-error is ${spec.onError}`,
      };
    case 'Inconclusive':
      return { verdict: 'Inconclusive', reason: `inconclusive: ${names}` };
    case 'Successful':
      return { verdict: 'Successful', reason: `all ${metrics.length} metric(s) successful` };
  }
}

/**
 * Runs every metric concurrently (as an AnalysisRun does); the first Failed metric stops the
 * others, since the run's verdict cannot change any more.
 */
export async function runAnalysis(spec: AnalysisSpec, ctx: RunContext): Promise<AnalysisResult> {
  const clock = ctx.clock ?? realClock;
  const startedAt = clock.now();
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (ctx.signal?.aborted) stop.abort();
  try {
    const metrics = await Promise.all(
      spec.metrics.map(async (metric) => {
        const r = await runMetric(metric, ctx, stop.signal);
        if (r.verdict === 'Failed') stop.abort();
        return r;
      }),
    );
    return { ...combineVerdicts(spec, metrics), metrics, startedAt, finishedAt: clock.now() };
  } finally {
    ctx.signal?.removeEventListener('abort', onOuterAbort);
  }
}
