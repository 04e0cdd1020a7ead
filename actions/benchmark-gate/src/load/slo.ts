import { clip, InputError, quote, quoteList, UserError } from '@spikeformer-actions/core';
import { AGGREGATED, type LoadEntry, type LoadReport } from './model.js';

/**
 * Service-level objectives on load-test results, one per line of the `slo` input:
 *
 *   [ENDPOINT:] METRIC OP VALUE
 *
 * METRIC is a response-time statistic (`p95`, `p99.9`, `median`, `mean`/`avg`, `min`, `max`:
 * VALUE with a time unit, `500ms`, `1.5s`), `failure-rate` (VALUE in %), `rps` (requests per
 * second) or `requests`; OP is <, <=, > or >=. Without ENDPOINT it is about the whole run
 * (locust's "Aggregated"); `*` applies it to every endpoint; else an endpoint's name as the
 * report gives it (`GET /users`, or the path alone when it is unique; k6's `name` tag).
 */

export const MAX_SLOS = 100;
const MAX_LINE = 500;
export const EVERY_ENDPOINT = '*';

export type SloMetric =
  { kind: 'time'; stat: string } | { kind: 'failure-rate' } | { kind: 'rps' } | { kind: 'requests' };
export type Operator = '<' | '<=' | '>' | '>=';

export interface Slo {
  /** The line as written (trimmed), for messages. */
  text: string;
  line: number;
  /** AGGREGATED, EVERY_ENDPOINT or an endpoint name. */
  endpoint: string;
  metric: SloMetric;
  op: Operator;
  /** In the metric's unit: seconds, a fraction (failure-rate), per second, a count. */
  value: number;
}

const TIME_UNITS: Record<string, number> = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60 };
const LINE =
  /^(?:(.*\S)\s*:\s+)?(p\d{1,3}(?:\.\d{1,6})?|median|mean|avg|min|max|failure-rate|rps|requests)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?|\.\d+)\s*(%|us|µs|ms|s|m|\/s)?$/;

function metricOf(word: string): SloMetric {
  if (word === 'failure-rate' || word === 'rps' || word === 'requests') return { kind: word };
  if (word === 'avg') return { kind: 'time', stat: 'mean' };
  return { kind: 'time', stat: word };
}

export function metricName(m: SloMetric): string {
  return m.kind === 'time' ? m.stat : m.kind;
}

export function parseSlos(lines: readonly string[]): Slo[] {
  const out: Slo[] = [];
  lines.forEach((raw, k) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const line = k + 1;
    const fail = (problem: string): never => {
      throw new InputError('slo', `line ${line}: ${problem}`);
    };
    if (text.length > MAX_LINE) fail(`longer than ${MAX_LINE} characters`);
    const m = LINE.exec(text);
    if (!m)
      fail(
        `${quote(text)} is not "[endpoint:] metric op value", e.g. "p95 < 500ms", "failure-rate < 1%", "GET /users: rps > 50"`,
      );
    const [, endpoint, word, op, number, unit] = m!;
    const metric = metricOf(word!);
    let value = Number(number);
    if (metric.kind === 'time') {
      if (unit === undefined || !Object.hasOwn(TIME_UNITS, unit))
        fail(`${word} needs a time unit (us, ms, s or m), e.g. "${word} < 500ms"`);
      const pct = /^p(.+)$/.exec(metric.stat);
      if (pct && !(Number(pct[1]) > 0 && Number(pct[1]) <= 100)) fail(`${word} is not a percentile between 0 and 100`);
      value *= TIME_UNITS[unit!]!;
    } else if (metric.kind === 'failure-rate') {
      if (unit !== '%') fail('failure-rate needs a percentage, e.g. "failure-rate < 1%"');
      if (value > 100) fail('failure-rate cannot be above 100%');
      value /= 100;
    } else if (unit !== undefined && !(metric.kind === 'rps' && unit === '/s')) {
      fail(`${word} takes a plain number, not ${quote(unit)}`);
    }
    if (!Number.isFinite(value)) fail('the value is not a finite number');
    out.push({ text, line, endpoint: endpoint ?? AGGREGATED, metric, op: op as Operator, value });
  });
  if (out.length > MAX_SLOS) throw new InputError('slo', `${out.length} objectives; at most ${MAX_SLOS}`);
  return out;
}

export interface SloResult {
  slo: string;
  file: string;
  endpoint: string;
  metric: string;
  op: Operator;
  /** Threshold and measurement in the metric's unit (seconds, fraction, per second, count). */
  threshold: number;
  actual: number;
  passed: boolean;
}

function measured(e: LoadEntry, m: SloMetric): number | undefined {
  switch (m.kind) {
    case 'time':
      return e.times[m.stat];
    case 'failure-rate':
      return e.failureRate;
    case 'rps':
      return e.rps;
    case 'requests':
      return e.requests;
  }
}

function holds(actual: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
  }
}

/** The entries an objective is about in one report; an endpoint name may omit locust's method when unique. */
function targets(slo: Slo, report: LoadReport): LoadEntry[] {
  if (slo.endpoint === EVERY_ENDPOINT) return report.entries.filter((e) => !e.aggregated);
  const exact = report.entries.filter((e) => e.name === slo.endpoint);
  if (exact.length > 0) return exact;
  return report.entries.filter((e) => !e.aggregated && e.name.replace(/^[A-Z]+ /, '') === slo.endpoint);
}

/**
 * Checks every objective against every load report it applies to. An objective naming an
 * endpoint or a statistic no report has is a configuration error, not a pass.
 */
export function evaluateSlos(slos: readonly Slo[], reports: readonly LoadReport[]): SloResult[] {
  if (slos.length > 0 && reports.length === 0)
    throw new UserError("Input 'slo': objectives apply to locust and k6 results, and none of the results is one");
  const out: SloResult[] = [];
  for (const slo of slos) {
    let matched = 0;
    for (const report of reports) {
      const entries = targets(slo, report);
      if (entries.length > 1 && slo.endpoint !== EVERY_ENDPOINT) {
        throw new UserError(
          `Input 'slo' line ${slo.line}: ${quote(slo.endpoint)} matches ${quoteList(entries.map((e) => e.name))} in ${report.file}; give the method too`,
        );
      }
      for (const e of entries) {
        const actual = measured(e, slo.metric);
        if (actual === undefined) {
          const have = Object.keys(e.times);
          throw new UserError(
            `Input 'slo' line ${slo.line}: ${report.file} has no ${metricName(slo.metric)} for ${quote(e.name)}` +
              (slo.metric.kind === 'time'
                ? ` (it has ${have.length > 0 ? have.join(', ') : 'no response times'}${report.tool === 'k6' ? '; k6 exports the statistics in --summary-trend-stats' : ''})`
                : ''),
          );
        }
        matched++;
        out.push({
          slo: slo.text,
          file: report.file,
          endpoint: e.name,
          metric: metricName(slo.metric),
          op: slo.op,
          threshold: slo.value,
          actual,
          passed: holds(actual, slo.op, slo.value),
        });
      }
    }
    if (matched === 0) {
      const names = reports.flatMap((r) => r.entries.filter((e) => !e.aggregated).map((e) => e.name));
      throw new UserError(
        `Input 'slo' line ${slo.line}: no endpoint ${quote(slo.endpoint)} in the results (endpoints: ${names.length > 0 ? quoteList([...new Set(names)]) : 'none'})`,
      );
    }
  }
  return out;
}

/** A measured or threshold value as the summary shows it. */
export function sloValue(metric: string, value: number): string {
  if (metric === 'failure-rate') return `${Number((value * 100).toPrecision(4))}%`;
  if (metric === 'rps') return `${Number(value.toPrecision(4))}/s`;
  if (metric === 'requests') return String(value);
  return value >= 1 ? `${Number(value.toPrecision(4))} s` : `${Number((value * 1000).toPrecision(4))} ms`;
}

export function sloLine(r: SloResult): string {
  return `${clip(r.endpoint, 200)}: ${r.metric} ${sloValue(r.metric, r.actual)}, objective ${r.op} ${sloValue(r.metric, r.threshold)}`;
}
