import { HttpError, httpRequest, maskSecret, parseJsonText, redact, redactUrl } from '@spikeformer-actions/core';
import { type AlertMatcher, matchesAll, matcherText } from './matchers.js';

/** A firing alert as the API v2 gives it, reduced to what a decision and a report need. */
export interface FiringAlert {
  name: string;
  labels: Record<string, string>;
  startsAt: string;
  fingerprint: string;
}

export class AlertmanagerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertmanagerError';
  }
}

export interface AlertmanagerClientOptions {
  /** Base URL, with a path prefix if Alertmanager runs behind one; user info becomes Basic auth. */
  address: string;
  timeoutMs?: number;
  attempts?: number;
}

/** More alerts than any real Alertmanager returns for one filter; the answer is bounded anyway. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_ALERTS = 10_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return undefined;
    out[k] = value;
  }
  return out;
}

/** Reads a `GET /api/v2/alerts` body: a list of alerts with labels; anything else is an error. */
export function parseAlerts(text: string): FiringAlert[] {
  let body: unknown;
  try {
    body = parseJsonText(text, 'Alertmanager response');
  } catch {
    throw new AlertmanagerError('Alertmanager answered with something that is not JSON');
  }
  if (!Array.isArray(body)) throw new AlertmanagerError('Alertmanager answered with JSON that is not a list of alerts');
  if (body.length > MAX_ALERTS)
    throw new AlertmanagerError(`Alertmanager answered with more than ${MAX_ALERTS} alerts`);
  return body.map((raw, i) => {
    const labels = isRecord(raw) ? stringMap(raw['labels']) : undefined;
    if (!isRecord(raw) || !labels)
      throw new AlertmanagerError(`Alertmanager answered with an alert without string labels (item ${i})`);
    return {
      name: labels['alertname'] ?? '',
      labels,
      startsAt: typeof raw['startsAt'] === 'string' ? raw['startsAt'] : '',
      fingerprint: typeof raw['fingerprint'] === 'string' ? raw['fingerprint'] : '',
    };
  });
}

/** A client of Alertmanager's API v2, as far as a rollout decision needs it. */
export class AlertmanagerClient {
  readonly address: string;
  private readonly headers: Record<string, string> = { accept: 'application/json' };
  private readonly secrets: string[] = [];

  constructor(private readonly options: AlertmanagerClientOptions) {
    let url: URL;
    try {
      url = new URL(options.address);
    } catch {
      throw new AlertmanagerError(`Alertmanager address is not a URL: ${redactUrl(options.address)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new AlertmanagerError(`Alertmanager address must be http(s), got ${url.protocol}`);
    if (url.username || url.password) {
      // Credentials in the URL become a header so they never appear in a printed URL.
      const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString(
        'base64',
      );
      this.headers['authorization'] = `Basic ${basic}`;
      this.secrets.push(basic, decodeURIComponent(url.password), url.password);
      maskSecret(basic);
      url.username = '';
      url.password = '';
    }
    this.address = url.toString().replace(/\/+$/, '');
  }

  /**
   * The active alerts that are neither silenced nor inhibited and match every matcher. The
   * filter is Alertmanager's; the labels are checked again here, so a proxy that drops the
   * filter cannot make an unrelated alert stop a rollout.
   */
  async firing(matchers: readonly AlertMatcher[], signal?: AbortSignal): Promise<FiringAlert[]> {
    const query = new URLSearchParams({ active: 'true', silenced: 'false', inhibited: 'false' });
    for (const m of matchers) query.append('filter', matcherText(m));
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response;
    try {
      response = await httpRequest(`${this.address}/api/v2/alerts?${query.toString()}`, {
        headers: this.headers,
        connectTimeoutMs: Math.min(timeoutMs, 10_000),
        readTimeoutMs: timeoutMs,
        attempts: this.options.attempts ?? 2,
        backoffMs: 250,
        maxBackoffMs: 2_000,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        ...(signal ? { signal } : {}),
        secrets: this.secrets,
      });
    } catch (error) {
      if (error instanceof HttpError) throw new AlertmanagerError(redact(error.message, this.secrets));
      throw error;
    }
    if (response.status !== 200) {
      const body = redact(response.text().slice(0, 200), this.secrets).trim();
      throw new AlertmanagerError(
        `GET ${this.address}/api/v2/alerts: HTTP ${response.status}${body ? `: ${body}` : ''}`,
      );
    }
    return parseAlerts(response.text()).filter((a) => matchesAll(matchers, a.labels));
  }
}
