import { FileError } from '@spikeformer-actions/core';
import { type Measurement, summarise } from '../model.js';
import { finiteNumber, isObject, requireArray, requireCount, requireString, requireTime, timeArray } from './shape.js';

/**
 * pytest-benchmark `--benchmark-json` (3.x–5.x). Times are seconds per iteration; `stats.data`
 * (always in 5.x, with `--benchmark-save-data` before) holds one value per round, already
 * divided by the iterations.
 */
export function parsePytestBenchmark(doc: unknown, file: string): Measurement[] {
  if (!isObject(doc)) throw new FileError(file, 'expected a pytest-benchmark JSON object');
  const benchmarks = requireArray(doc.benchmarks, file, '"benchmarks"');
  return benchmarks.map((entry, i) => {
    const where = `benchmarks[${i}]`;
    if (!isObject(entry)) throw new FileError(file, `${where} is not an object`);
    const name = requireString(entry.fullname ?? entry.name, file, `${where}.fullname`);
    if (!isObject(entry.stats)) throw new FileError(file, `${where}.stats is missing`);
    const stats = entry.stats;
    const samples = timeArray(stats.data, file, `${where}.stats.data`);
    if (samples && samples.length > 0) {
      return { name, unit: 's', direction: 'smaller-is-better', samples, ...summarise(samples) };
    }
    const m: Measurement = {
      name,
      unit: 's',
      direction: 'smaller-is-better',
      n: requireCount(stats.rounds, file, `${where}.stats.rounds`),
      mean: requireTime(stats.mean, file, `${where}.stats.mean`),
    };
    const sd = finiteNumber(stats.stddev);
    if (sd !== undefined && m.n > 1) m.sd = sd;
    const median = finiteNumber(stats.median);
    if (median !== undefined) m.median = median;
    const min = finiteNumber(stats.min);
    if (min !== undefined) m.min = min;
    const max = finiteNumber(stats.max);
    if (max !== undefined) m.max = max;
    return m;
  });
}
