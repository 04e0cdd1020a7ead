import { FileError } from '@spikeformer-actions/core';
import type { Direction, Measurement } from '../model.js';
import { normaliseUnit } from '../units.js';
import { isObject, requireString, requireTime } from './shape.js';

/**
 * github-action-benchmark's `customSmallerIsBetter` / `customBiggerIsBetter` JSON: an array of
 * `{name, unit, value, range?, extra?}`, one value per benchmark per run. With one value the
 * run-to-run spread must come from the history (see compare.ts).
 */
export function parseCustom(doc: unknown, file: string, direction: Direction): Measurement[] {
  if (!Array.isArray(doc))
    throw new FileError(file, 'expected an array of {name, unit, value} (github-action-benchmark custom format)');
  return doc.map((entry, i) => {
    const where = `[${i}]`;
    if (!isObject(entry)) throw new FileError(file, `${where} is not an object`);
    const name = requireString(entry.name, file, `${where}.name`);
    const { unit, factor } = normaliseUnit(requireString(entry.unit, file, `${where}.unit`));
    const value = requireTime(entry.value, file, `${where}.value`) * factor;
    return { name, unit, direction, n: 1, mean: value, median: value, min: value, max: value };
  });
}
