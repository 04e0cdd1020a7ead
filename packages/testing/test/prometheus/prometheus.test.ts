import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openMetricsFamily,
  prometheusAvailable,
  startPrometheus,
  type RunningPrometheus,
} from '../../src/prometheus/index.js';
import { startTrackServer, type TrackServer } from '../../src/traffic/index.js';

const available = prometheusAvailable();

async function query(p: RunningPrometheus, q: string, time?: number): Promise<unknown> {
  const url = `${p.url}/api/v1/query?query=${encodeURIComponent(q)}${time ? `&time=${time}` : ''}`;
  const body = (await (await fetch(url)).json()) as { data: { result: unknown } };
  return body.data.result;
}

describe.skipIf(!available)('startPrometheus (Debian prometheus on 127.0.0.1)', { timeout: 60_000 }, () => {
  const started: RunningPrometheus[] = [];
  const servers: TrackServer[] = [];
  afterEach(async () => {
    for (const p of started.splice(0)) {
      p.resume();
      await p.close();
      expect(existsSync(p.dir)).toBe(false);
    }
    for (const s of servers.splice(0)) await s.close();
  });

  it('serves backfilled OpenMetrics at their historic timestamps', async () => {
    const doc = `${openMetricsFamily('jobs', 'counter', 'Jobs done', [
      { name: 'jobs_total', labels: { queue: 'a"b' }, time: 1_700_000_000, value: 0 },
      { name: 'jobs_total', labels: { queue: 'a"b' }, time: 1_700_000_060, value: 120 },
      { name: 'jobs_total', labels: { queue: 'a"b' }, time: 1_700_000_120, value: 240 },
    ])}# EOF\n`;
    const p = await startPrometheus({ openMetrics: [doc] });
    started.push(p);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.port).not.toBe(9090);
    expect(await query(p, 'rate(jobs_total[2m])', 1_700_000_120)).toEqual([
      { metric: { queue: 'a"b' }, value: [1_700_000_120, '2'] },
    ]);
    expect(await query(p, 'jobs_total', 1_700_000_120)).toEqual([
      { metric: { __name__: 'jobs_total', queue: 'a"b' }, value: [1_700_000_120, '240'] },
    ]);
  });

  it("refuses a malformed backfill with promtool's message", async () => {
    await expect(startPrometheus({ openMetrics: ['not openmetrics at all\n# EOF\n'] })).rejects.toThrow(
      /promtool tsdb create-blocks-from openmetrics failed/,
    );
  });

  it('scrapes live targets with their labels', async () => {
    const s = await startTrackServer('svc', { errorRate: 0, latencyMs: 1 });
    servers.push(s);
    await fetch(s.url);
    const p = await startPrometheus({
      scrapeIntervalMs: 500,
      targets: [{ address: s.address, labels: { namespace: 'ns', service: 'svc' } }],
    });
    started.push(p);
    const result = await p.waitFor('http_requests_total{service="svc"}', (r) => r.length > 0, 30_000);
    expect(result).toEqual([
      expect.objectContaining({
        metric: expect.objectContaining({ namespace: 'ns', service: 'svc', code: '200', method: 'GET' }),
      }),
    ]);
  });

  it('can be hung (SIGSTOP), resumed, killed and stopped', async () => {
    const p = await startPrometheus();
    started.push(p);
    p.pause();
    await expect(fetch(`${p.url}/-/ready`, { signal: AbortSignal.timeout(500) })).rejects.toThrow();
    p.resume();
    expect((await fetch(`${p.url}/-/ready`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
    await p.kill();
    expect(p.running()).toBe(false);
    await expect(fetch(`${p.url}/-/ready`)).rejects.toThrow();
    const q = await startPrometheus();
    started.push(q);
    await q.stop();
    expect(q.running()).toBe(false);
  });
});
