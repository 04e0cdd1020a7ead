import { clip, FileError, quote } from '@spikeformer-actions/core';
import { type Measurement, summarise } from './model.js';
import { isObject } from './parsers/shape.js';

/**
 * The history document: this action's JSON output and its next `baseline`. Versioned, bounded
 * to `history-size` runs, and strict on read: a corrupt file or another schema/version is an
 * error naming the file, never a silent reset (that would hide every regression after it).
 */

export const SCHEMA = 'spikeformer-actions/benchmark-gate/history';
export const VERSION = 1;
/** Raw samples are kept for the newest runs only (the next comparisons' pooled baseline), capped per benchmark. */
export const SAMPLE_RUNS = 5;
export const MAX_STORED_SAMPLES = 2000;
/** Stored samples keep 7 significant digits: far below any benchmark's noise, and a third of the JSON. */
const STORED_DIGITS = 7;

/** A measurement as the history stores it: everything but the name, which is its key. */
export type StoredBenchmark = Omit<Measurement, 'name'>;

export interface Run {
  /** Unique per run (the workflow run id and attempt by default). */
  id: string;
  /** ISO 8601; runs are ordered by it. */
  timestamp: string;
  commit?: string;
  ref?: string;
  benchmarks: Record<string, StoredBenchmark>;
}

export interface HistoryDocument {
  schema: typeof SCHEMA;
  version: typeof VERSION;
  runs: Run[];
  /** The comparison that produced this document (informational; not read back). */
  comparison?: unknown;
}

/** A name → benchmark table without a prototype: a benchmark may be called `constructor` or `__proto__`. */
export function benchmarkTable(
  entries: Iterable<readonly [string, StoredBenchmark]> = [],
): Record<string, StoredBenchmark> {
  const table = Object.create(null) as Record<string, StoredBenchmark>;
  for (const [name, b] of entries) table[name] = b;
  return table;
}

export function emptyHistory(): HistoryDocument {
  return { schema: SCHEMA, version: VERSION, runs: [] };
}

function bad(file: string, problem: string): FileError {
  return new FileError(file, `is not a usable benchmark-gate history: ${problem}`);
}

/** A value from the file for a message: strings quoted, anything else as JSON; bounded either way. */
function shown(value: unknown): string {
  return typeof value === 'string' ? quote(value) : clip(JSON.stringify(value ?? null));
}

/** Stored times and values are never negative (the comparison works on ratios). */
function optionalNumber(value: unknown, file: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(file, `${where} is not a finite number`);
  if (value < 0) throw bad(file, `${where} is negative`);
  return value;
}

function readBenchmark(value: unknown, file: string, where: string): StoredBenchmark {
  if (!isObject(value)) throw bad(file, `${where} is not an object`);
  if (typeof value.unit !== 'string') throw bad(file, `${where}.unit is missing`);
  if (value.direction !== 'smaller-is-better' && value.direction !== 'bigger-is-better')
    throw bad(file, `${where}.direction is not smaller-is-better or bigger-is-better`);
  const n = optionalNumber(value.n, file, `${where}.n`);
  const mean = optionalNumber(value.mean, file, `${where}.mean`);
  if (n === undefined || !Number.isInteger(n) || n < 1) throw bad(file, `${where}.n is not a positive whole number`);
  if (mean === undefined) throw bad(file, `${where}.mean is missing`);
  const out: StoredBenchmark = { unit: value.unit, direction: value.direction, n, mean };
  for (const key of ['sd', 'median', 'min', 'max'] as const) {
    const v = optionalNumber(value[key], file, `${where}.${key}`);
    if (v !== undefined) out[key] = v;
  }
  if (value.samples !== undefined) {
    if (!Array.isArray(value.samples) || value.samples.length === 0)
      throw bad(file, `${where}.samples is not a non-empty array`);
    out.samples = value.samples.map((s, i) => {
      if (typeof s !== 'number' || !Number.isFinite(s))
        throw bad(file, `${where}.samples[${i}] is not a finite number`);
      if (s < 0) throw bad(file, `${where}.samples[${i}] is negative`);
      return s;
    });
  }
  return out;
}

/** Validates a parsed JSON value as a history document. */
export function readHistory(value: unknown, file: string): HistoryDocument {
  if (!isObject(value)) throw bad(file, 'not a JSON object');
  if (value.schema !== SCHEMA) {
    throw bad(
      file,
      `schema is ${shown(value.schema)}, expected "${SCHEMA}" (pass this action's json-file output as the baseline)`,
    );
  }
  if (value.version !== VERSION)
    throw bad(file, `version ${shown(value.version)} is not supported (this action reads version ${VERSION})`);
  if (!Array.isArray(value.runs)) throw bad(file, '"runs" is not an array');
  const runs = value.runs.map((r, i): Run => {
    const where = `runs[${i}]`;
    if (!isObject(r)) throw bad(file, `${where} is not an object`);
    if (typeof r.id !== 'string' || r.id === '') throw bad(file, `${where}.id is missing`);
    if (typeof r.timestamp !== 'string' || Number.isNaN(Date.parse(r.timestamp)))
      throw bad(file, `${where}.timestamp is not a date`);
    if (!isObject(r.benchmarks)) throw bad(file, `${where}.benchmarks is not an object`);
    const benchmarks = benchmarkTable();
    for (const [name, b] of Object.entries(r.benchmarks))
      benchmarks[name] = readBenchmark(b, file, `${where}.benchmarks[${JSON.stringify(clip(name))}]`);
    const run: Run = { id: r.id, timestamp: r.timestamp, benchmarks };
    if (typeof r.commit === 'string') run.commit = r.commit;
    if (typeof r.ref === 'string') run.ref = r.ref;
    return run;
  });
  return { schema: SCHEMA, version: VERSION, runs };
}

function byTime(a: Run, b: Run): number {
  return Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Strips what differs legitimately between two copies of one run (samples dropped on ageing). */
function runKey(run: Run): string {
  const benchmarks = Object.fromEntries(
    Object.entries(run.benchmarks)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, { samples: _samples, ...rest }]) => [name, rest]),
  );
  return JSON.stringify({ ...run, benchmarks });
}

/**
 * Merges several histories (e.g. from matrix jobs or an older and a newer artifact): runs are
 * united by id; two different runs with one id are an error naming both files.
 */
export function mergeHistories(docs: ReadonlyArray<{ file: string; doc: HistoryDocument }>): HistoryDocument {
  const byId = new Map<string, { run: Run; file: string }>();
  for (const { file, doc } of docs) {
    for (const run of doc.runs) {
      const known = byId.get(run.id);
      if (!known) {
        byId.set(run.id, { run, file });
        continue;
      }
      if (runKey(known.run) !== runKey(run))
        throw new FileError(file, `run ${quote(run.id)} differs from the run with the same id in ${known.file}`);
      // Prefer the copy that still has its samples.
      const hasSamples = (r: Run): boolean => Object.values(r.benchmarks).some((b) => b.samples);
      if (!hasSamples(known.run) && hasSamples(run)) byId.set(run.id, { run, file });
    }
  }
  return { schema: SCHEMA, version: VERSION, runs: [...byId.values()].map((e) => e.run).sort(byTime) };
}

/** Evenly spaced order statistics: keeps the shape of a large sample in `cap` values. */
export function thinSamples(samples: readonly number[], cap = MAX_STORED_SAMPLES): number[] {
  if (samples.length <= cap) return [...samples];
  const sorted = [...samples].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i < cap; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (cap - 1))]!);
  return out;
}

export function storeMeasurement(m: Measurement): StoredBenchmark {
  const stats = m.samples ? summarise(m.samples) : m;
  const out: StoredBenchmark = { unit: m.unit, direction: m.direction, n: stats.n, mean: stats.mean };
  if (stats.sd !== undefined) out.sd = stats.sd;
  if (stats.median !== undefined) out.median = stats.median;
  if (stats.min !== undefined) out.min = stats.min;
  if (stats.max !== undefined) out.max = stats.max;
  if (m.samples) out.samples = thinSamples(m.samples).map((v) => Number(v.toPrecision(STORED_DIGITS)));
  return out;
}

export function storedToMeasurement(name: string, b: StoredBenchmark): Measurement {
  const m: Measurement = { name, unit: b.unit, direction: b.direction, n: b.n, mean: b.mean };
  if (b.sd !== undefined) m.sd = b.sd;
  if (b.median !== undefined) m.median = b.median;
  if (b.min !== undefined) m.min = b.min;
  if (b.max !== undefined) m.max = b.max;
  if (b.samples) m.samples = b.samples;
  return m;
}

/**
 * Appends the current run and bounds the history to `size` runs (oldest dropped). Only the
 * newest SAMPLE_RUNS runs keep raw samples, so the document grows with benchmarks × runs, not
 * × samples.
 */
export function appendRun(history: HistoryDocument, run: Run, size: number): HistoryDocument {
  if (history.runs.some((r) => r.id === run.id)) {
    throw new FileError(
      'baseline',
      `already holds a run with id ${quote(run.id)}; a re-run must use a new id (the run attempt is part of the default id)`,
    );
  }
  const runs = [...history.runs, run].sort(byTime).slice(-size);
  const keep = new Set(runs.slice(-SAMPLE_RUNS));
  const trimmed = runs.map((r) =>
    keep.has(r)
      ? r
      : {
          ...r,
          benchmarks: benchmarkTable(
            Object.entries(r.benchmarks).map(([name, { samples: _samples, ...rest }]) => [name, rest] as const),
          ),
        },
  );
  return { schema: SCHEMA, version: VERSION, runs: trimmed };
}

/** A history run from this run's measurements. */
export function buildRun(
  measurements: readonly Measurement[],
  meta: { id: string; timestamp: string; commit?: string; ref?: string },
): Run {
  const run: Run = { id: meta.id, timestamp: meta.timestamp, benchmarks: benchmarkTable() };
  if (meta.commit) run.commit = meta.commit;
  if (meta.ref) run.ref = meta.ref;
  for (const m of measurements) run.benchmarks[m.name] = storeMeasurement(m);
  return run;
}
