/** Typed reads from untrusted parsed JSON: wrong types become undefined, never exceptions. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** The largest line or column a SARIF region (a 32-bit integer) and an annotation can hold. */
export const MAX_POSITION = 2_147_483_647;

/** A positive whole line/column number no larger than MAX_POSITION, else undefined. */
export function position(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && Number.isInteger(n) && n > 0 && n <= MAX_POSITION ? n : undefined;
}

/** A CVSS score or SARIF security-severity: a number from 0 to 10, else undefined. */
export function cvssScore(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 0 && n <= 10 ? n : undefined;
}

/** A lookup table's own entry: a word from a report named like an Object property (`constructor`) is unknown. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function strings(value: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(value)) return out;
  for (const v of value) {
    const s = str(v);
    if (s !== undefined && s !== '') out.push(s);
  }
  return out;
}
