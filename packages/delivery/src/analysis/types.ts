import type { Node } from './expression.js';

/** A measurement's or a metric's outcome, named as Argo Rollouts names AnalysisRun phases. */
export type Verdict = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** What an empty vector or an all-NaN result counts as (Argo/Flagger's most reported pain). */
export type NoDataPolicy = 'fail' | 'inconclusive' | 'pass';

/** What a metric that ended in Error (Prometheus unreachable, bad query) makes of the whole run. */
export type ErrorPolicy = 'fail' | 'inconclusive';

/**
 * `threshold`: every value must lie in [min, max] (either bound optional). As a success condition
 * that is the passing range; as a failure condition the measurement fails once a value leaves it.
 * `expression`: a condition in the safe expression language over `result`.
 */
export type Condition =
  { kind: 'threshold'; min?: number; max?: number; source: string } | { kind: 'expression'; ast: Node; source: string };

export interface MetricSpec {
  name: string;
  /** PromQL with {{ placeholders }}. */
  query: string;
  /** Per-metric template values, over the run's (namespace, service, stable, canary). */
  args: Record<string, string>;
  success?: Condition;
  failure?: Condition;
  intervalMs: number;
  count: number;
  initialDelayMs: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  onNoData: NoDataPolicy;
  /** Human description for summaries (what the metric checks, from the default analysis). */
  description?: string;
}

export interface AnalysisSpec {
  metrics: MetricSpec[];
  onError: ErrorPolicy;
}

export interface MeasuredValue {
  labels: Record<string, string>;
  value: number;
}

export interface Measurement {
  /** 1-based. */
  index: number;
  /** Unix ms when the query was sent (the query's evaluation time when the clock pins it). */
  at: number;
  /** The query exactly as sent, placeholders resolved. */
  query: string;
  values: MeasuredValue[];
  verdict: Verdict;
  /** Why: which condition decided, "no data: …", or the error message. */
  reason: string;
  noData?: 'empty' | 'NaN';
}

export interface MetricResult {
  name: string;
  description?: string;
  query: string;
  verdict: Verdict;
  reason: string;
  measurements: Measurement[];
  counts: { successful: number; failed: number; inconclusive: number; error: number; consecutiveErrors: number };
}

export interface AnalysisResult {
  /** The run's verdict: never Successful unless every metric is (an Error maps through on-error). */
  verdict: Exclude<Verdict, 'Error'>;
  reason: string;
  metrics: MetricResult[];
  startedAt: number;
  finishedAt: number;
}
