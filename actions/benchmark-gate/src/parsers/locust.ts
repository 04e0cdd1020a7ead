import { FileError, quote } from '@spikeformer-actions/core';
import { AGGREGATED, type LoadEntry, type LoadFailure, type LoadReport, timeTable } from '../load/model.js';
import { type Measurement, summarise } from '../model.js';
import { columns, type CsvRow, parseCsv } from './csv.js';

/**
 * locust's `--csv PREFIX` output (locust 1.0 and later): PREFIX_stats.csv (one row per
 * endpoint plus "Aggregated"; times in milliseconds), PREFIX_stats_history.csv (a row every
 * second, flushed every 10 s; per endpoint with `--csv-full-history`) and PREFIX_failures.csv.
 */

const MS = 1e-3;
const PERCENTILE = /^(\d{1,3}(?:\.\d{1,6})?)%$/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A non-negative number from a cell; undefined for locust's "N/A" (no requests yet) and an empty cell. */
function cellNumber(row: CsvRow, index: Map<string, number>, column: string, file: string): number | undefined {
  const k = index.get(column);
  if (k === undefined) return undefined;
  const raw = (row.cells[k] ?? '').trim();
  if (raw === 'N/A' || raw === '') return undefined;
  const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value))
    throw new FileError(file, `line ${row.line}: "${column}" is not a non-negative number: ${quote(raw)}`);
  return value;
}

function cellCount(row: CsvRow, index: Map<string, number>, column: string, file: string): number {
  const value = cellNumber(row, index, column, file);
  if (value === undefined || !Number.isSafeInteger(value))
    throw new FileError(file, `line ${row.line}: "${column}" must be a whole number`);
  return value;
}

function cellText(row: CsvRow, index: Map<string, number>, column: string): string {
  return row.cells[index.get(column)!] ?? '';
}

function checkWidth(rows: readonly CsvRow[], width: number, file: string): void {
  for (const row of rows) {
    if (row.cells.length !== width)
      throw new FileError(file, `line ${row.line}: ${row.cells.length} fields, the header has ${width}`);
  }
}

/** "GET /users", or "Aggregated" for the whole run (locust writes it with an empty Type). */
function entryName(type: string, name: string): string {
  return type === '' ? name : `${type} ${name}`;
}

const STATS_COLUMNS = [
  'Type',
  'Name',
  'Request Count',
  'Failure Count',
  'Median Response Time',
  'Average Response Time',
  'Min Response Time',
  'Max Response Time',
  'Requests/s',
];

export function parseLocustStats(text: string, file: string): LoadEntry[] {
  const rows = parseCsv(text, file);
  const index = columns(rows[0], file, STATS_COLUMNS);
  const body = rows.slice(1);
  checkWidth(body, rows[0]!.cells.length, file);
  const percentiles = [...index.keys()].filter((c) => PERCENTILE.test(c));
  const seen = new Set<string>();
  const entries = body.map((row) => {
    const type = cellText(row, index, 'Type');
    const name = entryName(type, cellText(row, index, 'Name'));
    if (name.trim() === '') throw new FileError(file, `line ${row.line}: "Name" is empty`);
    if (seen.has(name)) throw new FileError(file, `line ${row.line}: ${quote(name)} appears twice`);
    seen.add(name);
    const requests = cellCount(row, index, 'Request Count', file);
    const failures = cellCount(row, index, 'Failure Count', file);
    if (failures > requests)
      throw new FileError(file, `line ${row.line}: more failures (${failures}) than requests (${requests})`);
    const times = timeTable();
    const put = (key: string, column: string): void => {
      const v = cellNumber(row, index, column, file);
      if (v !== undefined && requests > 0) times[key] = v * MS;
    };
    put('mean', 'Average Response Time');
    put('median', 'Median Response Time');
    put('min', 'Min Response Time');
    put('max', 'Max Response Time');
    for (const column of percentiles) put(`p${PERCENTILE.exec(column)![1]!}`, column);
    const entry: LoadEntry = { name, aggregated: type === '' && name === AGGREGATED, requests, failures, times };
    if (requests > 0) entry.failureRate = failures / requests;
    const rps = cellNumber(row, index, 'Requests/s', file);
    if (rps !== undefined) entry.rps = rps;
    return entry;
  });
  if (!entries.some((e) => e.aggregated))
    throw new FileError(file, 'has no "Aggregated" row; is it locust\'s PREFIX_stats.csv?');
  return entries;
}

const HISTORY_COLUMNS = ['Timestamp', 'Type', 'Name', 'Total Request Count', 'Total Average Response Time'];

/**
 * The mean response time of each interval between two history rows of an entry, in seconds:
 * locust writes running totals, so (n₂·avg₂ − n₁·avg₁) / (n₂ − n₁) is the mean of exactly the
 * requests in between. Intervals without requests give no value.
 */
export function parseLocustHistory(text: string, file: string): Map<string, number[]> {
  const rows = parseCsv(text, file);
  const index = columns(rows[0], file, HISTORY_COLUMNS);
  const body = rows.slice(1);
  checkWidth(body, rows[0]!.cells.length, file);
  const last = new Map<string, { count: number; total: number; timestamp: number }>();
  const out = new Map<string, number[]>();
  for (const row of body) {
    const name = entryName(cellText(row, index, 'Type'), cellText(row, index, 'Name'));
    const timestamp = cellCount(row, index, 'Timestamp', file);
    const count = cellCount(row, index, 'Total Request Count', file);
    const avg = cellNumber(row, index, 'Total Average Response Time', file) ?? 0;
    const total = count * avg;
    // Every entry starts at 0 requests: its first row closes the interval from the start.
    const before = last.get(name) ?? { count: 0, total: 0, timestamp: 0 };
    {
      if (timestamp < before.timestamp || count < before.count)
        throw new FileError(file, `line ${row.line}: ${quote(name)} goes back in time or in its request count`);
      const n = count - before.count;
      const mean = n > 0 ? (total - before.total) / n : Number.NaN;
      if (mean > 0 && Number.isFinite(mean)) {
        const list = out.get(name) ?? [];
        list.push(mean * MS);
        out.set(name, list);
      }
    }
    last.set(name, { count, total, timestamp });
  }
  return out;
}

export function parseLocustFailures(text: string, file: string): LoadFailure[] {
  const rows = parseCsv(text, file);
  const index = columns(rows[0], file, ['Method', 'Name', 'Error', 'Occurrences']);
  const body = rows.slice(1);
  checkWidth(body, rows[0]!.cells.length, file);
  return body.map((row) => ({
    name: entryName(cellText(row, index, 'Method'), cellText(row, index, 'Name')),
    error: cellText(row, index, 'Error'),
    occurrences: cellCount(row, index, 'Occurrences', file),
  }));
}

/** Interval means below this count are too few for a rank test; the run's summary is used instead. */
export const MIN_INTERVALS = 2;

/**
 * The judge's view of a locust run: one response-time measurement per entry, with the
 * per-interval means from the history as samples when it has them, else the run's summary.
 */
export function locustMeasurements(
  entries: readonly LoadEntry[],
  intervals: ReadonlyMap<string, number[]>,
): Measurement[] {
  const out: Measurement[] = [];
  for (const e of entries) {
    const samples = intervals.get(e.name);
    if (samples !== undefined && samples.length >= MIN_INTERVALS) {
      out.push({ name: e.name, unit: 's', direction: 'smaller-is-better', samples, ...summarise(samples) });
      continue;
    }
    const mean = e.times['mean'];
    if (mean === undefined) continue;
    const m: Measurement = { name: e.name, unit: 's', direction: 'smaller-is-better', n: 1, mean };
    for (const key of ['median', 'min', 'max'] as const) if (e.times[key] !== undefined) m[key] = e.times[key];
    out.push(m);
  }
  return out;
}

export interface LocustFiles {
  stats: { text: string; file: string };
  history?: { text: string; file: string };
  failures?: { text: string; file: string };
}

export function parseLocust(files: LocustFiles): { measurements: Measurement[]; load: LoadReport } {
  const entries = parseLocustStats(files.stats.text, files.stats.file);
  const intervals = files.history
    ? parseLocustHistory(files.history.text, files.history.file)
    : new Map<string, number[]>();
  const failures = files.failures ? parseLocustFailures(files.failures.text, files.failures.file) : [];
  return {
    measurements: locustMeasurements(entries, intervals),
    load: { tool: 'locust', file: files.stats.file, entries, failures },
  };
}
