/**
 * Pure parsers behind the input readers; they return a value or a problem description
 * (without the input's name, which the reader adds).
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });
const show = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

export function parseBoolean(text: string): Parsed<boolean> {
  // The YAML 1.2 core schema's booleans, as @actions/core getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(text)) return ok(true);
  if (['false', 'False', 'FALSE'].includes(text)) return ok(false);
  return bad(`expected true or false, got ${show(text)}`);
}

export interface NumberRange {
  min?: number;
  max?: number;
}

function inRange(value: number, range: NumberRange, text: string): Parsed<number> {
  if (range.min !== undefined && value < range.min) return bad(`${show(text)} is below the minimum ${range.min}`);
  if (range.max !== undefined && value > range.max) return bad(`${show(text)} is above the maximum ${range.max}`);
  return ok(value);
}

export function parseInteger(text: string, range: NumberRange = {}): Parsed<number> {
  if (!/^[+-]?\d+$/.test(text)) return bad(`expected a whole number, got ${show(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return bad(`${show(text)} is too large`);
  return inRange(value, range, text);
}

export function parseFloatStrict(text: string, range: NumberRange = {}): Parsed<number> {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return bad(`expected a number, got ${show(text)}`);
  const value = Number(text);
  if (!Number.isFinite(value)) return bad(`${show(text)} is not a finite number`);
  return inRange(value, range, text);
}

/** `10` or `10%` (or `2.5%`) → 10 (percent units). Range defaults to 0–100. */
export function parsePercentage(text: string, range: NumberRange = { min: 0, max: 100 }): Parsed<number> {
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*%?$/.exec(text);
  if (!m?.[1]) return bad(`expected a percentage like 10 or 10%, got ${show(text)}`);
  return inRange(Number(m[1]), range, text);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration any input or file may give: 5 days, the longest a job may run on a
 * self-hosted runner (hosted runners stop a job at 6 h). Below 2^31 ms, so one timer holds it.
 */
export const MAX_DURATION_MS = 5 * 24 * 3_600_000;

/**
 * `90s`, `5m`, `1h`, `250ms`, `1m30s`; a bare number is seconds. Returns milliseconds, at most
 * MAX_DURATION_MS (a range's max is capped there too).
 */
export function parseDuration(text: string, range: NumberRange = { min: 0 }): Parsed<number> {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return durationInRange(Number(trimmed) * 1000, range, text);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(trimmed); m; m = part.exec(trimmed)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length || !Number.isFinite(total)) {
    return bad(`expected a duration like 90s, 5m, 1h or 1m30s, got ${show(text)}`);
  }
  return durationInRange(total, range, text);
}

function durationInRange(ms: number, range: NumberRange, text: string): Parsed<number> {
  const max = Math.min(range.max ?? MAX_DURATION_MS, MAX_DURATION_MS);
  if (!Number.isFinite(ms) || ms > max) return bad(`${show(text)} is longer than the maximum ${formatDuration(max)}`);
  if (range.min !== undefined && ms < range.min)
    return bad(`${show(text)} is shorter than the minimum ${formatDuration(range.min)}`);
  return ok(ms);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(1))}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return rest ? `${m}m${rest}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
}

export function parseEnum<T extends string>(text: string, allowed: readonly T[]): Parsed<T> {
  const found = allowed.find((v) => v === text);
  return found === undefined ? bad(`expected one of ${allowed.join(', ')}, got ${show(text)}`) : ok(found);
}

/** Newline- or comma-separated; entries trimmed, empty ones dropped. */
export function parseList(text: string, options: { commas?: boolean } = {}): string[] {
  const separator = options.commas === false ? /\r?\n/ : /\r?\n|,/;
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
