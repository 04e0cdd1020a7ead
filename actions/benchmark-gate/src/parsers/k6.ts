import { FileError, quote } from '@spikeformer-actions/core';
import { AGGREGATED, type LoadEntry, type LoadReport, timeTable } from '../load/model.js';
import type { Measurement } from '../model.js';
import { finiteNumber, isObject, type Json } from './shape.js';

/**
 * k6's `--summary-export` JSON (and the `data` a `handleSummary` receives, whose metrics
 * nest their values under `values`). Times are milliseconds. The run is `http_req_duration`,
 * `http_reqs` and `http_req_failed`; an endpoint is a sub-metric tagged with `name`
 * (`http_req_duration{name:login}`), which k6 exports when a threshold names it.
 */

const MS = 1e-3;
const TREND_KEYS: Record<string, string> = { avg: 'mean', med: 'median', min: 'min', max: 'max' };
const K6_PERCENTILE = /^p\((\d{1,3}(?:\.\d{1,6})?)\)$/;
const SUBMETRIC = /^([a-z_]+)\{name:(.+)\}$/;

function values(metric: unknown): Json | undefined {
  if (!isObject(metric)) return undefined;
  return isObject(metric.values) ? metric.values : metric;
}

/** A non-negative finite number, or an error naming the metric and field. */
function stat(value: unknown, file: string, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = finiteNumber(value);
  if (n === undefined || n < 0) throw new FileError(file, `${where} is not a non-negative finite number`);
  return n;
}

function trend(metric: unknown, file: string, where: string): Record<string, number> {
  const times = timeTable();
  const v = values(metric);
  if (v === undefined) return times;
  for (const [key, raw] of Object.entries(v)) {
    const pct = K6_PERCENTILE.exec(key);
    const name = pct ? `p${pct[1]!}` : Object.hasOwn(TREND_KEYS, key) ? TREND_KEYS[key] : undefined;
    if (name === undefined) continue;
    const n = stat(raw, file, `${where}.${quote(key)}`);
    if (n !== undefined) times[name] = n * MS;
  }
  return times;
}

function entry(metrics: Json, suffix: string, name: string, file: string): LoadEntry | undefined {
  const at = (metric: string): string => `metrics.${quote(`${metric}${suffix}`)}`;
  const duration = metrics[`http_req_duration${suffix}`];
  const times = trend(duration, file, at('http_req_duration'));
  const reqs = values(metrics[`http_reqs${suffix}`]);
  const failed = values(metrics[`http_req_failed${suffix}`]);
  if (Object.keys(times).length === 0 && reqs === undefined && failed === undefined) return undefined;
  const e: LoadEntry = { name, aggregated: suffix === '', times };
  const count = stat(reqs?.count, file, `${at('http_reqs')}.count`);
  if (count !== undefined) e.requests = count;
  const rate = stat(reqs?.rate, file, `${at('http_reqs')}.rate`);
  if (rate !== undefined) e.rps = rate;
  // A Rate metric: `passes` counts true samples (failed requests), `value`/`rate` is their share.
  const share = stat(failed?.value ?? failed?.rate, file, `${at('http_req_failed')}.value`);
  if (share !== undefined) {
    if (share > 1) throw new FileError(file, `${at('http_req_failed')}.value is above 1`);
    e.failureRate = share;
  }
  const failures = stat(failed?.passes, file, `${at('http_req_failed')}.passes`);
  if (failures !== undefined) e.failures = failures;
  return e;
}

export function parseK6(doc: unknown, file: string): { measurements: Measurement[]; load: LoadReport } {
  if (!isObject(doc) || !isObject(doc.metrics))
    throw new FileError(file, 'expected a k6 summary export (an object with "metrics")');
  const metrics = doc.metrics;
  const entries: LoadEntry[] = [];
  const total = entry(metrics, '', AGGREGATED, file);
  if (total === undefined)
    throw new FileError(file, 'has no http_req_duration, http_reqs or http_req_failed metric: not an HTTP load test');
  entries.push(total);
  const names = new Set<string>();
  for (const key of Object.keys(metrics)) {
    const m = SUBMETRIC.exec(key);
    if (m && ['http_req_duration', 'http_reqs', 'http_req_failed'].includes(m[1]!)) names.add(m[2]!);
  }
  for (const name of [...names].sort()) {
    const e = entry(metrics, `{name:${name}}`, name, file);
    if (e !== undefined) entries.push(e);
  }
  const measurements: Measurement[] = [];
  for (const e of entries) {
    const mean = e.times['mean'];
    if (mean === undefined) continue;
    const m: Measurement = { name: e.name, unit: 's', direction: 'smaller-is-better', n: 1, mean };
    for (const key of ['median', 'min', 'max'] as const) if (e.times[key] !== undefined) m[key] = e.times[key];
    measurements.push(m);
  }
  return { measurements, load: { tool: 'k6', file, entries, failures: [] } };
}
