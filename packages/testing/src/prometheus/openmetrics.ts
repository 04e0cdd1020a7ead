/**
 * Writes OpenMetrics text for backfilling: one family at a time (OpenMetrics forbids
 * interleaving families), every sample with an explicit timestamp in seconds.
 */

export interface OpenMetricsSample {
  /** Full sample name, e.g. http_requests_total or http_request_duration_seconds_bucket. */
  name: string;
  labels: Record<string, string>;
  /** Unix seconds. */
  time: number;
  value: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

/** One family block: `# TYPE`, `# HELP`, then samples grouped by series in time order. */
export function openMetricsFamily(
  family: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: readonly OpenMetricsSample[],
): string {
  const bySeries = new Map<string, OpenMetricsSample[]>();
  for (const s of samples) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    const key = `${s.name}{${labels}}`;
    const list = bySeries.get(key) ?? [];
    list.push(s);
    bySeries.set(key, list);
  }
  const lines = [`# TYPE ${family} ${type}`, `# HELP ${family} ${help}`];
  for (const [key, list] of bySeries) {
    for (const s of [...list].sort((a, b) => a.time - b.time)) lines.push(`${key} ${formatNumber(s.value)} ${s.time}`);
  }
  return `${lines.join('\n')}\n`;
}
