import { FileError, quote } from '@spikeformer-actions/core';
import { type Measurement, summarise } from '../model.js';
import { finiteNumber, isObject, numberArray, requireArray, requireString, requireTime, timeArray } from './shape.js';

/**
 * hyperfine `--export-json`: one result per command, `times` in seconds. Runs whose exit code
 * was non-zero (kept with `-i`) time a failure, not the command, so they are dropped.
 */
export function parseHyperfine(doc: unknown, file: string, warn: (message: string) => void): Measurement[] {
  if (!isObject(doc)) throw new FileError(file, 'expected a hyperfine JSON object');
  const results = requireArray(doc.results, file, '"results"');
  const out: Measurement[] = [];
  results.forEach((entry, i) => {
    const where = `results[${i}]`;
    if (!isObject(entry)) throw new FileError(file, `${where} is not an object`);
    const name = requireString(entry.command, file, `${where}.command`);
    const times = timeArray(entry.times, file, `${where}.times`);
    const codes = numberArray(entry.exit_codes, file, `${where}.exit_codes`);
    if (times && times.length > 0) {
      const kept = codes && codes.length === times.length ? times.filter((_, k) => codes[k] === 0) : times;
      if (kept.length < times.length)
        warn(
          `${file}: ${quote(name)} exited non-zero in ${times.length - kept.length} of ${times.length} runs; those runs are left out`,
        );
      if (kept.length === 0) return;
      out.push({ name, unit: 's', direction: 'smaller-is-better', samples: kept, ...summarise(kept) });
      return;
    }
    const m: Measurement = {
      name,
      unit: 's',
      direction: 'smaller-is-better',
      n: 1,
      mean: requireTime(entry.mean, file, `${where}.mean`),
    };
    const median = finiteNumber(entry.median);
    if (median !== undefined) m.median = median;
    const min = finiteNumber(entry.min);
    if (min !== undefined) m.min = min;
    out.push(m);
  });
  return out;
}
