/** The shapes shared by parsers, the history document and the comparison. */

export type Direction = 'smaller-is-better' | 'bigger-is-better';

export const FORMATS = [
  'pytest-benchmark',
  'google-benchmark',
  'hyperfine',
  'custom-smaller-is-better',
  'custom-bigger-is-better',
  'locust',
  'k6',
] as const;
export type Format = (typeof FORMATS)[number];

export const METRICS = ['median', 'mean', 'min'] as const;
export type Metric = (typeof METRICS)[number];

/** One benchmark measured in one run, in its normalised unit. */
export interface Measurement {
  name: string;
  /** Normalised unit: `s` for times (with any `/op`-like suffix kept), `B` for bytes, else as reported. */
  unit: string;
  direction: Direction;
  /** Raw samples when the report has them (pytest-benchmark data, Google Benchmark repetitions, hyperfine times). */
  samples?: number[];
  /** Number of samples (or rounds) behind the summary. */
  n: number;
  mean: number;
  /** Sample standard deviation; absent when the report gives one value only. */
  sd?: number;
  median?: number;
  min?: number;
  max?: number;
}

/** The value of `metric` for a measurement, falling back to the mean when the report lacks it. */
export function metricValue(m: Pick<Measurement, 'mean' | 'median' | 'min'>, metric: Metric): number {
  if (metric === 'median') return m.median ?? m.mean;
  if (metric === 'min') return m.min ?? m.mean;
  return m.mean;
}

/** Summary statistics of raw samples (sd with n − 1). */
export function summarise(
  samples: readonly number[],
): Pick<Measurement, 'n' | 'mean' | 'sd' | 'median' | 'min' | 'max'> {
  const n = samples.length;
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : undefined;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const out: Pick<Measurement, 'n' | 'mean' | 'sd' | 'median' | 'min' | 'max'> = {
    n,
    mean,
    median,
    min: sorted[0]!,
    max: sorted[n - 1]!,
  };
  if (sd !== undefined) out.sd = sd;
  return out;
}
