import type http from 'node:http';
import { UserError } from './errors.js';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Time to establish the connection (TCP + TLS). */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for or reading the response. */
  readTimeoutMs?: number;
  /** Total attempts, the first included. */
  attempts?: number;
  /** Statuses that are retried besides network errors and 5xx (e.g. 429 for the Kubernetes API). */
  retryStatuses?: readonly number[];
  /** Base of the jittered exponential backoff. */
  backoffMs?: number;
  maxBackoffMs?: number;
  maxResponseBytes?: number;
  /** PEM CA bundle to trust, or false to skip TLS verification (explicitly asked for). */
  ca?: string;
  rejectUnauthorized?: boolean;
  signal?: AbortSignal;
  /** Extra strings to remove from every message (tokens that are not in a header). */
  secrets?: readonly string[];
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  attempts: number;
  text(): string;
  json(): unknown;
}

/** A request that failed for good: after its retries, or with a status that is not retried. */
export class HttpError extends UserError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
    readonly body: string = '',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const SECRET_QUERY =
  /([?&](?:access_token|token|key|api_key|apikey|password|secret|sig|signature|X-Amz-Signature)=)[^&#]*/gi;

/** A URL fit for a message: no user info, no secret-looking query values. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
    }
    return u.toString().replace(SECRET_QUERY, '$1***');
  } catch {
    return url.replace(SECRET_QUERY, '$1***');
  }
}

/** Removes every given secret and any Authorization-looking value from a message. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{4,}/gi, '$1 ***');
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join('***');
  return out;
}

function secretsOf(options: HttpRequestOptions): string[] {
  const found = [...(options.secrets ?? [])];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (/^(authorization|proxy-authorization|x-api-key|cookie|private-token)$/i.test(name)) {
      found.push(value, value.replace(/^\S+\s+/, ''));
    }
  }
  return found;
}

interface Attempt {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body?: Buffer;
  error?: string;
}

/** node:http/https load on first use: most actions never make a request, and loading them costs start-up. */
async function transportFor(protocol: string): Promise<Pick<typeof http, 'request'> | undefined> {
  if (protocol === 'https:') return (await import('node:https')).default;
  if (protocol === 'http:') return (await import('node:http')).default;
  return undefined;
}

async function attemptOnce(url: URL, options: HttpRequestOptions): Promise<Attempt> {
  const transport = await transportFor(url.protocol);
  if (!transport) return { error: `unsupported protocol ${url.protocol}` };
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const readTimeout = options.readTimeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Attempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      resolve(result);
    };
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = transport.request(url, {
      method: options.method ?? 'GET',
      headers,
      agent: false,
      ...(url.protocol === 'https:' ? { ca: options.ca, rejectUnauthorized: options.rejectUnauthorized ?? true } : {}),
    });
    const connectTimer = setTimeout(() => {
      request.destroy();
      done({ error: `connection not established within ${connectTimeout} ms` });
    }, connectTimeout);
    request.on('socket', (socket) => {
      const connected = (): void => {
        clearTimeout(connectTimer);
        socket.setTimeout(readTimeout, () => {
          request.destroy();
          done({ error: `no response data for ${readTimeout} ms` });
        });
      };
      if ((socket as { connecting?: boolean }).connecting)
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
      else connected();
    });
    request.on('error', (error: NodeJS.ErrnoException) => done({ error: error.code || error.message }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy();
          done({ error: `response larger than ${maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message }));
      response.on('aborted', () => done({ error: 'response aborted' }));
    });
    const onAbort = (): void => {
      request.destroy();
      done({ error: 'aborted' });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.end(options.body);
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Full-jitter exponential backoff (AWS's recommendation): uniform in [0, min(cap, base·2^n)]. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

function retryAfterMs(headers: http.IncomingHttpHeaders | undefined, capMs: number): number | undefined {
  const value = headers?.['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.min(capMs, Math.max(0, seconds * 1000));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.min(capMs, Math.max(0, date - Date.now())) : undefined;
}

/**
 * One HTTP request with timeouts and bounded, jittered retries on network errors and 5xx
 * (plus `retryStatuses`). 4xx is never retried. Messages never contain credentials.
 */
export async function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.backoffMs ?? 200;
  const cap = options.maxBackoffMs ?? 5_000;
  const secrets = secretsOf(options);
  const shown = redactUrl(url);
  const method = options.method ?? 'GET';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(`${method} ${redact(shown, secrets)}: not a valid URL`, undefined, 0);
  }
  let last: Attempt = {};
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (options.signal?.aborted) break;
    last = await attemptOnce(parsed, options);
    const status = last.status;
    const retryable =
      status === undefined
        ? last.error !== 'aborted'
        : (status >= 500 && status !== 501) || (options.retryStatuses ?? []).includes(status);
    if (status !== undefined && !retryable) {
      const body = last.body ?? Buffer.alloc(0);
      return {
        status,
        headers: last.headers ?? {},
        body,
        attempts: attempt + 1,
        text: () => body.toString('utf8'),
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      };
    }
    if (!retryable || attempt === attempts - 1) break;
    await sleep(retryAfterMs(last.headers, cap) ?? backoffDelay(attempt, base, cap), options.signal);
  }
  const reason = last.status !== undefined ? `HTTP ${last.status}` : (last.error ?? 'aborted');
  const body = last.body?.toString('utf8').slice(0, 500) ?? '';
  throw new HttpError(
    redact(`${method} ${shown} failed after ${attempts} attempt(s): ${reason}`, secrets),
    last.status,
    attempts,
    redact(body, secrets),
  );
}
