import { HttpError, httpRequest, maskSecret, redact } from '@spikeformer-actions/core';
import { parseQueryResponse, PrometheusError, type QueryResult } from './prometheus-response.js';

export interface PrometheusClientOptions {
  /** Base URL, with a path prefix if Prometheus runs behind one (http://host:9090/prometheus). */
  address: string;
  /** Sent as `Authorization: Bearer …`; masked in the log and removed from every message. */
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** Extra headers (e.g. X-Scope-OrgID for Thanos/Cortex/Mimir); values of auth-like names are redacted. */
  headers?: Record<string, string>;
  /** Per query: connection + response timeout on our side, and the `timeout` parameter Prometheus honours. */
  timeoutMs?: number;
  /** Attempts per query; network errors and 5xx are retried, 4xx never (a bad query stays bad). */
  attempts?: number;
  backoffMs?: number;
  /** PEM CA bundle for a private CA. */
  ca?: string;
  /** Skip TLS verification (only when explicitly asked for). */
  insecureSkipTlsVerify?: boolean;
}

export interface QueryOptions {
  /** Unix milliseconds to evaluate at; Prometheus' own "now" when absent. */
  timeMs?: number;
  signal?: AbortSignal;
}

/** A client of the Prometheus HTTP API: instant and range queries, with timeouts, retries and masked credentials. */
export class PrometheusClient {
  readonly address: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];

  constructor(private readonly options: PrometheusClientOptions) {
    let url: URL;
    try {
      url = new URL(options.address);
    } catch {
      throw new PrometheusError(`Prometheus address is not a URL: ${redact(options.address)}`, 'config');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new PrometheusError(`Prometheus address must be http(s), got ${url.protocol}`, 'config');
    this.secrets = [];
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (url.username || url.password) {
      // Credentials in the URL become a header so they never appear in a printed URL.
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      this.secrets.push(password, headers['authorization'].slice(6));
      url.username = '';
      url.password = '';
    }
    if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      this.secrets.push(password, headers['authorization'].slice(6));
    }
    if (options.bearerToken) {
      headers['authorization'] = `Bearer ${options.bearerToken}`;
      this.secrets.push(options.bearerToken);
    }
    for (const secret of this.secrets) if (secret) maskSecret(secret);
    if (headers['authorization']) maskSecret(headers['authorization'].replace(/^\S+\s+/, ''));
    this.headers = headers;
    this.address = url.toString().replace(/\/+$/, '');
  }

  /** Instant query: the value of each series at one time (Argo/Flagger semantics). */
  async instant(query: string, options: QueryOptions = {}): Promise<QueryResult> {
    const form = new URLSearchParams({ query });
    if (options.timeMs !== undefined) form.set('time', (options.timeMs / 1000).toFixed(3));
    return this.post('/api/v1/query', form, options.signal);
  }

  /** Range query: every series from start to end at the given step (for statistical comparisons). */
  async range(
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<QueryResult> {
    if (!(endMs >= startMs) || !(stepMs > 0))
      throw new PrometheusError('range query needs start <= end and a positive step', 'config');
    const form = new URLSearchParams({
      query,
      start: (startMs / 1000).toFixed(3),
      end: (endMs / 1000).toFixed(3),
      step: `${stepMs / 1000}`,
    });
    return this.post('/api/v1/query_range', form, options.signal);
  }

  private async post(path: string, form: URLSearchParams, signal: AbortSignal | undefined): Promise<QueryResult> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    // Ask Prometheus to give up a little before we do, so a slow query reports its own timeout error.
    form.set('timeout', Math.max(0.1, (timeoutMs * 0.9) / 1000).toFixed(3)); // plain seconds: Prometheus rejects "4.5s"
    let response;
    try {
      response = await httpRequest(`${this.address}${path}`, {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        connectTimeoutMs: Math.min(timeoutMs, 10_000),
        readTimeoutMs: timeoutMs,
        attempts: this.options.attempts ?? 2,
        backoffMs: this.options.backoffMs ?? 250,
        maxBackoffMs: 2_000,
        maxResponseBytes: 16 * 1024 * 1024,
        ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}),
        ...(this.options.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
        ...(signal ? { signal } : {}),
        secrets: this.secrets,
      });
    } catch (error) {
      if (error instanceof HttpError) {
        const detail = error.body ? `: ${error.body.slice(0, 300)}` : '';
        throw new PrometheusError(
          `${error.message}${detail}`,
          error.status === undefined ? 'unreachable' : 'server_error',
          error.status,
        );
      }
      throw error;
    }
    try {
      return parseQueryResponse(response.status, response.text());
    } catch (error) {
      if (error instanceof PrometheusError)
        throw new PrometheusError(redact(error.message, this.secrets), error.errorType, error.status);
      throw error;
    }
  }
}
