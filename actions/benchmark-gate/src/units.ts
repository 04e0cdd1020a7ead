/**
 * Unit normalisation: times become seconds and sizes bytes, so `us` and `ns` reports of the
 * same benchmark compare; a suffix such as `/op` or `/iter` is kept. Other units stay as given
 * and must match exactly.
 */

const TIME: Record<string, number> = {
  ns: 1e-9,
  nanoseconds: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  microseconds: 1e-6,
  ms: 1e-3,
  milliseconds: 1e-3,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  min: 60,
  minutes: 60,
};

const SIZE: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};

export interface NormalisedUnit {
  unit: string;
  /** Multiply reported values by this to get the normalised unit. */
  factor: number;
}

/** A table's own entry: a unit named like an Object property (`constructor`) is no unit of ours. */
function own(table: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function normaliseUnit(raw: string): NormalisedUnit {
  const text = raw.trim();
  const m = /^([^/\s]+)\s*(\/.*)?$/.exec(text);
  if (!m) return { unit: text, factor: 1 };
  const head = m[1]!;
  const suffix = (m[2] ?? '').replace(/\s+/g, '');
  const time = own(TIME, head) ?? own(TIME, head.toLowerCase());
  if (time !== undefined) return { unit: `s${suffix}`, factor: time };
  const size = own(SIZE, head.toLowerCase());
  // "B" (bytes) only; a lone lower-case "b" is more likely bits, so it stays as given.
  if (size !== undefined && head !== 'b') return { unit: `B${suffix}`, factor: size };
  return { unit: text, factor: 1 };
}

const TIME_STEPS: Array<[number, string]> = [
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
  [1e-9, 'ns'],
];

function significant(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/** A value in a readable scale of its unit (1.234 ms, 56.7 µs). */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const suffix = unit.replace(/^(s|B)(?=\/|$)/, '');
  if (unit === 's' || unit.startsWith('s/')) {
    const abs = Math.abs(value);
    const [scale, name] = TIME_STEPS.find(([s]) => abs >= s) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
    return `${significant(value / scale)} ${name}${suffix}`;
  }
  if (unit === 'B' || unit.startsWith('B/')) {
    const abs = Math.abs(value);
    const steps: Array<[number, string]> = [
      [1024 ** 3, 'GiB'],
      [1024 ** 2, 'MiB'],
      [1024, 'KiB'],
      [1, 'B'],
    ];
    const [scale, name] = steps.find(([s]) => abs >= s) ?? [1, 'B'];
    return `${significant(value / scale)} ${name}${suffix}`;
  }
  return `${Number(value.toPrecision(4))} ${unit}`.trim();
}

/** The scale used for a chart's axis, chosen from a series so every point shares it. */
export function chartScale(values: readonly number[], unit: string): { factor: number; label: string } {
  if (unit === 's' || unit.startsWith('s/')) {
    const suffix = unit.slice(1);
    const top = Math.max(...values.map(Math.abs).filter(Number.isFinite), 0);
    const [scale, name] = TIME_STEPS.find(([s]) => top >= s) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
    return { factor: 1 / scale, label: `${name}${suffix}` };
  }
  return { factor: 1, label: unit };
}
