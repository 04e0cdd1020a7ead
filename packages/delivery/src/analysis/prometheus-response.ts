/** Pure parsing of Prometheus HTTP API answers (/api/v1/query, /api/v1/query_range). */

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** Unix seconds. */
  time: number;
}

export interface Series {
  labels: Record<string, string>;
  points: { time: number; value: number }[];
}

export type QueryResult =
  | { resultType: 'vector'; samples: Sample[] }
  | { resultType: 'scalar'; samples: Sample[] }
  | { resultType: 'matrix'; series: Series[] }
  | { resultType: 'string'; text: string };

/** Why a query failed: Prometheus said so (errorType from the API), or the answer was unusable. */
export class PrometheusError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Prometheus writes sample values as strings: "0.1", "NaN", "+Inf", "-Inf". */
export function parseSampleValue(raw: unknown): number {
  if (typeof raw !== 'string')
    throw new PrometheusError(`sample value is not a string: ${JSON.stringify(raw)}`, 'bad_response');
  if (raw === 'NaN') return Number.NaN;
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  const n = Number(raw);
  if (raw.trim() === '' || Number.isNaN(n))
    throw new PrometheusError(`sample value is not a number: ${JSON.stringify(raw)}`, 'bad_response');
  return n;
}

function pair(raw: unknown): { time: number; value: number } {
  if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number') {
    throw new PrometheusError('sample is not a [time, "value"] pair', 'bad_response');
  }
  return { time: raw[0], value: parseSampleValue(raw[1]) };
}

function labelsOf(raw: unknown): Record<string, string> {
  if (!isRecord(raw)) return {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v;
  return labels;
}

/**
 * Turns the JSON body and HTTP status of a query into a result or a PrometheusError
 * carrying Prometheus' own errorType (bad_data, execution, timeout, canceled, unavailable…).
 */
export function parseQueryResponse(status: number, body: string): QueryResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const head = body.slice(0, 200).replace(/\s+/g, ' ');
    if (status === 401 || status === 403) {
      throw new PrometheusError(
        `HTTP ${status}: Prometheus (or its proxy) refused the credentials (${head || 'empty body'})`,
        'unauthorized',
        status,
      );
    }
    throw new PrometheusError(
      `HTTP ${status}: the answer is not Prometheus JSON (${head || 'empty body'})`,
      'bad_response',
      status,
    );
  }
  if (!isRecord(json))
    throw new PrometheusError(`HTTP ${status}: the answer is not a JSON object`, 'bad_response', status);
  if (json['status'] !== 'success') {
    const errorType = typeof json['errorType'] === 'string' ? json['errorType'] : 'error';
    const message = typeof json['error'] === 'string' ? json['error'] : 'no error message';
    throw new PrometheusError(`Prometheus ${errorType} (HTTP ${status}): ${message}`, errorType, status);
  }
  if (status < 200 || status >= 300)
    throw new PrometheusError(`HTTP ${status} with a success body`, 'bad_response', status);
  const data = json['data'];
  if (!isRecord(data)) throw new PrometheusError('answer has no data object', 'bad_response', status);
  const result = data['result'];
  switch (data['resultType']) {
    case 'vector':
      if (!Array.isArray(result)) throw new PrometheusError('vector result is not a list', 'bad_response', status);
      return {
        resultType: 'vector',
        samples: result.map((s: unknown) => {
          if (!isRecord(s)) throw new PrometheusError('vector sample is not an object', 'bad_response', status);
          return { labels: labelsOf(s['metric']), ...pair(s['value']) };
        }),
      };
    case 'scalar':
      return { resultType: 'scalar', samples: [{ labels: {}, ...pair(result) }] };
    case 'matrix':
      if (!Array.isArray(result)) throw new PrometheusError('matrix result is not a list', 'bad_response', status);
      return {
        resultType: 'matrix',
        series: result.map((s: unknown) => {
          if (!isRecord(s) || !Array.isArray(s['values']))
            throw new PrometheusError('matrix series has no values', 'bad_response', status);
          return { labels: labelsOf(s['metric']), points: s['values'].map(pair) };
        }),
      };
    case 'string':
      return { resultType: 'string', text: Array.isArray(result) && typeof result[1] === 'string' ? result[1] : '' };
    default:
      throw new PrometheusError(`unknown resultType ${JSON.stringify(data['resultType'])}`, 'bad_response', status);
  }
}

/** A series' labels as PromQL shows them: {code="500",service="api"}. */
export function formatLabels(labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${labels['__name__'] ?? ''}{${inner}}`;
}
