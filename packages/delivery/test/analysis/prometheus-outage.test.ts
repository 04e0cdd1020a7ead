import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prometheusAvailable, startPrometheus, type RunningPrometheus } from '@spikeformer-actions/testing/prometheus';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAnalysis } from '../../src/analysis/default-analysis.js';
import { PrometheusClient } from '../../src/analysis/prometheus-client.js';
import { runAnalysis, virtualClock } from '../../src/analysis/run.js';
import type { ErrorPolicy } from '../../src/analysis/types.js';

/*
 * Prometheus goes away in the middle of an analysis of a healthy canary: killed, stopped, or hung
 * (SIGSTOP: the port accepts, nothing answers). The measurements after that are errors, and the
 * run ends with the configured on-error verdict — never Successful.
 */

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'canary-analysis.om');
const AT = 1_700_000_600_000;
const available = prometheusAvailable();

describe.skipIf(!available)('Prometheus stopped mid-analysis', { timeout: 60_000 }, () => {
  let prometheus: RunningPrometheus | undefined;
  afterEach(async () => {
    prometheus?.resume();
    await prometheus?.close();
    prometheus = undefined;
  });

  async function analyseWithOutage(options: {
    onError: ErrorPolicy;
    count: number;
    consecutiveErrorLimit: number;
    timeoutMs?: number;
    outage: (p: RunningPrometheus) => Promise<void> | void;
  }) {
    prometheus = await startPrometheus({ openMetrics: [readFileSync(FIXTURE, 'utf8')] });
    const p = prometheus;
    const client = new PrometheusClient({
      address: p.url,
      timeoutMs: options.timeoutMs ?? 5_000,
      attempts: 2,
      backoffMs: 10,
    });
    const [errorRate] = defaultAnalysis({
      intervalMs: 30_000,
      count: options.count,
      consecutiveErrorLimit: options.consecutiveErrorLimit,
    });
    if (!errorRate) throw new Error('no error-rate metric');
    return runAnalysis(
      { metrics: [errorRate], onError: options.onError },
      {
        source: client,
        vars: { namespace: 'shop', service: 'api', stable: 'api-stable', canary: 'api-canary-good' },
        clock: virtualClock(AT),
        onMeasurement: async (_, m) => {
          if (m.index === 2) await options.outage(p);
        },
      },
    );
  }

  it('killed (SIGKILL): errors until consecutive-error-limit, then on-error fail → Failed', async () => {
    const r = await analyseWithOutage({ onError: 'fail', count: 8, consecutiveErrorLimit: 2, outage: (p) => p.kill() });
    const [m] = r.metrics;
    expect(m?.measurements.map((x) => x.verdict)).toEqual(['Successful', 'Successful', 'Error', 'Error', 'Error']);
    expect(m?.measurements[2]?.reason).toMatch(/failed after 2 attempt\(s\): ECONNREFUSED/);
    expect(m?.verdict).toBe('Error');
    expect(m?.reason).toBe('3 consecutive errors exceed consecutive-error-limit 2');
    expect(r.verdict).toBe('Failed');
    expect(r.reason).toBe('could not be measured: error-rate; on-error is fail');
  });

  it('stopped (SIGTERM): on-error inconclusive → Inconclusive', async () => {
    const r = await analyseWithOutage({
      onError: 'inconclusive',
      count: 8,
      consecutiveErrorLimit: 1,
      outage: (p) => p.stop(),
    });
    expect(r.metrics[0]?.measurements.map((x) => x.verdict)).toEqual(['Successful', 'Successful', 'Error', 'Error']);
    expect(r.verdict).toBe('Inconclusive');
  });

  it('hung (SIGSTOP): queries time out; the count ends within the error budget yet the run is not a success', async () => {
    const r = await analyseWithOutage({
      onError: 'fail',
      count: 3,
      consecutiveErrorLimit: 4,
      timeoutMs: 700,
      outage: (p) => p.pause(),
    });
    const [m] = r.metrics;
    expect(m?.measurements.map((x) => x.verdict)).toEqual(['Successful', 'Successful', 'Error']);
    expect(m?.measurements[2]?.reason).toMatch(/no response data for 700 ms|connection not established/);
    // Argo would call this run Successful (errors within consecutiveErrorLimit); the last state is unknown.
    expect(m?.verdict).toBe('Error');
    expect(r.verdict).toBe('Failed');
  });
});
