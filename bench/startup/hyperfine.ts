// hyperfine's --export-json shape, the report format benchmark-gate reads for wall times.

export interface BenchResult {
  /** The benchmark name benchmark-gate keys its history by. */
  name: string;
  /** Wall time of each timed run, in milliseconds. */
  ms: number[];
}

export interface HyperfineResult {
  command: string;
  mean: number;
  stddev: number;
  median: number;
  min: number;
  max: number;
  /** Seconds, like hyperfine. */
  times: number[];
}

const round = (s: number): number => Number(s.toFixed(9));

function summary(times: readonly number[]): Omit<HyperfineResult, 'command' | 'times'> {
  const n = times.length;
  const mean = times.reduce((a, b) => a + b, 0) / n;
  const stddev = n > 1 ? Math.sqrt(times.reduce((a, t) => a + (t - mean) ** 2, 0) / (n - 1)) : 0;
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  const median = n % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return {
    mean: round(mean),
    stddev: round(stddev),
    median: round(median),
    min: round(sorted[0] ?? 0),
    max: round(sorted.at(-1) ?? 0),
  };
}

/**
 * The runs as hyperfine writes them. `exit_codes` is left out on purpose: an action's timed
 * path is its fail-fast exit 1 (checked by the bench), and benchmark-gate drops the runs of a
 * hyperfine result whose exit code is not 0.
 */
export function hyperfineReport(results: readonly BenchResult[]): { results: HyperfineResult[] } {
  return {
    results: results.map((r) => {
      const times = r.ms.map((ms) => round(ms / 1000));
      return { command: r.name, ...summary(times), times };
    }),
  };
}
