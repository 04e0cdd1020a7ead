import { FileError, quote } from '@spikeformer-actions/core';
import { type Measurement, summarise } from '../model.js';
import { normaliseUnit } from '../units.js';
import { finiteNumber, isObject, requireArray, requireString, requireTime } from './shape.js';

interface Group {
  unit: string;
  samples: number[];
  aggregates: Map<string, number>;
  repetitions: number | undefined;
}

/**
 * Google Benchmark `--benchmark_out_format=json`. Each `run_type: iteration` row of a
 * benchmark is one repetition (one sample of real_time, the per-iteration wall time). When
 * only aggregates were reported (`--benchmark_report_aggregates_only`), their mean, stddev
 * and repetition count are used as a summary. BigO/RMS rows and errored runs are skipped.
 */
export function parseGoogleBenchmark(doc: unknown, file: string): Measurement[] {
  if (!isObject(doc)) throw new FileError(file, 'expected a Google Benchmark JSON object');
  const rows = requireArray(doc.benchmarks, file, '"benchmarks"');
  const groups = new Map<string, Group>();
  rows.forEach((row, i) => {
    const where = `benchmarks[${i}]`;
    if (!isObject(row)) throw new FileError(file, `${where} is not an object`);
    if (row.error_occurred === true) return;
    const aggregate =
      row.run_type === 'aggregate' ? (typeof row.aggregate_name === 'string' ? row.aggregate_name : '') : undefined;
    if (aggregate !== undefined && !['mean', 'median', 'stddev'].includes(aggregate)) return;
    const name = requireString(row.run_name ?? row.name, file, `${where}.run_name`);
    const { unit, factor } = normaliseUnit(typeof row.time_unit === 'string' ? row.time_unit : 'ns');
    const value = requireTime(row.real_time, file, `${where}.real_time`) * factor;
    let group = groups.get(name);
    if (!group) {
      group = { unit, samples: [], aggregates: new Map(), repetitions: finiteNumber(row.repetitions) };
      groups.set(name, group);
    } else if (group.unit !== unit) {
      throw new FileError(file, `${where}: benchmark ${quote(name)} mixes time units`);
    }
    if (aggregate === undefined) group.samples.push(value);
    else group.aggregates.set(aggregate, value);
  });
  const out: Measurement[] = [];
  for (const [name, g] of groups) {
    if (g.samples.length > 0) {
      out.push({ name, unit: g.unit, direction: 'smaller-is-better', samples: g.samples, ...summarise(g.samples) });
      continue;
    }
    const mean = g.aggregates.get('mean');
    if (mean === undefined) continue;
    const m: Measurement = { name, unit: g.unit, direction: 'smaller-is-better', n: g.repetitions ?? 1, mean };
    const sd = g.aggregates.get('stddev');
    if (sd !== undefined && m.n > 1) m.sd = sd;
    const median = g.aggregates.get('median');
    if (median !== undefined) m.median = median;
    out.push(m);
  }
  return out;
}
