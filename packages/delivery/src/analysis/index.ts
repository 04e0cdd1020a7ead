/** Metric analysis against Prometheus: `@spikeformer-actions/delivery/analysis`. */
export { PrometheusClient, type PrometheusClientOptions, type QueryOptions } from './prometheus-client.js';
export {
  formatLabels,
  parseQueryResponse,
  parseSampleValue,
  PrometheusError,
  type QueryResult,
  type Sample,
  type Series,
} from './prometheus-response.js';
export {
  evaluateCondition,
  evaluateExpression,
  EXPRESSION_FUNCTIONS,
  ExpressionError,
  parseExpression,
  type Node,
  type Value,
} from './expression.js';
export { escapePromQlString, renderTemplate, TemplateError, templateNames } from './template.js';
export { formatValue, judgeValues, type ValueVerdict } from './conditions.js';
export {
  checkMetric,
  METRIC_DEFAULTS,
  parseAnalysis,
  parseCondition,
  problemsText,
  RUN_VARIABLES,
  type ParsedAnalysis,
} from './spec.js';
export {
  combineVerdicts,
  realClock,
  runAnalysis,
  runMetric,
  virtualClock,
  type Clock,
  type MetricSource,
  type RunContext,
} from './run.js';
export {
  defaultAnalysis,
  ERROR_RATE_QUERY,
  HEALTH_FAILURE_QUERY,
  LATENCY_RATIO_QUERY,
  promQlDuration,
  type DefaultAnalysisOptions,
} from './default-analysis.js';
export { MAX_SAMPLES, shiftTest, type ShiftTest } from './shift-test.js';
export {
  cleanSample,
  compareSamples,
  scoreMetrics,
  type Classification,
  type CompareOptions,
  type Comparison,
  type Direction,
  type JudgeScore,
  type ScoredMetric,
} from './judge.js';
export {
  runComparisons,
  type ComparisonResult,
  type ComparisonSpec,
  type JudgeReport,
  type RangeSource,
} from './compare.js';
export {
  JUDGE_TABLE_HEADERS,
  judgeRows,
  MEASUREMENT_TABLE_HEADERS,
  measurementLine,
  measurementRows,
  measurementValues,
  METRIC_TABLE_HEADERS,
  metricRows,
} from './report.js';
export type {
  AnalysisResult,
  AnalysisSpec,
  Condition,
  ErrorPolicy,
  MeasuredValue,
  Measurement,
  MetricResult,
  MetricSpec,
  NoDataPolicy,
  Verdict,
} from './types.js';
