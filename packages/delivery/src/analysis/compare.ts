import { compareSamples, scoreMetrics, type CompareOptions, type Comparison, type JudgeScore } from './judge.js';
import type { QueryResult } from './prometheus-response.js';
import { realClock, type Clock } from './run.js';
import { renderTemplate } from './template.js';

/** Where range data comes from (a PrometheusClient). */
export interface RangeSource {
  range(
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options: { signal?: AbortSignal },
  ): Promise<QueryResult>;
}

/** One canary-vs-baseline comparison, e.g. p99 latency of the canary pods vs the baseline pods. */
export interface ComparisonSpec {
  name: string;
  canaryQuery: string;
  baselineQuery: string;
  args?: Record<string, string>;
  /** How far back the samples reach, ending now. */
  lookbackMs: number;
  stepMs: number;
  options: CompareOptions;
  critical?: boolean;
  reportOnly?: boolean;
}

export interface ComparisonResult {
  name: string;
  canaryQuery: string;
  baselineQuery: string;
  canaryValues: number[];
  baselineValues: number[];
  comparison: Comparison;
  critical?: boolean;
  reportOnly?: boolean;
  /** Set when a query failed: the comparison then never counts as a pass. */
  error?: string;
}

export interface JudgeReport {
  metrics: ComparisonResult[];
  score: JudgeScore;
}

function flatten(result: QueryResult): number[] {
  switch (result.resultType) {
    case 'matrix':
      return result.series.flatMap((s) => s.points.map((p) => p.value));
    case 'vector':
    case 'scalar':
      return result.samples.map((s) => s.value);
    case 'string':
      throw new Error('the query returned a string, not samples');
  }
}

const EMPTY = { n: 0, mean: Number.NaN, median: Number.NaN };

/** Runs range queries for canary and baseline of every spec, compares them and scores the lot. */
export async function runComparisons(
  specs: readonly ComparisonSpec[],
  ctx: { source: RangeSource; vars: Readonly<Record<string, string>>; clock?: Clock; signal?: AbortSignal },
  thresholds?: { pass: number; marginal: number },
): Promise<JudgeReport> {
  const clock = ctx.clock ?? realClock;
  const metrics = await Promise.all(
    specs.map(async (spec): Promise<ComparisonResult> => {
      const vars = { ...ctx.vars, ...spec.args };
      const base = {
        name: spec.name,
        canaryValues: [],
        baselineValues: [],
        ...(spec.critical ? { critical: true } : {}),
        ...(spec.reportOnly ? { reportOnly: true } : {}),
      };
      let canaryQuery = spec.canaryQuery;
      let baselineQuery = spec.baselineQuery;
      try {
        canaryQuery = renderTemplate(spec.canaryQuery, vars);
        baselineQuery = renderTemplate(spec.baselineQuery, vars);
        const end = clock.now();
        const start = end - spec.lookbackMs;
        const options = ctx.signal ? { signal: ctx.signal } : {};
        const [canary, baseline] = await Promise.all([
          ctx.source.range(canaryQuery, start, end, spec.stepMs, options),
          ctx.source.range(baselineQuery, start, end, spec.stepMs, options),
        ]);
        const canaryValues = flatten(canary);
        const baselineValues = flatten(baseline);
        return {
          ...base,
          canaryQuery,
          baselineQuery,
          canaryValues,
          baselineValues,
          comparison: compareSamples(canaryValues, baselineValues, spec.options),
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          ...base,
          canaryQuery,
          baselineQuery,
          error: message,
          comparison: {
            classification: 'NoData',
            failed: false,
            reason: `could not be measured: ${message}`,
            canary: EMPTY,
            baseline: EMPTY,
          },
        };
      }
    }),
  );
  const errored = metrics.filter((m) => m.error !== undefined && !m.reportOnly);
  if (errored.length > 0) {
    return {
      metrics,
      score: {
        score: 0,
        classification: 'NoData',
        reason: `could not be measured: ${errored.map((m) => m.name).join(', ')}`,
      },
    };
  }
  return { metrics, score: scoreMetrics(metrics, thresholds) };
}
