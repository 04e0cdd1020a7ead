import { FileError, quote } from '@spikeformer-actions/core';
import type { LoadReport } from '../load/model.js';
import type { Direction, Format, Measurement } from '../model.js';
import { parseCustom } from './custom.js';
import { parseGoogleBenchmark } from './google-benchmark.js';
import { parseHyperfine } from './hyperfine.js';
import { parseK6 } from './k6.js';
import { parsePytestBenchmark } from './pytest-benchmark.js';
import { isObject } from './shape.js';

/** Which tool wrote this JSON; undefined when it is none we know. */
export function detectFormat(doc: unknown): Format | 'custom' | undefined {
  if (Array.isArray(doc)) return doc.every((e) => isObject(e) && 'value' in e && 'name' in e) ? 'custom' : undefined;
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc.benchmarks) && isObject(doc.machine_info)) return 'pytest-benchmark';
  if (Array.isArray(doc.benchmarks) && isObject(doc.context)) return 'google-benchmark';
  if (Array.isArray(doc.results) && doc.results.every((r) => isObject(r) && 'command' in r)) return 'hyperfine';
  if (
    isObject(doc.metrics) &&
    ['http_req_duration', 'http_reqs', 'http_req_failed'].some((m) =>
      isObject((doc.metrics as Record<string, unknown>)[m]),
    )
  )
    return 'k6';
  return undefined;
}

export interface ParsedReport {
  format: Format;
  measurements: Measurement[];
  /** Load-test results (k6, locust), for the SLOs. */
  load?: LoadReport;
}

/** Parses one report; `direction` overrides the format's own (e.g. a throughput metric). */
export function parseReport(
  doc: unknown,
  file: string,
  format: Format | 'auto',
  direction?: Direction,
  warn?: (message: string) => void,
): ParsedReport {
  let chosen: Format;
  if (format === 'auto') {
    const detected = detectFormat(doc);
    if (detected === undefined)
      throw new FileError(
        file,
        'is not a pytest-benchmark, Google Benchmark, hyperfine, k6 or github-action-benchmark custom report',
      );
    if (detected === 'custom') {
      throw new FileError(
        file,
        "is github-action-benchmark's custom format; set 'format' to custom-smaller-is-better or custom-bigger-is-better",
      );
    }
    chosen = detected;
  } else {
    chosen = format;
  }
  let measurements: Measurement[];
  let load: LoadReport | undefined;
  switch (chosen) {
    case 'pytest-benchmark':
      measurements = parsePytestBenchmark(doc, file);
      break;
    case 'google-benchmark':
      measurements = parseGoogleBenchmark(doc, file);
      break;
    case 'hyperfine':
      measurements = parseHyperfine(doc, file, warn ?? (() => undefined));
      break;
    case 'custom-smaller-is-better':
      measurements = parseCustom(doc, file, 'smaller-is-better');
      break;
    case 'custom-bigger-is-better':
      measurements = parseCustom(doc, file, 'bigger-is-better');
      break;
    case 'k6':
      ({ measurements, load } = parseK6(doc, file));
      break;
    case 'locust':
      throw new FileError(file, "is JSON; locust's results are its CSV files: give PREFIX_stats.csv");
  }
  if (direction) measurements = measurements.map((m) => ({ ...m, direction }));
  return load === undefined ? { format: chosen, measurements } : { format: chosen, measurements, load };
}

/** Joins the measurements of several reports; the same benchmark in two files is an error. */
export function mergeReports(reports: ReadonlyArray<{ file: string; measurements: Measurement[] }>): Measurement[] {
  const seen = new Map<string, string>();
  const out: Measurement[] = [];
  for (const r of reports) {
    for (const m of r.measurements) {
      const other = seen.get(m.name);
      if (other !== undefined)
        throw new FileError(r.file, `benchmark ${quote(m.name)} is also in ${other}; give each benchmark once`);
      seen.set(m.name, r.file);
      out.push(m);
    }
  }
  return out;
}
