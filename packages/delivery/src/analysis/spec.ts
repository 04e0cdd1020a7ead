import { parseDuration } from '@spikeformer-actions/core';
import { ExpressionError, namesIn, parseExpression } from './expression.js';
import { templateNames } from './template.js';
import type { AnalysisSpec, Condition, ErrorPolicy, MetricSpec, NoDataPolicy } from './types.js';

/**
 * Reads an analysis written by a user (YAML/JSON already parsed):
 *
 *   on-error: fail                     # fail | inconclusive: what a metric in Error makes of the run
 *   metric-defaults: { interval: 30s, count: 10 }
 *   metrics:
 *     - name: error-rate               # same name as a default metric → overrides only the fields given
 *       success: { max: 0.02 }
 *     - name: queue-depth
 *       query: max(queue_depth{namespace="{{ namespace }}",service="{{ canary }}"})
 *       success: "result[0] < 100"     # safe expression language, or { min, max }
 *       failure: "result[0] > 1000"
 *       interval: 30s
 *       count: 10
 *       initial-delay: 1m
 *       failure-limit: 1
 *       inconclusive-limit: 1
 *       consecutive-error-limit: 4
 *       on-no-data: inconclusive       # fail | inconclusive | pass
 *       args: { window: 5m }
 *     - name: latency
 *       enabled: false                 # drop a default metric
 *
 * A bare list is read as `metrics`. Unknown keys are errors (a misspelt field must not silently pass).
 */

export type ParsedAnalysis = { ok: true; value: AnalysisSpec } | { ok: false; problems: string[] };

/** Template values every run provides; anything else must come from a metric's args. */
export const RUN_VARIABLES: readonly string[] = ['namespace', 'service', 'stable', 'canary'];

const METRIC_KEYS = [
  'name',
  'description',
  'query',
  'args',
  'success',
  'failure',
  'interval',
  'count',
  'initial-delay',
  'failure-limit',
  'inconclusive-limit',
  'consecutive-error-limit',
  'on-no-data',
  'enabled',
] as const;
const DEFAULTABLE_KEYS = [
  'interval',
  'count',
  'initial-delay',
  'failure-limit',
  'inconclusive-limit',
  'consecutive-error-limit',
  'on-no-data',
];
const TOP_KEYS = ['metrics', 'on-error', 'metric-defaults'];
const NO_DATA: readonly NoDataPolicy[] = ['fail', 'inconclusive', 'pass'];
const ON_ERROR: readonly ErrorPolicy[] = ['fail', 'inconclusive'];

export const METRIC_DEFAULTS = {
  intervalMs: 60_000,
  count: 1,
  initialDelayMs: 0,
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  onNoData: 'inconclusive' as NoDataPolicy,
};

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A YAML value for a message: numbers as JavaScript prints them (NaN, Infinity), the rest as JSON, bounded. */
function shown(v: unknown): string {
  // JSON.stringify gives undefined for undefined, functions and symbols, whatever its type says.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  const text = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The problems of an analysis as one bounded line: the first `max`, then how many more. */
export function problemsText(problems: readonly string[], max = 10): string {
  const first = problems.slice(0, max).map((p) => (p.length > 300 ? `${p.slice(0, 300)}…` : p));
  return problems.length > max
    ? `${first.join('; ')}; … and ${problems.length - max} more problem(s)`
    : first.join('; ');
}

function scalarText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Parses a condition: a string is an expression; an object is a { min, max } threshold. */
export function parseCondition(raw: unknown, where: string, problems: string[]): Condition | undefined {
  if (typeof raw === 'string') {
    try {
      const ast = parseExpression(raw);
      const unknown = [...namesIn(ast)].filter((n) => n !== 'result');
      if (unknown.length > 0) {
        problems.push(
          `${where}: unknown name(s) ${unknown.join(', ')} in ${JSON.stringify(raw)} (a condition reads "result")`,
        );
        return undefined;
      }
      return { kind: 'expression', ast, source: raw };
    } catch (error) {
      if (error instanceof ExpressionError) {
        problems.push(`${where}: ${error.message} in ${JSON.stringify(raw)}`);
        return undefined;
      }
      throw error;
    }
  }
  if (isRecord(raw)) {
    const extra = Object.keys(raw).filter((k) => k !== 'min' && k !== 'max');
    if (extra.length > 0)
      problems.push(`${where}: unknown key(s) ${extra.join(', ')} (a threshold has min and/or max)`);
    const bound = (key: 'min' | 'max'): number | undefined => {
      const v = raw[key];
      if (v === undefined) return undefined;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      problems.push(`${where}.${key}: expected a finite number, got ${shown(v)}`);
      return undefined;
    };
    const min = bound('min');
    const max = bound('max');
    if (min === undefined && max === undefined) {
      if (extra.length === 0 && raw['min'] === undefined && raw['max'] === undefined)
        problems.push(`${where}: a threshold needs min and/or max`);
      return undefined;
    }
    if (min !== undefined && max !== undefined && min > max)
      problems.push(`${where}: min ${min} is greater than max ${max}`);
    const source = [min !== undefined ? `min ${min}` : '', max !== undefined ? `max ${max}` : '']
      .filter(Boolean)
      .join(', ');
    return {
      kind: 'threshold',
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      source: `{${source}}`,
    };
  }
  problems.push(`${where}: expected an expression string or { min, max }, got ${JSON.stringify(raw)}`);
  return undefined;
}

function readDuration(v: unknown, where: string, problems: string[]): number | undefined {
  const text = scalarText(v);
  const parsed = text === undefined ? undefined : parseDuration(text);
  if (parsed?.ok) return parsed.value;
  problems.push(`${where}: ${parsed ? parsed.problem : `expected a duration like 30s, got ${shown(v)}`}`);
  return undefined;
}

function readCount(v: unknown, where: string, min: number, problems: string[]): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 10_000) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim()) && Number(v) >= min && Number(v) <= 10_000) return Number(v);
  problems.push(`${where}: expected a whole number from ${min} to 10000, got ${shown(v)}`);
  return undefined;
}

/** Applies the fields present in `raw` onto `into` (a default metric or a fresh one). */
function applyFields(into: MetricSpec, raw: Raw, where: string, problems: string[]): void {
  for (const key of Object.keys(raw)) {
    if (!(METRIC_KEYS as readonly string[]).includes(key))
      problems.push(`${where}: unknown key ${key} (known: ${METRIC_KEYS.join(', ')})`);
  }
  const at = (key: string): string => `${where}.${key}`;
  if (raw['query'] !== undefined) {
    if (typeof raw['query'] === 'string' && raw['query'].trim() !== '') into.query = raw['query'];
    else problems.push(`${at('query')}: expected a PromQL string`);
  }
  if (raw['description'] !== undefined) {
    if (typeof raw['description'] === 'string') into.description = raw['description'];
    else problems.push(`${at('description')}: expected a string`);
  }
  if (raw['args'] !== undefined) {
    if (isRecord(raw['args'])) {
      for (const [k, v] of Object.entries(raw['args'])) {
        const text = scalarText(v);
        if (text === undefined) problems.push(`${at('args')}.${k}: expected a string or number`);
        else into.args[k] = text;
      }
    } else problems.push(`${at('args')}: expected a map of names to values`);
  }
  for (const key of ['success', 'failure'] as const) {
    if (raw[key] === undefined) continue;
    if (raw[key] === null) {
      delete into[key];
      continue;
    }
    const c = parseCondition(raw[key], at(key), problems);
    if (c) into[key] = c;
  }
  if (raw['interval'] !== undefined) {
    const v = readDuration(raw['interval'], at('interval'), problems);
    if (v !== undefined) {
      if (v < 100) problems.push(`${at('interval')}: must be at least 100ms`);
      else into.intervalMs = v;
    }
  }
  if (raw['initial-delay'] !== undefined) {
    const v = readDuration(raw['initial-delay'], at('initial-delay'), problems);
    if (v !== undefined) into.initialDelayMs = v;
  }
  const counts = [
    ['count', 'count', 1],
    ['failure-limit', 'failureLimit', 0],
    ['inconclusive-limit', 'inconclusiveLimit', 0],
    ['consecutive-error-limit', 'consecutiveErrorLimit', 0],
  ] as const;
  for (const [key, field, min] of counts) {
    if (raw[key] === undefined) continue;
    const v = readCount(raw[key], at(key), min, problems);
    if (v !== undefined) into[field] = v;
  }
  if (raw['on-no-data'] !== undefined) {
    const v = NO_DATA.find((p) => p === raw['on-no-data']);
    if (v) into.onNoData = v;
    else problems.push(`${at('on-no-data')}: expected one of ${NO_DATA.join(', ')}, got ${shown(raw['on-no-data'])}`);
  }
}

/** Checks that a finished metric can run: a query, a condition, every placeholder known. */
export function checkMetric(metric: MetricSpec, where: string, problems: string[]): void {
  if (!metric.query) problems.push(`${where}: needs a query`);
  if (!metric.success && !metric.failure) problems.push(`${where}: needs a success and/or a failure condition`);
  const unknown = templateNames(metric.query).filter((n) => !RUN_VARIABLES.includes(n) && metric.args[n] === undefined);
  if (unknown.length > 0) {
    problems.push(
      `${where}: the query uses {{ ${unknown.join(' }}, {{ ')} }}, which is neither a run value (${RUN_VARIABLES.join(', ')}) nor in args`,
    );
  }
}

/** Parses an analysis, merging it over `base` (the default analysis) by metric name. */
export function parseAnalysis(raw: unknown, base: readonly MetricSpec[] = []): ParsedAnalysis {
  const problems: string[] = [];
  const top: Raw = Array.isArray(raw) ? { metrics: raw } : isRecord(raw) ? raw : {};
  if (!Array.isArray(raw) && !isRecord(raw) && raw !== undefined && raw !== null) {
    return { ok: false, problems: ['analysis: expected a map with metrics, or a list of metrics'] };
  }
  for (const key of Object.keys(top))
    if (!TOP_KEYS.includes(key)) problems.push(`analysis: unknown key ${key} (known: ${TOP_KEYS.join(', ')})`);
  let onError: ErrorPolicy = 'fail';
  if (top['on-error'] !== undefined) {
    const v = ON_ERROR.find((p) => p === top['on-error']);
    if (v) onError = v;
    else problems.push(`analysis.on-error: expected one of ${ON_ERROR.join(', ')}, got ${shown(top['on-error'])}`);
  }
  const defaults: Raw = {};
  if (top['metric-defaults'] !== undefined) {
    if (!isRecord(top['metric-defaults'])) problems.push('analysis.metric-defaults: expected a map');
    else {
      for (const [k, v] of Object.entries(top['metric-defaults'])) {
        if (DEFAULTABLE_KEYS.includes(k)) defaults[k] = v;
        else
          problems.push(`analysis.metric-defaults: ${k} cannot be defaulted (allowed: ${DEFAULTABLE_KEYS.join(', ')})`);
      }
    }
  }
  const metrics: MetricSpec[] = base.map((m) => ({ ...m, args: { ...m.args } }));
  if (Object.keys(defaults).length > 0)
    metrics.forEach((m, i) => applyFields(m, defaults, `analysis.metric-defaults (on ${m.name || i})`, problems));
  const rawMetrics = top['metrics'] ?? [];
  if (!Array.isArray(rawMetrics)) problems.push('analysis.metrics: expected a list');
  const dropped = new Set<string>();
  const seen = new Set<string>();
  (Array.isArray(rawMetrics) ? rawMetrics : []).forEach((item: unknown, i) => {
    const where = `analysis.metrics[${i}]`;
    if (!isRecord(item)) {
      problems.push(`${where}: expected a map`);
      return;
    }
    const name = item['name'];
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) {
      problems.push(`${where}.name: expected a name of letters, digits, - _ . (got ${shown(name)})`);
      return;
    }
    if (seen.has(name)) problems.push(`${where}: metric ${name} is defined twice`);
    seen.add(name);
    if (item['enabled'] !== undefined && typeof item['enabled'] !== 'boolean')
      problems.push(`${where}.enabled: expected true or false`);
    let target = metrics.find((m) => m.name === name);
    if (!target) {
      target = { name, query: '', args: {}, ...METRIC_DEFAULTS };
      applyFields(target, defaults, `${where} (metric-defaults)`, problems);
      metrics.push(target);
    }
    applyFields(target, item, where, problems);
    if (item['enabled'] === false) dropped.add(name);
  });
  const kept = metrics.filter((m) => !dropped.has(m.name));
  kept.forEach((m) => checkMetric(m, `metric ${m.name}`, problems));
  if (kept.length === 0 && problems.length === 0) problems.push('analysis: no metrics left to run');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { metrics: kept, onError } };
}
