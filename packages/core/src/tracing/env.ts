// What the standard OpenTelemetry variables ask for, read without loading the SDK.
type Env = Readonly<Record<string, string | undefined>>;

/** Default and ceiling of one export's time (OTEL_EXPORTER_OTLP_TIMEOUT may lower it). */
export const EXPORT_TIMEOUT_MS = 10_000;
const MAX_HEADERS_LENGTH = 8192;

/**
 * Whether spans are to be exported: an OTLP endpoint is set and neither OTEL_SDK_DISABLED nor
 * OTEL_TRACES_EXPORTER=none turns the SDK off.
 */
export function tracingRequested(env: Env): boolean {
  if (!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return false;
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  return (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() !== 'none';
}

/**
 * The URL spans are sent to, as the OTLP exporter builds it: the traces endpoint as given, or
 * the general endpoint with /v1/traces appended. Undefined when it is no http(s) URL.
 */
export function tracesUrl(env: Env): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = specific ? specific : base ? `${base}${base.endsWith('/') ? '' : '/'}v1/traces` : undefined;
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Every value that must never reach a log: the header values of OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_EXPORTER_OTLP_TRACES_HEADERS (as written and URL-decoded, and a token without its
 * "Bearer " scheme), and the user, password and query values of the endpoint URLs.
 */
export function tracingSecrets(env: Env): string[] {
  const found = new Set<string>();
  const add = (value: string): void => {
    const v = value.trim();
    // Masking a value shorter than 4 characters would garble every log line that holds it.
    if (v.length < 4) return;
    found.add(v);
    const token = v.replace(/^\S+\s+/, '');
    if (token !== v && token.length >= 4) found.add(token);
  };
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const text = (env[name] ?? '').slice(0, MAX_HEADERS_LENGTH);
    for (const pair of text.split(',')) {
      const at = pair.indexOf('=');
      if (at < 0) continue;
      const value = pair.slice(at + 1);
      add(value);
      add(decoded(value));
    }
  }
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    const text = env[name]?.trim();
    if (!text) continue;
    try {
      const url = new URL(text);
      for (const part of [url.username, url.password]) {
        add(part);
        add(decoded(part));
      }
      for (const value of url.searchParams.values()) add(value);
    } catch {
      // Not a URL: nothing is sent to it, and it is never logged.
    }
  }
  return [...found];
}

/** OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT in milliseconds, within 1 ms … EXPORT_TIMEOUT_MS. */
export function exportTimeoutMs(env: Env): number {
  const text = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT;
  const value = text === undefined ? Number.NaN : Number(text.trim());
  return Number.isFinite(value) && value >= 1 ? Math.min(Math.floor(value), EXPORT_TIMEOUT_MS) : EXPORT_TIMEOUT_MS;
}
