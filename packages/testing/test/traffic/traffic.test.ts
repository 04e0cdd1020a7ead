import { afterEach, describe, expect, it } from 'vitest';
import {
  fixedWeights,
  startLoad,
  startTrackServer,
  type TrackServer,
  type TrafficWeights,
} from '../../src/traffic/index.js';

const servers: TrackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function track(name: string, errorRate: number, latencyMs = 1): Promise<TrackServer> {
  const s = await startTrackServer(name, { errorRate, latencyMs });
  servers.push(s);
  return s;
}

function sampleValue(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('track servers', () => {
  it('answer exactly errorRate of requests with 500, spread evenly, and export prom-client metrics', async () => {
    const s = await track('canary', 0.1);
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await fetch(s.url)).status);
    expect(codes.filter((c) => c === 500)).toHaveLength(3);
    expect(codes[9]).toBe(500);
    expect(s.served()).toEqual({ '200': 27, '500': 3 });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(sampleValue(metrics, 'http_requests_total{method="GET",code="500"}')).toBe(3);
    expect(sampleValue(metrics, 'http_requests_total{method="GET",code="200"}')).toBe(27);
    expect(sampleValue(metrics, 'http_request_duration_seconds_count{method="GET",code="200"}')).toBe(27);
    expect(metrics).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('take the configured latency (recorded in the histogram) and can turn unhealthy', async () => {
    const s = await track('slow', 0, 60);
    await fetch(s.url);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(sampleValue(metrics, 'http_request_duration_seconds_bucket{le="0.055",method="GET",code="200"}')).toBe(0);
    expect(sampleValue(metrics, 'http_request_duration_seconds_bucket{le="0.5",method="GET",code="200"}')).toBe(1);
    s.set({ healthy: false });
    expect((await fetch(`${s.url}/metrics`)).status).toBe(503);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(503);
  });
});

describe('load generator', () => {
  it('splits requests by the weights exactly (smooth weighted round-robin) and stops at maxRequests', async () => {
    const stable = await track('stable', 0);
    const canary = await track('canary', 0);
    const load = startLoad({
      targets: { stable: stable.url, canary: canary.url },
      weights: fixedWeights(90, 10),
      ratePerSecond: 400,
      maxRequests: 100,
      durationMs: 20_000,
    });
    const stats = await load.done;
    expect(stats.stable.sent + stats.canary.sent).toBe(100);
    expect(stats.canary.sent).toBe(10);
    expect(stats.stable.byStatus).toEqual({ '200': 90 });
    expect(canary.served()).toEqual({ '200': 10 });
  });

  it('follows weights that change, and keeps the last good weights when the provider fails', async () => {
    const stable = await track('stable', 0);
    const canary = await track('canary', 0);
    let weights: TrafficWeights | Error = { stable: 100, canary: 0 };
    const load = startLoad({
      targets: { stable: stable.url, canary: canary.url },
      weights: async () => {
        if (weights instanceof Error) throw weights;
        return weights;
      },
      ratePerSecond: 200,
      weightRefreshMs: 50,
      durationMs: 20_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(load.stats().canary.sent).toBe(0);
    expect(load.stats().stable.sent).toBeGreaterThan(0);
    weights = { stable: 0, canary: 100 };
    await new Promise((r) => setTimeout(r, 300));
    weights = new Error('API down');
    await new Promise((r) => setTimeout(r, 300));
    const stats = await load.stop();
    expect(stats.canary.sent).toBeGreaterThan(0);
    expect(stats.weights).toEqual({ stable: 0, canary: 100 });
    expect(stats.weightErrors).toBeGreaterThan(0);
  });

  it('counts network failures and bounds requests in flight', async () => {
    const gone = await track('gone', 0);
    await gone.close(); // its port now refuses connections
    servers.splice(servers.indexOf(gone), 1);
    const stable = await track('stable', 0);
    const hung = await track('hung', 0, 5_000);
    const load = startLoad({
      targets: { stable: stable.url, canary: hung.url },
      weights: fixedWeights(0, 1),
      ratePerSecond: 500,
      maxInFlight: 5,
      requestTimeoutMs: 300,
      durationMs: 200,
    });
    const stats = await load.done;
    expect(stats.canary.sent).toBe(5); // the first 5 never finish within the 200 ms run
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.canary.failed).toBe(stats.canary.sent);
    const refused = startLoad({
      targets: { stable: gone.url, canary: gone.url },
      weights: fixedWeights(1, 0),
      ratePerSecond: 50,
      maxRequests: 3,
    });
    const r = await refused.done;
    expect(r.stable.failed).toBe(3);
  });
});
