import { FileError } from '@spikeformer-actions/core';

/** Small readers for untrusted JSON that fail with the file and the field named. */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function requireArray(value: unknown, file: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new FileError(file, `${what} is missing or not an array`);
  return value;
}

export function requireString(value: unknown, file: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new FileError(file, `${what} is missing or not a string`);
  return value;
}

export function requireNumber(value: unknown, file: string, what: string): number {
  const n = finiteNumber(value);
  if (n === undefined) throw new FileError(file, `${what} is missing or not a finite number`);
  return n;
}

/** A time or a measured value: finite and not negative (the comparison works on ratios). */
export function requireTime(value: unknown, file: string, what: string): number {
  const n = requireNumber(value, file, what);
  if (n < 0) throw new FileError(file, `${what} is negative`);
  return n;
}

/** A count such as rounds or repetitions: a whole number of at least 1. */
export function requireCount(value: unknown, file: string, what: string): number {
  const n = finiteNumber(value);
  if (n === undefined || !Number.isInteger(n) || n < 1)
    throw new FileError(file, `${what} must be a whole number of at least 1`);
  return n;
}

/** An array of times (finite, not negative), or undefined when absent. */
export function timeArray(value: unknown, file: string, what: string): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new FileError(file, `${what} is not an array`);
  return value.map((v, i) => requireTime(v, file, `${what}[${i}]`));
}

/** An array of finite numbers, or undefined when absent; anything else is an error. */
export function numberArray(value: unknown, file: string, what: string): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new FileError(file, `${what} is not an array`);
  return value.map((v, i) => requireNumber(v, file, `${what}[${i}]`));
}
