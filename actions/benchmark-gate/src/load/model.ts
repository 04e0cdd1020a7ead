/** Load-test results (locust, k6) as the SLO check and the summary see them. */

export const LOAD_TOOLS = ['locust', 'k6'] as const;
export type LoadTool = (typeof LOAD_TOOLS)[number];

/** The entry that stands for the whole run (locust's own name for it). */
export const AGGREGATED = 'Aggregated';

export interface LoadEntry {
  /** An endpoint ("GET /users", or k6's `name` tag), or AGGREGATED for the whole run. */
  name: string;
  aggregated: boolean;
  requests?: number;
  failures?: number;
  /** Failed requests / requests (0..1). */
  failureRate?: number;
  /** Requests per second over the run. */
  rps?: number;
  /** Response times in seconds: `mean`, `median`, `min`, `max` and percentiles as `p95`, `p99.9`. */
  times: Record<string, number>;
}

export interface LoadFailure {
  name: string;
  error: string;
  occurrences: number;
}

export interface LoadReport {
  tool: LoadTool;
  /** Workspace-relative file, for messages. */
  file: string;
  entries: LoadEntry[];
  /** Errors by endpoint (locust's _failures.csv); empty when the tool does not list them. */
  failures: LoadFailure[];
}

/** A response-time table keyed by statistic, without a prototype (keys come from report headers). */
export function timeTable(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}
