import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';

export interface TrackBehaviour {
  /** Share of requests answered 500, 0–1; spread evenly (every 10th request at 0.1), not randomly. */
  errorRate: number;
  /** Time each request takes before it is answered. */
  latencyMs: number;
  /**
   * Extra uniform jitter [0, jitterMs) on top of latencyMs. The recorded duration is the real
   * handling time minus the lateness of the delay timer (scheduling noise of the test process).
   */
  jitterMs?: number;
  /** When false, /metrics and /healthz answer 503 (Prometheus then records up = 0). */
  healthy?: boolean;
}

export interface TrackServer {
  name: string;
  url: string;
  /** host:port, as a scrape target. */
  address: string;
  registry: Registry;
  /** Requests answered so far by status code. */
  served(): Record<string, number>;
  set(behaviour: Partial<TrackBehaviour>): void;
  close(): Promise<void>;
}

/**
 * Latency buckets every 5 ms up to 0.5 s (then coarse), so histogram_quantile resolves a 3×
 * latency change instead of snapping to prom-client's default bucket edges.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  ...Array.from({ length: 100 }, (_, i) => Number(((i + 1) * 0.005).toFixed(3))),
  0.75,
  1,
  2.5,
  5,
  10,
];

/**
 * An HTTP service for one track (stable or canary) that exports the standard HTTP metrics with
 * prom-client on /metrics: http_requests_total{method,code} and the histogram
 * http_request_duration_seconds{method,code}. Each server has its own registry.
 */
export async function startTrackServer(name: string, behaviour: TrackBehaviour): Promise<TrackServer> {
  let current: TrackBehaviour = { healthy: true, jitterMs: 0, ...behaviour };
  const registry = new Registry();
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by status code',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'code'],
    buckets: [...LATENCY_BUCKETS],
    registers: [registry],
  });
  const served: Record<string, number> = {};
  let errorDebt = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    if (req.url === '/metrics' || req.url === '/healthz') {
      if (!current.healthy) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('unhealthy\n');
        return;
      }
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
      return;
    }
    req.resume();
    // Deterministic error spread: a request fails whenever the accumulated share reaches one.
    errorDebt += current.errorRate;
    const fail = errorDebt >= 1 - 1e-9;
    if (fail) errorDebt -= 1;
    const delay = current.latencyMs + (current.jitterMs ? Math.random() * current.jitterMs : 0);
    const due = process.hrtime.bigint() + BigInt(Math.round(delay * 1e6));
    const timer = setTimeout(() => {
      timers.delete(timer);
      // The timer fires late when the test process is descheduled (a busy CI machine); that
      // lateness is the harness's, not the simulated service's, so it is not recorded.
      const lateness = process.hrtime.bigint() - due;
      const code = fail ? '500' : '200';
      res.writeHead(Number(code), { 'content-type': 'text/plain' }).end(fail ? 'injected error\n' : `${name}\n`);
      const elapsed = process.hrtime.bigint() - started - (lateness > 0n ? lateness : 0n);
      const seconds = Number(elapsed) / 1e9;
      requests.inc({ method: req.method ?? 'GET', code });
      duration.observe({ method: req.method ?? 'GET', code }, seconds);
      served[code] = (served[code] ?? 0) + 1;
    }, delay);
    timers.add(timer);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    registry,
    served: () => ({ ...served }),
    set(change) {
      current = { ...current, ...change };
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
